"""`make run` installs what runs (requirements.lock); the test tools are in
requirements-test.lock, on top of and constrained to the same pins."""

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEST_TOOLS = {"pytest", "playwright", "schemathesis", "hypothesis", "ruff"}
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith(("#", "-c ")):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        found[canonical(match[1])] = match[2]
    return found


def test_the_runtime_lock_holds_none_of_the_test_tools():
    runtime = pins(ROOT / "requirements.lock")

    assert not TEST_TOOLS & set(runtime)
    assert {"django", "celery", "honcho", "drf-spectacular-sidecar"} <= set(runtime)


def test_the_test_lock_adds_the_test_tools_under_the_runtime_pins():
    runtime = pins(ROOT / "requirements.lock")
    test = pins(ROOT / "requirements-test.lock")

    assert "-c requirements.lock" in (ROOT / "requirements-test.lock").read_text().splitlines()
    assert set(runtime).isdisjoint(test)
    assert set(test) >= TEST_TOOLS


def test_each_direct_dependency_is_pinned_in_its_own_lock_at_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement, lock in [
        *((r, "requirements.lock") for r in project["dependencies"]),
        *((r, "requirements-test.lock") for r in project["optional-dependencies"]["test"]),
    ]:
        name, version = re.sub(r"\[.*\]", "", requirement).split("==")
        assert pins(ROOT / lock).get(canonical(name)) == version, (requirement, lock)
