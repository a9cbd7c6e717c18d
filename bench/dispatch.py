"""Dispatch: orders through real Celery workers to the sandbox over HTTP, against the same
payloads posted straight to the sandbox with httpx at the same concurrency.

The pipeline: ``deliveries_queue`` (the upsert and the tasks queued after commit, as every
order entering ``executing`` does) -> 2 worker processes (``celery -A config worker``, solo
pool, Redis) -> ``delivery_send`` (claim, attempt row, POST, record, order done). Measured from
the queueing to the last order's ``completed_at``. The sandbox runs as
``manage.py run_fulfillment_sandbox`` on a free port. The CPU time of the workers, the sandbox
and PostgreSQL is measured during the run; afterwards a profile sends a sample in this process
to show where a delivery's time goes (queries, commits, HTTP, the rest).

    .venv/bin/python -m bench.dispatch                     # 5,000 orders
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
    """Every order executing with no delivery yet; the integration closed and pointing at
    ``endpoint_url``."""
    dataset.clear_activity()
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

    from integrations.models import Trigger
    from integrations.services import deliveries_queue
    from orders.models import Order

    started = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        deliveries_queue(order_ids=order_ids, trigger=Trigger.BULK, actor=None)
    orders = Order.objects.filter(pk__in=order_ids)
    harness.wait_for(
        lambda: orders.filter(state=Order.State.DONE).count() == len(order_ids),
        timeout=timeout,
        interval=0.2,
        what=f"{len(order_ids)} orders done",
    )
    finished = orders.aggregate(last=Max("completed_at"))["last"]
    return (finished - started).total_seconds(), finished


class Stopwatch:
    """Wraps a module function to add up the time spent in it (profiling only)."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> Stopwatch:
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc) -> None:
        setattr(self.module, self.name, self.original)


def profile(order_ids: list[int]) -> dict:
    """Send ``order_ids`` one by one in this process, as a worker does (``delivery_send``),
    and split the time of a delivery: queries, commits, the HTTP push, the rest."""
    import httpx
    from django.db import transaction
    from django.db.backends.base import base

    from integrations import backends, services
    from integrations.models import Delivery, Trigger

    with transaction.atomic():
        services.deliveries_queue(order_ids=order_ids, trigger=Trigger.BULK, actor=None)
    ids = list(Delivery.objects.filter(order_id__in=order_ids).values_list("pk", flat=True))
    queries = harness.QueryTimer()
    with (
        Stopwatch(backends, "http_push") as push,
        Stopwatch(httpx.Client, "__init__") as client_init,
        Stopwatch(base.BaseDatabaseWrapper, "_commit") as commits,
        queries.timing(),
    ):
        started = time.perf_counter()
        for delivery_id in ids:
            services.delivery_send(delivery_id=delivery_id)
        seconds = time.perf_counter() - started
    count = len(ids)
    query_ms = queries.total() * 1000 / count
    http_ms = push.seconds * 1000 / count
    commit_ms = commits.seconds * 1000 / count
    return {
        "deliveries": count,
        "ms_per_delivery": round(seconds * 1000 / count, 2),
        "queries_per_delivery": round(sum(queries.calls.values()) / count, 1),
        "query_ms_per_delivery": round(query_ms, 2),
        "commits_per_delivery": round(commits.calls / count, 1),
        "commit_ms_per_delivery": round(commit_ms, 2),
        "http_push_ms_per_delivery": round(http_ms, 2),
        "client_setup_ms_per_delivery": round(client_init.seconds * 1000 / count, 2),
        "other_ms_per_delivery": round(seconds * 1000 / count - query_ms - commit_ms - http_ms, 2),
        "queries": {
            label: round(calls / count, 2)
            for label, calls in sorted(queries.calls.items(), key=lambda item: -item[1])
        },
    }


