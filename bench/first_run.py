"""First run: a fresh clone, `make run` with no pip (or npm) cache, until the admin answers.

The repository is cloned into a temporary folder (``git clone`` of this checkout's commit),
``make run`` starts there with ``PIP_NO_CACHE_DIR=1`` (every package downloaded), free ports
for the web process and the sandbox (``WEB_ADDR``, ``SANDBOX_PORT``) and the clone's own
``var/`` (SQLite, the file broker), so it meets nothing else on the machine. The clock runs
from ``make run`` until ``GET /admin/login/`` answers 200; each step's share comes from the
moment make echoes the step's command. Then Ctrl-C (SIGINT to make's process group, as a
terminal sends it): how long until everything stopped, and whether anything was killed or
logged an error. The clone is removed.

Baseline, in the same run: the same for the commit before the runtime and test locks were
split (one lock with the test tools, honcho's 5 s stop), found in the history.

    .venv/bin/python -m bench.first_run                 # this commit and the baseline
    .venv/bin/python -m bench.first_run --no-baseline
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import harness
from bench.harness.environment import LOGS

TARGET_SECONDS = 60.0
STOP_DEADLINE = 60.0
# Where each step starts: the first line of make's output that matches (make echoes each
# command before running it; the venv is made by a silent line before the first pip).
STEPS = [
    ("install", re.compile(r"-m pip install .*-r requirements\.lock")),
    ("migrate", re.compile(r"manage\.py migrate")),
    ("setup_roles", re.compile(r"manage\.py setup_roles")),
    ("seed_demo", re.compile(r"manage\.py seed_demo")),
    ("processes", re.compile(r"honcho start|config\.processes start")),
]
# Variables of this process that must not reach the clone's make run (the bench's own
# database and broker, this checkout's virtualenv).
NOT_INHERITED = ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")
PROBLEMS = re.compile(r"SIGKILL|Traceback|\bERROR\b|CRITICAL|Cold shutdown")


@dataclass
class FirstRun:
    ref: str
    lines: list[tuple[float, str]] = field(default_factory=list)
    first_page_s: float | None = None
    stop_s: float | None = None
    exit_code: int | None = None
    venv_mb: float | None = None

    def step_seconds(self) -> dict[str, float]:
        """Seconds each step took: from its command's echo to the next step's (the last to
        the first page); the venv from the start to the first pip."""
        starts = {}
        for name, pattern in STEPS:
            found = next((at for at, line in self.lines if pattern.search(line)), None)
            if found is not None:
                starts[name] = found
        marks = [("venv", 0.0), *sorted(starts.items(), key=lambda item: item[1])]
        ends = [at for _, at in marks[1:]] + [self.first_page_s or marks[-1][1]]
        return {name: round(end - at, 2) for (name, at), end in zip(marks, ends, strict=True)}

    def ready_s(self, text: str) -> float | None:
        """When a line holding ``text`` (and, for the worker, ``ready.``) was printed."""
        return next(
            (
                at
                for at, line in self.lines
                if text in line and (text != "celery@" or line.endswith(" ready."))
            ),
            None,
        )

    def problems(self) -> list[str]:
        return [line for _, line in self.lines if PROBLEMS.search(line)]


def baseline_ref() -> str:
    """The commit before requirements-test.lock first appeared: the single lock."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "requirements-test.lock"],
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not added:
        raise SystemExit("no commit adds requirements-test.lock; give --baseline-ref")
    return f"{added[-1]}^"


