"""Dispatch: orders through real Celery workers to the sandbox over HTTP, against the same
payloads posted straight to the sandbox with httpx at the same concurrency.

The pipeline: ``deliveries_queue`` (the upsert and the tasks queued after commit, as every
order entering ``executing`` does) -> 2 worker processes (``celery -A config worker``, solo
pool, Redis) -> ``deliveries_send`` (claim a task's deliveries, attempt rows, POST each,
record the answers, orders done). Measured from the queueing to the last order's
``completed_at``. The sandbox runs as ``manage.py run_fulfillment_sandbox`` on a free port.

The machine's speed drifts from minute to minute, so the two are measured in ``--rounds``
alternating rounds (baseline, then pipeline, on orders of their own) and the ratio is the
median of the rounds' ratios. The CPU time of the workers, the sandbox and PostgreSQL is
measured during the pipeline rounds; afterwards a profile sends a sample in this process to
show where a delivery's time goes (``bench/dispatch_profile.py``).

    .venv/bin/python -m bench.dispatch                     # 5 rounds of 5,000 orders
    .venv/bin/python -m bench.dispatch --orders 2000       # make bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import time

from bench import harness

WARMUP = 40
PROFILE_SAMPLE = 300
TARGET_RATIO = 0.5


def executing(i: int, seeded_at: dt.datetime) -> dict:
    return {"state": "executing", "created": seeded_at - dt.timedelta(seconds=i)}


def reset(dataset: harness.Dataset, *, endpoint_url: str) -> None:
    """Every order executing, its delivery failed before any attempt (a resubmit sends it
    again); the integration closed and pointing at ``endpoint_url``."""
    dataset.clear_activity(keep_deliveries=True)
    harness.run_sql(
        [
            "UPDATE orders_order SET state = 'executing', completed_at = NULL, erred_at = NULL, "
            "error_message = '', failure_kind = '', next_retry_at = NULL, modified = created "
            "WHERE id BETWEEN %(first)s AND %(last)s",
            "UPDATE orders_resource SET state = 'creating' WHERE offering_id = %(offering)s",
            "UPDATE integrations_integration SET endpoint_url = %(url)s, enabled = true, "
            "breaker_state = 'closed', breaker_failures = 0, breaker_trips = 0, "
            "breaker_probe_at = NULL, timeout_seconds = 10 WHERE id = %(integration)s",
        ],
        first=dataset.first_pk,
        last=dataset.last_pk,
        offering=dataset.offering_id,
        integration=dataset.integration_id,
        url=endpoint_url,
    )
    harness.vacuum("orders_order", "integrations_delivery", "integrations_attempt")


def _client_init(url: str) -> None:
    import httpx

    global _client, _url
    _client, _url = httpx.Client(timeout=10), url


def _post_chunk(chunk: list[tuple[str, dict]]) -> list[int]:
    statuses = []
    for key, payload in chunk:
        response = _client.post(
            _url, json=payload, headers={"Idempotency-Key": key, "User-Agent": "Redrive/0.1"}
        )
        statuses.append(response.status_code)
    return statuses


def raw_posts(url: str, payloads: list[tuple[str, dict]], *, processes: int) -> float:
    """POST every payload with ``processes`` processes, each with one httpx client, in chunks
    of 20 (the pipeline's task size); returns the seconds taken (pool start-up excluded)."""
    chunks = [payloads[i : i + 20] for i in range(0, len(payloads), 20)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_client_init, initargs=(url,)) as pool:
        pool.map(_post_chunk, [[] for _ in range(processes * 4)])
        started = time.perf_counter()
        statuses = [s for chunk in pool.imap_unordered(_post_chunk, chunks) for s in chunk]
        seconds = time.perf_counter() - started
    assert statuses.count(201) == len(payloads), {s: statuses.count(s) for s in set(statuses)}
    return seconds


def sandbox_state(url: str) -> dict:
    import httpx

    return httpx.get(f"{url}/_sandbox/state", timeout=30).json()


def sandbox_reset(url: str) -> None:
    import httpx

    httpx.post(f"{url}/_sandbox/reset", timeout=10).raise_for_status()


def workers_ready(expected: int) -> bool:
    from config.celery import app

    return len(app.control.ping(timeout=0.5)) >= expected


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
        deliveries_queue(order_ids=order_ids, trigger=Trigger.BULK, actor=None)
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
    processes: harness.Processes, *, names: list[str], url: str, order_ids: list[int]
) -> dict:
    """One pipeline round: ``order_ids`` through the running workers, the CPU they, the
    sandbox and PostgreSQL used, and what the sandbox received (checked: each order accepted
    once, nothing sent twice, one attempt row each)."""
    from integrations.models import Attempt

    sandbox_reset(url)
    meter = harness.CpuMeter({name: processes.running[name].pid for name in names})
    meter.processes["sandbox"] = processes.running["sandbox"].pid
    meter.start()
    seconds, _ = dispatch(order_ids, timeout=max(120, len(order_ids) / 5))
    cpu = meter.stop()
    state = sandbox_state(url)
    attempts = Attempt.objects.filter(
        order_id__gte=order_ids[0], order_id__lte=order_ids[-1]
    ).count()
    assert state["accepted_count"] == len(order_ids), (state["accepted_count"], len(order_ids))
    assert state["duplicate_sends"] == 0, state["duplicate_sends"]
    assert attempts == len(order_ids), (attempts, len(order_ids))
    return {"seconds": seconds, "cpu": cpu, "names": names}