def run_pipeline(
    processes: harness.Processes,
    *,
    env: dict[str, str],
    url: str,
    warmup: list[int],
    timed: list[int],
    workers: int,
) -> dict:
    """Start the workers, warm them up, time ``timed`` through them, check what the sandbox
    received, stop the workers."""
    from integrations.models import Attempt

    names = [f"worker-{n + 1}" for n in range(workers)]
    for n, name in enumerate(names):
        processes.start(name, harness.celery_worker_command(f"bench{n + 1}"), env=env)
    try:
        harness.wait_for(lambda: workers_ready(workers), timeout=60, what="the workers")
        dispatch(warmup, timeout=60)
        print(f"pipeline: {len(timed):,} orders through {workers} workers ...", flush=True)
        meter = harness.CpuMeter({name: processes.running[name].pid for name in names})
        meter.processes["sandbox"] = processes.running["sandbox"].pid
        meter.start()
        seconds, _ = dispatch(timed, timeout=max(120, len(timed) / 5))
        cpu = meter.stop()
        state = sandbox_state(url)
    finally:
        for name in names:
            processes.stop(name)
    sent = len(warmup) + len(timed)
    attempts = Attempt.objects.filter(order_id__in=warmup + timed).count()
    assert state["accepted_count"] == sent, (state["accepted_count"], sent)
    assert state["duplicate_sends"] == 0, state["duplicate_sends"]
    assert attempts == sent, (attempts, sent)
    workers_cpu = sum(cpu[name] for name in names)
    count = len(timed)
    return {
        "orders": count,
        "seconds": round(seconds, 3),
        "orders_per_second": round(count / seconds, 1),
        "accepted": state["accepted_count"],
        "duplicate_sends": state["duplicate_sends"],
        "cpu_ms_per_delivery": {
            "workers": round(workers_cpu * 1000 / count, 2),
            "sandbox": round(cpu["sandbox"] * 1000 / count, 2),
            "postgres": round(cpu["postgres"] * 1000 / count, 2),
            "machine": round(cpu["machine"] * 1000 / count, 2),
        },
        "machine_busy_percent": round(
            cpu["machine"] * 100 / (cpu["wall"] * (os.cpu_count() or 1)), 1
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5_000, help="Orders dispatched.")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Worker processes, and the baseline's processes (default 2).",
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < 100 or args.workers < 1:
        parser.error("--orders must be at least 100 and --workers at least 1")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()

    from integrations import backends
    from orders.models import Order

    total = WARMUP + args.orders + PROFILE_SAMPLE
    dataset = harness.dataset("dispatch", orders=total, shape=executing)
    processes = harness.Processes()
    env = harness.child_env(CELERY_BROKER_URL=harness.BROKER_URL, LOG_LEVEL="INFO")
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    ids = list(range(dataset.first_pk, dataset.last_pk + 1))
    warmup, timed = ids[:WARMUP], ids[WARMUP : WARMUP + args.orders]
    sample = ids[WARMUP + args.orders :]
    harness.broker_flush()
    try:
        processes.start("sandbox", harness.sandbox_command(port), env=env)
        harness.wait_for(lambda: harness.sandbox_ready(url), timeout=30, what="the sandbox")
        harness.park(keep=dataset)
        reset(dataset, endpoint_url=f"{url}/orders")
        orders = Order.objects.select_related("offering", "consumer_organization").filter(
            pk__in=timed
        )
        payloads = [
            (f"raw-{order.uuid}", backends.order_payload(order, mapping={})) for order in orders
        ]
        print(f"baseline: {len(payloads):,} POSTs straight to the sandbox ...", flush=True)
        raw_seconds = raw_posts(f"{url}/orders", payloads, processes=args.workers)
        sandbox_reset(url)
        pipeline = run_pipeline(
            processes, env=env, url=url, warmup=warmup, timed=timed, workers=args.workers
        )
        print(f"profile: {PROFILE_SAMPLE} deliveries sent one by one in this process ...")
        per_send = profile(sample)
    finally:
        processes.stop_all()
        harness.broker_flush()
        harness.park()

    raw_rate = args.orders / raw_seconds
    ratio = pipeline["orders_per_second"] / raw_rate
    raw_ms = args.workers * raw_seconds * 1000 / args.orders
    cpu = pipeline["cpu_ms_per_delivery"]
    rows = [
        (
            f"pipeline ({args.workers} workers)",
            f"{args.orders:,} orders in {pipeline['seconds']:.2f} s",
        ),
        ("pipeline orders/s", f"{pipeline['orders_per_second']:,.0f}"),
        (
            f"baseline: raw httpx ({args.workers} processes)",
            f"{args.orders:,} POSTs in {raw_seconds:.2f} s",
        ),
        ("baseline orders/s", f"{raw_rate:,.0f}"),
        ("ratio pipeline / raw", f"{ratio:.3f}"),
        (
            "CPU ms per delivery",
            f"workers {cpu['workers']:.1f}, sandbox {cpu['sandbox']:.1f}, "
            f"postgres {cpu['postgres']:.1f}; machine {pipeline['machine_busy_percent']:.0f}% busy",
        ),
        ("profile: ms per delivery (in process)", f"{per_send['ms_per_delivery']:.1f}"),
        (
            "  queries per delivery",
            f"{per_send['queries_per_delivery']:.0f} ({per_send['query_ms_per_delivery']:.1f} ms)",
        ),
        (
            "  commits per delivery",
            f"{per_send['commits_per_delivery']:.0f} ({per_send['commit_ms_per_delivery']:.1f} ms)",
        ),
        (
            "  http_push",
            f"{per_send['http_push_ms_per_delivery']:.1f} ms, of which making an httpx client "
            f"{per_send['client_setup_ms_per_delivery']:.1f} ms",
        ),
        ("  the rest (ORM, Python, logging)", f"{per_send['other_ms_per_delivery']:.1f} ms"),
        (
            "sandbox accepted / duplicate sends",
            f"{pipeline['accepted']:,} / {pipeline['duplicate_sends']}",
        ),
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
            "workers": args.workers,
            "pool": "solo",
            "task_chunk": 20,
        },
        rows=rows,
        figures=pipeline,
        baseline={
            "what": "the same payloads POSTed with httpx, one client per process, "
            f"{args.workers} processes",
            "seconds": round(raw_seconds, 3),
            "orders_per_second": round(raw_rate, 1),
            "ms_per_post_per_process": round(raw_ms, 2),
        },
        ratio=round(ratio, 3),
        targets=targets,
        started_quiet=quiet,
        extra={"profile": per_send},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