def clone(ref: str, into: Path) -> str:
    subprocess.run(["git", "clone", "-q", str(harness.ROOT), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "-q", ref], check=True)
    return subprocess.run(
        ["git", "-C", str(into), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def make_env(scratch: Path, *, web: str, sandbox_port: int) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    own_bin = str(harness.ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != own_bin)
    env.update(
        PIP_NO_CACHE_DIR="1",
        npm_config_cache=str(scratch / "npm-cache"),  # the project uses no npm; none cached
        WEB_ADDR=web,
        SANDBOX_PORT=str(sandbox_port),
        DEMO_PASSWORD=secrets.token_urlsafe(12),
        PYTHONUNBUFFERED="1",
    )
    return env


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def first_run(ref: str, *, timeout: float) -> FirstRun:
    scratch = Path(tempfile.mkdtemp(prefix="redrive-first-run-"))
    try:
        checkout = scratch / "redrive"
        run = FirstRun(ref=clone(ref, checkout))
        web = f"127.0.0.1:{harness.free_port()}"
        env = make_env(scratch, web=web, sandbox_port=harness.free_port())
        print(f"make run in a fresh clone of {run.ref}, web at {web} ...", flush=True)
        started = time.monotonic()
        make = subprocess.Popen(
            ["make", "run"],
            cwd=checkout,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a terminal's foreground job: Ctrl-C reaches make and honcho
        )

        def read() -> None:
            for line in make.stdout:
                run.lines.append((time.monotonic() - started, line.rstrip("\n")))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            harness.wait_for(
                lambda: answers(f"http://{web}/admin/login/") or make.poll() is not None,
                timeout=timeout,
                interval=0.2,
                what="the admin's login page",
            )
            if make.poll() is not None:
                raise SystemExit(f"make run ended ({make.returncode}) before the admin answered")
            run.first_page_s = round(time.monotonic() - started, 2)
            run.venv_mb = round(du_mb(checkout / ".venv"), 1)
            # Ctrl-C once every process is up (the worker and beat still start after the web
            # answers), as a person would after looking around.
            harness.wait_for(
                lambda: run.ready_s("celery@") and run.ready_s("beat: Starting"),
                timeout=120,
                what="the worker and beat to start",
            )
            stopping = time.monotonic()
            os.killpg(make.pid, signal.SIGINT)
            run.exit_code = make.wait(timeout=STOP_DEADLINE)
            run.stop_s = round(time.monotonic() - stopping, 2)
            reader.join(timeout=5)
        finally:
            if make.poll() is None:
                os.killpg(make.pid, signal.SIGKILL)
                make.wait()
        LOGS.mkdir(parents=True, exist_ok=True)
        log = LOGS / f"first_run_{run.ref}.log"
        log.write_text("".join(f"{at:7.2f} {line}\n" for at, line in run.lines))
        print(f"  first page after {run.first_page_s} s; stopped in {run.stop_s} s ({log})")
        return run
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def describe(run: FirstRun) -> str:
    steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in run.step_seconds().items())
    return f"{run.first_page_s:.1f} s ({steps}); venv {run.venv_mb:.0f} MB"


def stopped(run: FirstRun) -> str:
    problems = run.problems()
    return f"{run.stop_s:.1f} s, make exit {run.exit_code}, " + (
        f"{len(problems)} problem lines: {problems[:3]}" if problems else "nothing killed, no error"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="HEAD", help="The commit to measure (default HEAD).")
    parser.add_argument(
        "--baseline-ref", help="The baseline's commit (default: the one before the lock split)."
    )
    parser.add_argument("--no-baseline", action="store_true", help="Measure --ref only.")
    parser.add_argument(
        "--timeout", type=float, default=900, help="Seconds to wait for the first page."
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be more than 0")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()
    run = first_run(args.ref, timeout=args.timeout)
    base = None
    if not args.no_baseline:
        base = first_run(args.baseline_ref or baseline_ref(), timeout=args.timeout)

    rows = [
        (f"{run.ref}: make run to the admin", describe(run)),
        (f"{run.ref}: Ctrl-C", stopped(run)),
    ]
    if base is not None:
        rows += [
            (f"baseline {base.ref}: make run to the admin", describe(base)),
            (f"baseline {base.ref}: Ctrl-C", stopped(base)),
        ]
    ratio = round(base.first_page_s / run.first_page_s, 2) if base is not None else None
    if ratio is not None:
        rows.append(("baseline / this", f"{ratio:.2f}x"))
    harness.report(
        "first_run",
        parameters={"ref": run.ref, "pip_cache": "off", "baseline": base.ref if base else "none"},
        rows=rows,
        figures={
            "first_page_seconds": run.first_page_s,
            "steps_seconds": run.step_seconds(),
            "venv_mb": run.venv_mb,
            "worker_ready_seconds": run.ready_s("celery@"),
            "stop_seconds": run.stop_s,
            "make_exit_code": run.exit_code,
            "problem_lines": run.problems(),
        },
        baseline={}
        if base is None
        else {
            "ref": base.ref,
            "first_page_seconds": base.first_page_s,
            "steps_seconds": base.step_seconds(),
            "venv_mb": base.venv_mb,
            "worker_ready_seconds": base.ready_s("celery@"),
            "stop_seconds": base.stop_s,
            "make_exit_code": base.exit_code,
            "problem_lines": base.problems(),
        },
        ratio=ratio,
        targets=[
            harness.Target(
                f"first admin page within {TARGET_SECONDS:g} s",
                run.first_page_s <= TARGET_SECONDS,
                f"{run.first_page_s:.1f} s",
            ),
            harness.Target(
                "Ctrl-C stops everything, nothing killed, no error",
                not run.problems() and run.stop_s is not None,
                stopped(run),
            ),
        ],
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
