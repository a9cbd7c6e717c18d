"""The report of a run: a plain-text table and ``bench/results/<name>.json`` with the
machine, parameters, figures, baseline, ratio and targets."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness.environment import RESULTS, ROOT, other_tests_running


def _command_output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def _redis_version() -> str:
    words = _command_output(["redis-server", "--version"]).split()
    return next((w[2:] for w in words if w.startswith("v=")), "")


def machine() -> dict[str, Any]:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": get_version(),
        "postgres": postgres,
        "redis": _redis_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
    }


@dataclass
class Target:
    label: str
    met: bool
    detail: str


def report(
    name: str,
    *,
    parameters: dict,
    rows: list[tuple[str, str]],
    figures: dict,
    baseline: dict,
    ratio: float | None,
    targets: list[Target],
    started_quiet: bool,
    extra: dict | None = None,
    module: str | None = None,
) -> Path:
    """Print the table and write ``bench/results/<name>.json`` (``module``: the benchmark's
    module when it is not ``name``)."""
    ended_busy = other_tests_running()
    table = [
        *rows,
        *((f"target: {t.label}", f"{'met' if t.met else 'MISSED'} ({t.detail})") for t in targets),
    ]
    width = max(len(label) for label, _ in table)
    print()
    print(f"{name}  ({', '.join(f'{k}={v}' for k, v in parameters.items())})")
    print("-" * (width + 40))
    for label, value in table:
        print(f"{label:<{width}}  {value}")
    print("-" * (width + 40))
    quiet = started_quiet and not ended_busy
    print(f"machine quiet (no other pytest at start and end): {'yes' if quiet else 'no'}")
    document = {
        "name": name,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m", f"bench.{module or name}", *sys.argv[1:]]),
        "machine": {**machine(), "quiet": quiet},
        "parameters": parameters,
        "figures": figures,
        "baseline": baseline,
        "ratio": ratio,
        "targets": {t.label: {"met": t.met, "detail": t.detail} for t in targets},
        **(extra or {}),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")
    return path
