"""Dispatch: orders through the worker to the sandbox over HTTP, many in flight, against the
fastest bare client posting the same payloads to the same sandbox with the same in-flight cap.

The pipeline: ``deliveries_queue`` (the upsert and the tasks queued after commit, as every
order entering ``executing`` does) -> the worker as the Procfile runs it (``celery -A config
worker``: ``REDRIVE_WORKER_PROCESSES`` processes, one a core, each of
``CELERY_WORKER_CONCURRENCY`` threads, Redis) -> ``deliveries_send``
(claim a task's deliveries, send them concurrently at the integration's pacing, record the
answers, orders done). Measured from the queueing to the last order's ``completed_at``. The
sandbox runs as ``manage.py run_fulfillment_sandbox --latency-ms L`` on a free port; the
integration allows ``--in-flight`` requests at once. The baseline is the bare asyncio-streams
client (``bench/harness/clients.py``) with ``--in-flight`` connections. At 0 ms each round also
measures this benchmark's earlier baseline (two processes, each one ``httpx.Client`` posting one
request after another), so that the 0 ms ratio can be compared with the figures before sends
went in flight.

The machine's speed drifts from minute to minute, so the two are measured in ``--rounds``
alternating rounds (baseline, then pipeline, on orders of their own) and the ratio is the
median of the rounds' ratios. The CPU time of the worker (all its processes), the sandbox and
PostgreSQL is measured during the pipeline rounds, and each worker process's peak memory;
afterwards a profile sends a sample in this process to count a task's queries and commits
(``bench/dispatch_profile.py``).

    .venv/bin/python -m bench.dispatch                       # 200 ms: 3 rounds of 5,000 orders
    .venv/bin/python -m bench.dispatch --latency-ms 1000
    .venv/bin/python -m bench.dispatch --latency-ms 0 --orders 2000       # make bench
    .venv/bin/python -m bench.dispatch --routes 3    # and as many rounds at three routes

``--routes 3``: after the one-route rounds, as many rounds again on orders of their own with
the offering routed to two more integrations on the same sandbox (one required, one
optional), the same in-flight cap each: three deliveries an order, the order done when the two
required ones succeeded. Its orders/s (median of its rounds) is compared with the one-route
figure of the same run (target at least 0.8x), and the profile is run again at three routes
for the queries per task.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os

from bench import harness
from bench.dispatch_baselines import legacy_posts, raw_posts

WARMUP = 40
PROFILE_SAMPLE = 300
TARGET_RATIO = 0.5
TARGET_RATIO_AT_0_MS = 0.6
TARGET_RATE = 400  # orders a second, at 200 ms of latency
TARGET_RSS_MB = 300
TARGET_ROUTES_RATIO = 0.8


def executing(i: int, seeded_at: dt.datetime) -> dict:
    return {"state": "executing", "created": seeded_at - dt.timedelta(seconds=i)}


def reset(dataset: harness.Dataset, *, endpoint_url: str, in_flight: int) -> None:
    """Every order executing, its delivery failed before any attempt; the integration pointing
    at ``endpoint_url``, allowing ``in_flight`` requests at once and no limit a second."""
    harness.reset_executing(
        dataset,
        integration="endpoint_url = %(url)s, timeout_seconds = 10, "
        "max_in_flight = %(in_flight)s, max_per_second = 1000000",
        url=endpoint_url,
        in_flight=in_flight,
    )


def dispatch(order_ids: list[int], *, timeout: float) -> tuple[float, dt.datetime]:
    """Queue deliveries for ``order_ids`` and wait until every order is done; returns the
    seconds from queueing to the last ``completed_at``."""
    from django.db import transaction
    from django.db.models import Max

    from integrations.services import deliveries_queue
    from orders.models import Order, Trigger

    first, last = order_ids[0], order_ids[-1]
    assert order_ids == list(range(first, last + 1)), "a contiguous range of orders"
    started = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        deliveries_queue(order_ids=order_ids, trigger=Trigger.USER, actor=None)
    # Polled by range: an IN list of thousands of keys, compiled five times a second, would
    # take CPU from the pipeline it measures.
    orders = Order.objects.filter(pk__range=(first, last))
    harness.wait_for(
        lambda: orders.filter(state=Order.State.DONE).count() == len(order_ids),
        timeout=timeout,
        interval=0.2,
        what=f"{len(order_ids)} orders done",
    )
    finished = orders.aggregate(last=Max("completed_at"))["last"]
    return (finished - started).total_seconds(), finished


def pipeline_round(
    processes: harness.Processes,
    *,
    names: list[str],
    url: str,
    order_ids: list[int],
    latency_ms,
    routes: int = 1,
) -> dict:
    """One pipeline round: ``order_ids`` through the running workers, the CPU they, the
    sandbox and PostgreSQL used, and what the sandbox received (checked: each of the
    ``routes`` deliveries of each order accepted once, nothing sent twice, one attempt row
    each; an optional delivery may end after its order is done, so they are waited for)."""
    from integrations.models import Attempt

    harness.sandbox_reset(url, latency_ms=latency_ms)
    meter = harness.CpuMeter({name: processes.running[name].pid for name in names})
    meter.processes["sandbox"] = processes.running["sandbox"].pid
    meter.start()
    seconds, _ = dispatch(order_ids, timeout=max(120, len(order_ids) / 2))
    expected = len(order_ids) * routes
    attempts = Attempt.objects.filter(
        order_id__gte=order_ids[0], order_id__lte=order_ids[-1], outcome="success"
    )
    harness.wait_for(
        lambda: attempts.count() == expected, timeout=60, interval=0.2, what="every delivery"
    )
    cpu = meter.stop()
    state = harness.sandbox(url, "/_sandbox/state")
    assert state["accepted_count"] == expected, (state["accepted_count"], expected)
    assert state["duplicate_sends"] == 0, state["duplicate_sends"]
    load = harness.sandbox(url, "/_sandbox/load")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "names": names,
        "peak_in_flight": load["peak_in_flight"],
    }


def run_rounds(
    processes: harness.Processes,
    *,
    env: dict[str, str],
    url: str,
    warmup: list[int],
    rounds: list[list[int]],
    in_flight: int,
    latency_ms: int,
    workers: int = 1,
    routes: int = 1,
) -> list[dict]:
    """Start the worker and warm it up, then for each round: the baseline on its orders'
    payloads, then the pipeline on those orders; stop the worker. Each result carries the
    worker processes' peak memory."""
    import json

    from integrations import backends
    from orders.models import Order

    names = harness.procfile_workers(processes, prefix="worker", env=env, count=workers)
    started = [processes.running[name] for name in names]
    results = []
    try:
        harness.wait_for(lambda: harness.workers_ready(workers), timeout=60, what="the worker")
        dispatch(warmup, timeout=60)
        for number, order_ids in enumerate(rounds, start=1):
            orders = Order.objects.select_related("offering", "consumer_organization").filter(
                pk__range=(order_ids[0], order_ids[-1])
            )
            payloads = [
                (
                    f"raw-{number}-{order.uuid}",
                    json.dumps(backends.order_payload(order, mapping={})).encode(),
                )
                for order in orders
            ]
            print(
                f"round {number}: {len(payloads):,} POSTs straight to the sandbox, then "
                f"{len(order_ids):,} orders through the worker ...",
                flush=True,
            )
            harness.sandbox_reset(url, latency_ms=latency_ms)
            raw_seconds = raw_posts(f"{url}/orders", payloads, in_flight=in_flight)
            legacy_seconds = None
            if latency_ms == 0:
                harness.sandbox_reset(url, latency_ms=latency_ms)
                legacy = [(f"legacy-{key}", body) for key, body in payloads]
                legacy_seconds = legacy_posts(f"{url}/orders", legacy)
            result = pipeline_round(
                processes,
                names=names,
                url=url,
                order_ids=order_ids,
                latency_ms=latency_ms,
                routes=routes,
            )
            results.append(
                {
                    **result,
                    "raw_seconds": raw_seconds,
                    "legacy_seconds": legacy_seconds,
                    "orders": len(order_ids),
                }
            )
        rss = {
            f"pid {pid}": round(harness.peak_rss_mb(pid), 1)
            for worker in started
            for pid in harness.process_tree(worker.pid)
        }
        for result in results:
            result["peak_rss_mb"] = rss
    finally:
        for name in names:
            processes.stop(name)
    return results


