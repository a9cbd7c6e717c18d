"""Fuzz: schemathesis, randomized and stateful, against the app served by gunicorn over real
HTTP, as staff, a provider owner, an offering manager and a consumer.

A fresh database (``redrive_fuzz``, dropped at the end) holds the same world as the CI test
(``tests/api/fuzzing.py``: rows of every shape a response can take). For each role in turn,
``schemathesis run`` spends its share of ``--minutes`` on every phase (examples, coverage,
fuzzing, stateful: sequences of calls following the links it finds between operations) with
every check (no server error, documented statuses, content types and headers, bodies true to
the schema, bad input refused, good input accepted, auth honoured, ...), not derandomized.
Prints the cases run and the failures by role, writes ``bench/results/fuzz.json`` and exits
non-zero on any failure (the reports are in ``var/fuzz/<role>/``).

    python -m bench.fuzz --minutes 15
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redrive_fuzz")

from bench import harness
from bench.harness.environment import DATABASE_URL, ROOT

ROLES = ["staff", "owner", "manager", "consumer"]
# Every check but positive_data_acceptance, and 413/414 count as refusals: bench/schemathesis.toml
# says why.
CONFIG = ROOT / "bench" / "schemathesis.toml"


def drop_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def gunicorn_command(port: int) -> list[str]:
    return [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]


def served(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/api/schema/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def run_role(url: str, role: str, key: str, *, seconds: int) -> dict:
    """One ``schemathesis run`` as ``role``; its cases and failures from the NDJSON events."""
    report_dir = ROOT / "var" / "fuzz" / role
    shutil.rmtree(report_dir, ignore_errors=True)
    report_dir.mkdir(parents=True)
    events = report_dir / "events.ndjson"
    command = [
        str(ROOT / ".venv" / "bin" / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/api/schema/",
        "--header",
        f"Authorization: Token {key}",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-time",
        str(seconds),
        "--workers",
        "2",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(events),
        "--no-color",
    ]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    (report_dir / "output.txt").write_text(run.stdout + run.stderr)
    summary = _summary(run.stdout)
    return {
        "role": role,
        "seconds": round(time.monotonic() - started, 1),
        "exit_code": run.returncode,
        **summary,
    }


def _summary(output: str) -> dict:
    """Cases generated and failures, from the run's closing summary."""
    cases = re.search(r"Test cases:\s*([\d,]+) generated", output)
    unique = re.search(r"([\d,]+) unique failures?", output)
    tool_errors = re.search(r"Runtime Error: ([\d,]+)", output)
    passed = re.search(r"([\d,]+) passed", output)
    number = lambda m: int(m.group(1).replace(",", "")) if m else 0  # noqa: E731
    return {
        "cases": number(cases),
        "unique_failures": number(unique),
        "passed": number(passed),
        "tool_errors": number(tool_errors),  # schemathesis' own (its generator), not the API's
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15, help="The whole budget (15).")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be above 0")

    drop_database()
    harness.configure()
    from tests.api.fuzzing import fuzz_world

    headers = fuzz_world()
    keys = {role: headers[role]["Authorization"].split()[1] for role in ROLES}
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    processes = harness.Processes()
    results = []
    try:
        processes.start("web", gunicorn_command(port), env=harness.child_env(LOG_LEVEL="ERROR"))
        harness.wait_for(lambda: served(url), timeout=60, what="gunicorn")
        share = max(30, int(args.minutes * 60 / len(ROLES)))
        for role in ROLES:
            print(f"{role}: schemathesis for {share} s ...", flush=True)
            results.append(run_role(url, role, keys[role], seconds=share))
            print(f"  {json.dumps(results[-1])}", flush=True)
    finally:
        processes.stop_all()
    try:
        return summarize(results, minutes=args.minutes)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database()


def summarize(results: list[dict], *, minutes: float) -> int:
    cases = sum(r["cases"] for r in results)
    failures = sum(r["unique_failures"] for r in results)
    rows = [
        (
            f"{r['role']}",
            f"{r['cases']:,} cases in {r['seconds']:.0f} s, {r['unique_failures']} unique failures"
            f", {r['tool_errors']} schemathesis errors (exit {r['exit_code']})",
        )
        for r in results
    ]
    rows.append(("all roles", f"{cases:,} cases, {failures} unique failures"))
    # exit code 1 with no failure is schemathesis reporting an error of its own
    clean = failures == 0 and all(r["exit_code"] in (0, 1) and r["cases"] > 0 for r in results)
    harness.report(
        "fuzz",
        parameters={"minutes": minutes, "roles": len(ROLES), "server": "gunicorn x2"},
        rows=rows,
        figures={"cases": cases, "unique_failures": failures, "by_role": results},
        baseline={},
        ratio=None,
        targets=[harness.Target("no failure in any role", clean, f"{failures} failures")],
        started_quiet=True,
    )
    if not clean:
        print("reports: var/fuzz/<role>/output.txt", file=sys.stderr)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
