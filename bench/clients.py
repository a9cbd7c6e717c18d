"""Clients: which HTTP client keeps many requests in flight, and how fast the sandbox is.

Each client of ``bench/harness/clients.py`` POSTs the same order payloads to the sandbox
(``manage.py run_fulfillment_sandbox --latency-ms L``) with ``--in-flight`` requests at once:
requests a second, p50/p95 latency, the client's CPU per 1,000 requests and the sandbox's. The
baseline is the bare asyncio-streams client: the sandbox's capacity at that setting. The
one-at-a-time ``httpx.Client`` (what a worker did before) sends only ``--sequential`` requests.

    .venv/bin/python -m bench.clients                         # 200 ms, 200 in flight
    .venv/bin/python -m bench.clients --matrix                # 200/200, 200/500, 0/200, 1000/200
"""

from __future__ import annotations

import argparse

from bench import harness
from bench.harness.clients import CLIENTS, payloads
from bench.harness.processes import process_cpu_seconds

BASELINE = "raw asyncio streams"
MATRIX = [(200, 200), (200, 500), (0, 200), (1000, 200)]
SANDBOX_TARGET = 2000  # order POSTs a second at 200 ms with 500 in flight
CAPS = {"httpx.AsyncClient, shared": 600, "httpcore pool, shared": 600}
"""Requests of the clients that manage only tens a second (their rate is clear from fewer)."""


def measure(latency_ms: int, in_flight: int, *, requests: int, sequential: int) -> dict:
    processes = harness.Processes()
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        sandbox = processes.start(
            "sandbox",
            harness.sandbox_command(port, "--latency-ms", str(latency_ms)),
            env=harness.child_env(),
        )
        harness.wait_for(lambda: harness.sandbox_ready(url), timeout=30, what="the sandbox")
        results = {}
        for name, client in CLIENTS.items():
            harness.sandbox_reset(url, latency_ms=latency_ms)
            count = (
                sequential if "one at a time" in name else min(requests, CAPS.get(name, requests))
            )
            client(f"{url}/orders", payloads(min(in_flight, count)), in_flight)  # warm-up
            harness.sandbox_reset(url, latency_ms=latency_ms)
            bodies = payloads(count)
            cpu_before = process_cpu_seconds(sandbox.pid)
            try:
                run = client(f"{url}/orders", bodies, in_flight)
            except ImportError as missing:
                results[name] = {"skipped": f"not installed: {missing.name}"}
                continue
            sandbox_cpu = process_cpu_seconds(sandbox.pid) - cpu_before
            accepted = harness.sandbox(url, "/_sandbox/state")["accepted_count"]
            print(f"{latency_ms} ms, {in_flight} in flight: {name}: {run.rate:,.0f}/s", flush=True)
            results[name] = {
                "requests": len(run.latencies),
                "accepted": accepted,
                "per_second": round(run.rate, 1),
                "p50_ms": round(harness.percentile(run.latencies, 0.5) * 1000, 1),
                "p95_ms": round(harness.percentile(run.latencies, 0.95) * 1000, 1),
                "client_cpu_s_per_1000": round(run.cpu_seconds * 1000 / len(run.latencies), 3),
                "sandbox_cpu_s_per_1000": round(sandbox_cpu * 1000 / len(run.latencies), 3),
                "statuses": run.statuses,
            }
        return results
    finally:
        processes.stop_all()


def rows_of(latency_ms: int, in_flight: int, results: dict) -> list[tuple[str, str]]:
    base = results[BASELINE]["per_second"]
    rows = [(f"latency {latency_ms} ms, {in_flight} in flight", "")]
    for name, r in results.items():
        if "skipped" in r:
            rows.append((f"  {name}", r["skipped"]))
            continue
        rows.append(
            (
                f"  {name}",
                f"{r['per_second']:>8,.0f}/s  p50 {r['p50_ms']:>7.1f} ms  "
                f"p95 {r['p95_ms']:>7.1f} ms"
                f"  CPU/1000: client {r['client_cpu_s_per_1000']:.2f} s, sandbox "
                f"{r['sandbox_cpu_s_per_1000']:.2f} s  x{r['per_second'] / base:.2f}",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument(
        "--sequential",
        type=int,
        default=0,
        help="requests of the one-at-a-time client (default: 5 s of them at the latency)",
    )
    parser.add_argument(
        "--matrix",
        action="store_true",
        help="run the four settings: " + ", ".join(f"{ms} ms/{n}" for ms, n in MATRIX),
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args()
    quiet = harness.wait_until_quiet(args.wait_quiet)
    harness.configure()
    settings = MATRIX if args.matrix else [(args.latency_ms, args.in_flight)]
    measured, rows = {}, []
    for latency_ms, in_flight in settings:
        sequential = args.sequential or max(20, int(5000 / max(latency_ms, 1)))
        results = measure(latency_ms, in_flight, requests=args.requests, sequential=sequential)
        measured[f"{latency_ms}ms/{in_flight}"] = results
        rows += rows_of(latency_ms, in_flight, results)
    capacity = measured.get("200ms/500", {}).get(BASELINE, {}).get("per_second")
    targets = []
    if capacity is not None:
        targets.append(
            harness.Target(
                f"sandbox serves >= {SANDBOX_TARGET}/s at 200 ms, 500 in flight",
                capacity >= SANDBOX_TARGET,
                f"{capacity:,.0f}/s",
            )
        )
    first = next(iter(measured.values()))
    harness.report(
        "clients",
        parameters={"requests": args.requests, "settings": [f"{ms}ms/{n}" for ms, n in settings]},
        rows=rows,
        figures=measured,
        baseline={"client": BASELINE, "per_second": first[BASELINE]["per_second"]},
        ratio=None,
        targets=targets,
        started_quiet=quiet,
    )


if __name__ == "__main__":
    main()