def summary(results: list[dict]) -> dict:
    """Per round and overall: orders/s of both, their ratio (median of the rounds'), CPU."""
    rounds = [
        {
            "orders": r["orders"],
            "pipeline_seconds": round(r["seconds"], 3),
            "pipeline_orders_per_second": round(r["orders"] / r["seconds"], 1),
            "raw_seconds": round(r["raw_seconds"], 3),
            "raw_orders_per_second": round(r["orders"] / r["raw_seconds"], 1),
            "ratio": round(r["raw_seconds"] / r["seconds"], 3),
            **(
                {
                    "legacy_orders_per_second": round(r["orders"] / r["legacy_seconds"], 1),
                    "legacy_ratio": round(r["legacy_seconds"] / r["seconds"], 3),
                }
                if r["legacy_seconds"]
                else {}
            ),
        }
        for r in results
    ]
    legacy = {}
    if results[0]["legacy_seconds"]:
        legacy = {
            "legacy_orders_per_second": harness.median(
                [r["legacy_orders_per_second"] for r in rounds]
            ),
            "legacy_ratio": harness.median([r["legacy_ratio"] for r in rounds]),
        }
    count = sum(r["orders"] for r in results)
    cpu = {key: sum(r["cpu"][key] for r in results) for key in results[0]["cpu"]}
    workers_cpu = sum(cpu[name] for name in results[0]["names"])
    return {
        "rounds": rounds,
        "ratio": harness.median([r["ratio"] for r in rounds]),
        "pipeline_orders_per_second": harness.median(
            [r["pipeline_orders_per_second"] for r in rounds]
        ),
        "raw_orders_per_second": harness.median([r["raw_orders_per_second"] for r in rounds]),
        "cpu_ms_per_delivery": {
            "workers": round(workers_cpu * 1000 / count, 2),
            "sandbox": round(cpu["sandbox"] * 1000 / count, 2),
            "postgres": round(cpu["postgres"] * 1000 / count, 2),
            "machine": round(cpu["machine"] * 1000 / count, 2),
        },
        "machine_busy_percent": round(
            cpu["machine"] * 100 / (cpu["wall"] * (os.cpu_count() or 1)), 1
        ),
        "peak_rss_mb": results[-1]["peak_rss_mb"],
        "sandbox_peak_in_flight": max(r["peak_in_flight"] for r in results),
        **legacy,
    }