def run_rounds(
    processes: harness.Processes,
    *,
    env: dict[str, str],
    url: str,
    warmup: list[int],
    rounds: list[list[int]],
    workers: int,
) -> list[dict]:
    """Start the workers and warm them up, then for each round: the baseline on its orders'
    payloads, then the pipeline on those orders; stop the workers."""
    from integrations import backends
    from orders.models import Order

    names = [f"worker-{n + 1}" for n in range(workers)]
    for n, name in enumerate(names):
        processes.start(name, harness.celery_worker_command(f"bench{n + 1}"), env=env)
    results = []
    try:
        harness.wait_for(lambda: workers_ready(workers), timeout=60, what="the workers")
        dispatch(warmup, timeout=60)
        for number, order_ids in enumerate(rounds, start=1):
            orders = Order.objects.select_related("offering", "consumer_organization").filter(
                pk__range=(order_ids[0], order_ids[-1])
            )
            payloads = [
                (f"raw-{number}-{order.uuid}", backends.order_payload(order, mapping={}))
                for order in orders
            ]
            print(
                f"round {number}: {len(payloads):,} POSTs straight to the sandbox, then "
                f"{len(order_ids):,} orders through {workers} workers ...",
                flush=True,
            )
            raw_seconds = raw_posts(f"{url}/orders", payloads, processes=workers)
            result = pipeline_round(processes, names=names, url=url, order_ids=order_ids)
            results.append({**result, "raw_seconds": raw_seconds, "orders": len(order_ids)})
    finally:
        for name in names:
            processes.stop(name)
    return results


def summary(results: list[dict], *, workers: int) -> dict:
    """Per round and overall: orders/s of both, their ratio (median of the rounds'), CPU."""
    rounds = [
        {
            "orders": r["orders"],
            "pipeline_seconds": round(r["seconds"], 3),
            "pipeline_orders_per_second": round(r["orders"] / r["seconds"], 1),
            "raw_seconds": round(r["raw_seconds"], 3),
            "raw_orders_per_second": round(r["orders"] / r["raw_seconds"], 1),
            "ratio": round(r["raw_seconds"] / r["seconds"], 3),
        }
        for r in results
    ]
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
        "raw_ms_per_post_per_process": round(
            harness.median([workers * r["raw_seconds"] * 1000 / r["orders"] for r in results]), 3
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5_000, help="Orders in each round.")
    parser.add_argument(
        "--rounds", type=int, default=5, help="Alternating baseline/pipeline rounds (5)."
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Worker processes, and the baseline's processes (default 2).",
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < 100 or args.workers < 1 or args.rounds < 1:
        parser.error("--orders must be at least 100, --workers and --rounds at least 1")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()

    from bench.dispatch_profile import profile
    from integrations.services import TASK_CHUNK

    total = WARMUP + args.rounds * args.orders + PROFILE_SAMPLE
    dataset = harness.dataset("dispatch", orders=total, shape=executing)
    processes = harness.Processes()
    env = harness.child_env(CELERY_BROKER_URL=harness.BROKER_URL, LOG_LEVEL="INFO")
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    ids = list(range(dataset.first_pk, dataset.last_pk + 1))
    warmup = ids[:WARMUP]
    rounds = [
        ids[WARMUP + n * args.orders : WARMUP + (n + 1) * args.orders] for n in range(args.rounds)
    ]
    sample = ids[WARMUP + args.rounds * args.orders :]
    harness.broker_flush()
    try:
        processes.start("sandbox", harness.sandbox_command(port), env=env)
        harness.wait_for(lambda: harness.sandbox_ready(url), timeout=30, what="the sandbox")
        harness.park(keep=dataset)
        reset(dataset, endpoint_url=f"{url}/orders")
        results = run_rounds(
            processes, env=env, url=url, warmup=warmup, rounds=rounds, workers=args.workers
        )
        print(f"profile: {PROFILE_SAMPLE} deliveries sent in tasks of {TASK_CHUNK} here ...")
        per_send = profile(sample)
    finally:
        processes.stop_all()
        harness.broker_flush()
        harness.park()

    figures = summary(results, workers=args.workers)
    ratio = figures["ratio"]
    cpu = figures["cpu_ms_per_delivery"]
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
            f"pipeline ({args.workers} workers), median",
            f"{figures['pipeline_orders_per_second']:,.0f} orders/s",
        ),
        (
            f"baseline: raw httpx ({args.workers} processes), median",
            f"{figures['raw_orders_per_second']:,.0f} orders/s",
        ),
        ("ratio pipeline / raw (median of the rounds)", f"{ratio:.3f}"),
        (
            "CPU ms per delivery",
            f"workers {cpu['workers']:.2f}, sandbox {cpu['sandbox']:.2f}, "
            f"postgres {cpu['postgres']:.2f}; machine {figures['machine_busy_percent']:.0f}% busy",
        ),
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
        ("  http_push", f"{per_send['http_push_ms_per_delivery']:.2f} ms a delivery"),
        ("  the rest (ORM, Python, logging)", f"{per_send['other_ms_per_delivery']:.2f} ms"),
    ]
    targets = [
        harness.Target(
            "pipeline at half the raw rate or better", ratio >= TARGET_RATIO, f"{ratio:.3f}"
        )
    ]
    harness.report(
        "dispatch",
        parameters={
            "orders": args.orders,
            "rounds": args.rounds,
            "workers": args.workers,
            "pool": "solo",
            "task_chunk": TASK_CHUNK,
        },
        rows=rows,
        figures={k: v for k, v in figures.items() if k not in ("raw_orders_per_second",)},
        baseline={
            "what": "the same payloads POSTed with httpx, one client per process, "
            f"{args.workers} processes, in each round just before the pipeline",
            "orders_per_second": figures["raw_orders_per_second"],
            "ms_per_post_per_process": figures["raw_ms_per_post_per_process"],
        },
        ratio=ratio,
        targets=targets,
        started_quiet=quiet,
        extra={"profile": per_send},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