def measure(
    processes: harness.Processes, ids: list[int], *, env, url: str, args, routes: int = 1
) -> tuple[list[dict], dict]:
    """Warm-up, ``--rounds`` rounds and the profile on ``ids`` (in that order): each round's
    results and the profile's figures."""
    from bench.dispatch_profile import profile
    from integrations.services import TASK_CHUNK

    rounds = [
        ids[WARMUP + n * args.orders : WARMUP + (n + 1) * args.orders] for n in range(args.rounds)
    ]
    results = run_rounds(
        processes,
        env=env,
        url=url,
        warmup=ids[:WARMUP],
        rounds=rounds,
        in_flight=args.in_flight,
        latency_ms=args.latency_ms,
        workers=args.workers,
        routes=routes,
    )
    sample = ids[WARMUP + args.rounds * args.orders :]
    print(f"profile: {len(sample) * routes} deliveries sent in tasks of {TASK_CHUNK} here ...")
    harness.sandbox_reset(url, latency_ms=args.latency_ms)
    return results, profile(sample)


def three_routes(
    processes: harness.Processes, dataset, ids: list[int], *, env, url: str, args
) -> dict:
    """The three-route run: the offering routed to two more integrations on the sandbox (same
    in-flight cap), then ``measure`` on orders of their own; the routes are removed after."""
    settings = {"timeout_seconds": 10, "max_in_flight": args.in_flight, "max_per_second": 10**6}
    with harness.extra_routes(dataset, endpoint_url=f"{url}/orders", **settings):
        print("three routes an order (one optional) ...", flush=True)
        results, per_send = measure(processes, ids, env=env, url=url, args=args, routes=3)
    figures = summary(results)
    return {
        "pipeline_orders_per_second": figures["pipeline_orders_per_second"],
        "rounds": figures["rounds"],
        "cpu_ms_per_order": figures["cpu_ms_per_delivery"],
        "profile": per_send,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5_000, help="Orders in each round.")
    parser.add_argument(
        "--rounds", type=int, default=3, help="Alternating baseline/pipeline rounds (3)."
    )
    parser.add_argument(
        "--latency-ms", type=int, default=200, help="The sandbox's latency (default 200 ms)."
    )
    parser.add_argument(
        "--in-flight",
        type=int,
        default=200,
        help="The integration's max_in_flight, and the baseline's connections (default 200).",
    )
    parser.add_argument(
        "--routes",
        type=int,
        choices=(1, 3),
        default=1,
        help="3: also as many rounds with three routes an order (one optional).",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="Worker processes, each as the Procfile starts one (default: as many as the "
        "Procfile starts, REDRIVE_WORKER_PROCESSES: one a core with Redis).",
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < 100 or args.rounds < 1 or args.in_flight < 1 or args.latency_ms < 0:
        parser.error("--orders must be at least 100, --rounds and --in-flight at least 1")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")

    harness.configure()
    from django.conf import settings

    procfile_workers = settings.REDRIVE_WORKER_PROCESSES
    args.workers = args.workers or procfile_workers
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()

    from integrations.services import TASK_CHUNK

    runs = 2 if args.routes == 3 else 1
    total = runs * (WARMUP + args.rounds * args.orders + PROFILE_SAMPLE)
    dataset = harness.dataset("dispatch", orders=total, shape=executing)
    processes = harness.Processes()
    env = harness.worker_env()
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    ids = list(range(dataset.first_pk, dataset.last_pk + 1))
    more = ids[total // runs :]  # the three-route run's: warm-up, rounds, sample
    routed = None
    harness.broker_flush()
    try:
        processes.start("sandbox", harness.sandbox_command(port), env=env)
        harness.wait_for(lambda: harness.sandbox_ready(url), timeout=30, what="the sandbox")
        harness.park(keep=dataset)
        reset(dataset, endpoint_url=f"{url}/orders", in_flight=args.in_flight)
        results, per_send = measure(processes, ids[: total // runs], env=env, url=url, args=args)
        if args.routes == 3:
            routed = three_routes(processes, dataset, more, env=env, url=url, args=args)
    finally:
        processes.stop_all()
        harness.broker_flush()
        harness.park()

    figures = summary(results)
    if routed:
        figures["three_routes"] = routed
        figures["three_routes_ratio"] = round(
            routed["pipeline_orders_per_second"] / figures["pipeline_orders_per_second"], 3
        )
    ratio = figures["ratio"]
    cpu = figures["cpu_ms_per_delivery"]
    rss = figures["peak_rss_mb"]
    processes_count = f"{settings.CELERY_WORKER_POOL} x{settings.CELERY_WORKER_CONCURRENCY}"
    processes_count = f"{args.workers} processes of {processes_count}"
    rows = [
        *(
            (
                f"round {n}: pipeline / raw",
                f"{r['pipeline_orders_per_second']:,.0f} / {r['raw_orders_per_second']:,.0f} "
                f"orders/s = {r['ratio']:.3f}",
            )
            for n, r in enumerate(figures["rounds"], start=1)
        ),
        (
            f"pipeline (worker: {processes_count}), median",
            f"{figures['pipeline_orders_per_second']:,.0f} orders/s",
        ),
        (
            f"baseline: bare asyncio client, {args.in_flight} in flight, median",
            f"{figures['raw_orders_per_second']:,.0f} orders/s",
        ),
        ("ratio pipeline / raw (median of the rounds)", f"{ratio:.3f}"),
        *(
            [
                (
                    "the earlier baseline: httpx, 2 processes, one request at a time, median",
                    f"{figures['legacy_orders_per_second']:,.0f} orders/s; pipeline / it "
                    f"{figures['legacy_ratio']:.3f}",
                )
            ]
            if "legacy_ratio" in figures
            else []
        ),
        ("most requests in flight at the sandbox", f"{figures['sandbox_peak_in_flight']}"),
        (
            "CPU ms per delivery",
            f"worker {cpu['workers']:.2f}, sandbox {cpu['sandbox']:.2f}, "
            f"postgres {cpu['postgres']:.2f}; machine {figures['machine_busy_percent']:.0f}% busy",
        ),
        ("peak RSS of the worker's processes", ", ".join(f"{v:.0f} MB" for v in rss.values())),
        (
            f"profile: a delivery in tasks of {TASK_CHUNK} (in process)",
            f"{per_send['ms_per_delivery']:.2f} ms, {per_send['cpu_ms_per_delivery']:.2f} ms CPU",
        ),
        (
            "  queries per task / commits per task",
            f"{per_send['queries_per_delivery'] * TASK_CHUNK:.0f} "
            f"({per_send['query_ms_per_delivery']:.2f} ms a delivery) / "
            f"{per_send['commits_per_delivery'] * TASK_CHUNK:.0f} "
            f"({per_send['commit_ms_per_delivery']:.2f} ms a delivery)",
        ),
    ]
    if routed:
        rows += [
            (
                "three routes (one optional): pipeline, median",
                f"{routed['pipeline_orders_per_second']:,.0f} orders/s "
                f"({3 * routed['pipeline_orders_per_second']:,.0f} deliveries/s)",
            ),
            ("three routes / one route", f"{figures['three_routes_ratio']:.3f}"),
            (
                "three routes: queries per task (profile)",
                f"{routed['profile']['queries_per_delivery'] * TASK_CHUNK:.0f} "
                f"(one route: {per_send['queries_per_delivery'] * TASK_CHUNK:.0f})",
            ),
        ]
    wanted = TARGET_RATIO_AT_0_MS if args.latency_ms == 0 else TARGET_RATIO
    rate = figures["pipeline_orders_per_second"]
    targets = [
        harness.Target(
            f"pipeline at {wanted}x the raw rate or better", ratio >= wanted, f"{ratio:.3f}"
        ),
        *(
            [
                harness.Target(
                    f"pipeline at {wanted}x the earlier baseline (httpx, 2 processes) or better",
                    figures["legacy_ratio"] >= wanted,
                    f"{figures['legacy_ratio']:.3f}",
                )
            ]
            if "legacy_ratio" in figures
            else []
        ),
        harness.Target(
            f"peak RSS of each worker process at most {TARGET_RSS_MB} MB",
            max(rss.values()) <= TARGET_RSS_MB,
            f"{max(rss.values()):.0f} MB",
        ),
    ]
    if routed:
        targets.append(
            harness.Target(
                f">= {TARGET_ROUTES_RATIO}x the one-route orders/s at three routes",
                figures["three_routes_ratio"] >= TARGET_ROUTES_RATIO,
                f"{figures['three_routes_ratio']:.3f}",
            )
        )
    if args.latency_ms == 200:
        targets.append(
            harness.Target(f"at least {TARGET_RATE} orders/s", rate >= TARGET_RATE, f"{rate:,.0f}")
        )
    harness.report(
        f"dispatch_{args.latency_ms}ms"
        + (f"_{args.workers}_workers" if args.workers != procfile_workers else "")
        + ("_3_routes" if routed else ""),
        parameters={
            "orders": args.orders,
            "rounds": args.rounds,
            "latency_ms": args.latency_ms,
            "in_flight": args.in_flight,
            "worker": processes_count,
            "task_chunk": TASK_CHUNK,
            "routes": args.routes,
        },
        rows=rows,
        figures={k: v for k, v in figures.items() if k not in ("raw_orders_per_second",)},
        baseline={
            "what": f"the same payloads POSTed by a bare asyncio-streams client, {args.in_flight} "
            "connections, in each round just before the pipeline",
            "orders_per_second": figures["raw_orders_per_second"],
        },
        ratio=ratio,
        targets=targets,
        started_quiet=quiet,
        extra={"profile": per_send},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
