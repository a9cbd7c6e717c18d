"""A bulk operation at a million: N erred orders resubmitted the way every resubmit now runs
(``bulk_operation_start`` then ``bulk_operation_run``, the worker's code, here in-process:
chunks of ``REDRIVE_BULK_CHUNK_SIZE``, ``REDRIVE_BULK_WORKERS`` at once, each chunk's writes
and checkpoint in one transaction), against the bare set-based statements doing the same
writes on the same rows (the schema's own limit), with WAL per order for both; then the
preview (a dry run's pieces and its token) at 100,000 and at N, the latency of a cancel, and
a run SIGKILLed half-way and resumed (orders resubmitted twice).

    .venv/bin/python -m bench.bulk_operation                   # 1,000,000 orders
    .venv/bin/python -m bench.bulk_operation --orders 20000    # a quick look
    .venv/bin/python -m bench.bulk_operation --only previews,admin,api,cancel
                                   # those at 1,000,000 without the full resubmit; written
                                   # to bench/results/bulk_operation_partial.json

WAL is read back between ``pg_current_wal_lsn()`` before and after with ``pg_walinspect``,
counting only the records that touch this database's relations (``bench.wal_breakdown``
attributes them to each table and index).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import threading
import time

from bench import harness
from bench.bulk_resubmit import erred, reset
from bench.wal_breakdown import database_wal, retained_wal

TARGET_SECONDS = 60.0
TARGET_RATIO = 1.3
TARGET_PREVIEW_SECONDS = 2.0
TARGET_CANCEL_SECONDS = 1.0
TARGET_ADMIN_SECONDS = 1.0
TARGET_LABELS = {
    "admin": "admin confirmation under 1 s",
    "api": "API dry run (preview) under 2 s",
}

BARE_STATEMENTS = [
    # the history row a retry writes (orders.services.history.retries_record)
    "INSERT INTO orders_ordertransition (order_id, transition, source_state, target_state, "
    "actor_id, reason, details, created) SELECT id, 'retry', state, 'executing', %(actor)s, '', "
    "jsonb_build_object('failure_kind', failure_kind, 'error_message', error_message, "
    "'error_traceback', error_traceback, 'erred_at', erred_at, 'due', next_retry_at, "
    "'completed_at', completed_at, 'trigger', 'bulk'), now() FROM orders_order "
    "WHERE id BETWEEN %(first)s AND %(last)s AND state = 'erred'",
    "UPDATE orders_order SET state = 'executing', failure_kind = '', error_message = '', "
    "error_traceback = '', erred_at = NULL, next_retry_at = NULL, completed_at = NULL, "
    "modified = now() WHERE id BETWEEN %(first)s AND %(last)s AND state = 'erred'",
    "UPDATE orders_resource SET state = 'creating', modified = now() WHERE id IN "
    "(SELECT resource_id FROM orders_order WHERE id BETWEEN %(first)s AND %(last)s)",
    "INSERT INTO integrations_delivery (order_id, integration_id, state, idempotency_key, "
    "external_id, attempt_count, pending_trigger, counted_attempts, held_reason, "
    "next_attempt_at, created, modified, required) SELECT o.id, r.integration_id, 'queued', "
    "gen_random_uuid(), '', 0, 'bulk', 0, '', now(), now(), now(), r.required "
    "FROM orders_order o JOIN integrations_route r ON r.offering_id = o.offering_id "
    "WHERE o.id BETWEEN %(first)s AND %(last)s "
    "ON CONFLICT (order_id, integration_id) DO UPDATE SET state = 'queued', "
    "next_attempt_at = EXCLUDED.next_attempt_at, pending_trigger = 'bulk', modified = now()",
]
BARE_RANGE = 10_000


def wal() -> str:
    """The server's WAL position now."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wal_per_order(before: str, after: str, orders: int) -> dict:
    """WAL records and bytes of this database between two positions, an order (read back
    with ``pg_walinspect``: other databases' writes meanwhile do not count)."""
    records, size = database_wal(before, after)
    return {
        "bytes_per_order": round(size / orders, 1),
        "records_per_order": round(records / orders, 2),
    }


def full_run(selection, staff, meter) -> tuple[float, object]:
    from orders import services
    from orders.services import bulk

    started = time.perf_counter()
    operation = services.bulk_operation_start(actor=staff, orders=selection, queue=False)
    original = bulk._chunk

    def metered(run, seq):
        with meter.measure():
            return original(run, seq)

    bulk._chunk = metered
    try:
        operation = services.bulk_operation_run(operation_id=operation.pk)
    finally:
        bulk._chunk = original
    return time.perf_counter() - started, operation


class ChunkMeter:
    """Queries and seconds of each chunk, in whichever thread ran it."""

    def __init__(self) -> None:
        self.chunks: list[tuple[float, int]] = []
        self.lock = threading.Lock()

    def measure(self):
        from contextlib import contextmanager

        from django.db import connection

        @contextmanager
        def measured():
            counter = harness.QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                yield
            with self.lock:
                self.chunks.append((time.perf_counter() - started, counter.count))

        return measured()


def bare_run(dataset, staff, count: int) -> float:
    """The four statements alone, in ranges of ``BARE_RANGE`` keys, two ranges at once."""
    from django.db import connection, transaction

    from core.parallel import in_parallel

    last = dataset.first_pk + count - 1
    ranges = [
        (a, min(a + BARE_RANGE - 1, last)) for a in range(dataset.first_pk, last + 1, BARE_RANGE)
    ]

    def work(bounds):
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in BARE_STATEMENTS:
                cursor.execute(
                    statement, {"first": bounds[0], "last": bounds[1], "actor": staff.pk}
                )

    started = time.perf_counter()
    for _ in in_parallel(ranges, work, workers=2):
        pass
    return time.perf_counter() - started


def preview_seconds(selection, staff) -> dict:
    """What a dry run of the API computes besides reading: the breakdown, the sample and the
    frozen set behind its token (``bulk_preview_create``), and the count."""
    from orders.bulk_apis import preview
    from orders.selectors import orders_resubmittable
    from orders.services import bulk_preview_create

    started = time.perf_counter()
    resubmittable = orders_resubmittable(orders=selection, user=staff)
    count = resubmittable.count()
    _, runs = preview(resubmittable)
    token = bulk_preview_create(actor=staff, runs=runs)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "orders": count,
        "runs": len(token.selection),
    }


def admin_confirmation_seconds(dataset, staff) -> float:
    """The Failed orders queue's Resubmit with "select all" over the data set's offering: the
    first POST, which renders the confirmation (counts, breakdown, samples, frozen sets),
    after one of a single order."""
    from django.test import Client
    from django.urls import reverse

    from orders.models import Offering

    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    offering = Offering.objects.get(pk=dataset.offering_id)
    url = reverse("admin:orders_failedorder_changelist") + f"?offering={offering.uuid}"
    action = {"action": "resubmit_selected", "index": "0", "_selected_action": [dataset.first_pk]}
    # one order first, as a running web process has its code loaded: what is timed is the
    # million's page, not this process's first admin request
    assert client.post(url, action).status_code == 200
    started = time.perf_counter()
    response = client.post(url, {**action, "select_across": "1"})
    seconds = time.perf_counter() - started
    assert response.status_code == 200 and b"preview_token" in response.content, response
    return round(seconds, 3)


def api_dry_run_seconds(dataset, staff) -> float:
    """``POST /api/orders/resubmit/`` with ``dry_run`` over the data set's offering, as the
    dashboard's Resubmit asks for its preview (counts, breakdown, sample, token)."""
    from django.test import Client

    from orders.models import Offering, Order

    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    offering = Offering.objects.get(pk=dataset.offering_id)
    first = Order.objects.values_list("uuid", flat=True).get(pk=dataset.first_pk)
    # one order first (see admin_confirmation_seconds)
    warm = client.post(
        "/api/orders/resubmit/",
        {"uuids": [str(first)], "dry_run": True},
        content_type="application/json",
    )
    assert warm.status_code == 200, warm.content
    started = time.perf_counter()
    response = client.post(
        "/api/orders/resubmit/",
        {"filters": {"offering": str(offering.uuid)}, "dry_run": True},
        content_type="application/json",
    )
    seconds = time.perf_counter() - started
    assert response.status_code == 200 and response.json()["preview_token"], response.content
    return round(seconds, 3)


def cancel_latency(selection, staff) -> dict:
    """A run in a thread, cancelled after a few chunks: seconds until it stopped."""
    from orders.models import BulkOperation
    from orders.services import bulk_operation_cancel, bulk_operation_run, bulk_operation_start

    operation = bulk_operation_start(actor=staff, orders=selection, queue=False)
    runner = threading.Thread(target=bulk_operation_run, kwargs={"operation_id": operation.pk})
    runner.start()
    harness.wait_for(
        lambda: BulkOperation.objects.get(pk=operation.pk).processed >= 5 * operation.chunk_size,
        timeout=120,
        what="chunks done",
    )
    asked = time.perf_counter()
    bulk_operation_cancel(operation_id=operation.pk, actor=staff)
    harness.wait_for(
        lambda: BulkOperation.objects.get(pk=operation.pk).state == BulkOperation.State.CANCELLED,
        timeout=60,
        interval=0.01,
        what="the cancel",
    )
    seconds = time.perf_counter() - asked
    runner.join()
    operation.refresh_from_db()
    return {
        "seconds": round(seconds, 3),
        "processed": operation.processed,
        "total": operation.total,
    }


RUNNER = """
import sys
from bench import harness
harness.configure()
from orders.services import bulk_operation_run
bulk_operation_run(operation_id=int(sys.argv[1]))
"""


def resume_after_kill(dataset, selection, staff) -> dict:
    """A run in a child process SIGKILLed after a few chunks, then resumed here: orders
    resubmitted twice (history rows of this run per order)."""
    from django.db import connection

    from orders.models import BulkOperation
    from orders.services import bulk_operation_run, bulk_operation_start

    operation = bulk_operation_start(actor=staff, orders=selection, queue=False)
    child = subprocess.Popen(
        [harness.PYTHON, "-c", RUNNER, str(operation.pk)],
        cwd=harness.ROOT,
        env=harness.child_env(CELERY_BROKER_URL=harness.BROKER_URL, LOG_LEVEL="WARNING"),
    )
    harness.wait_for(
        lambda: BulkOperation.objects.get(pk=operation.pk).processed >= 20 * operation.chunk_size,
        timeout=300,
        what="chunks done by the child",
    )
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    killed_at = BulkOperation.objects.get(pk=operation.pk).processed
    from django.conf import settings

    settings.REDRIVE_BULK_STALE_SECONDS = 0.5
    time.sleep(0.6)  # the heartbeat must be older than the stale limit: the claim's rule
    started = time.perf_counter()
    operation = bulk_operation_run(operation_id=operation.pk)
    resumed_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT order_id FROM orders_ordertransition WHERE "
            "order_id BETWEEN %s AND %s AND transition = 'retry' GROUP BY order_id "
            "HAVING count(*) > 1) AS twice",
            [dataset.first_pk, dataset.last_pk],
        )
        twice = cursor.fetchone()[0]
    return {
        "killed_at_processed": killed_at,
        "state": operation.state,
        "processed": operation.processed,
        "resubmitted": operation.resubmitted,
        "resubmitted_twice": twice,
        "resume_seconds": round(resumed_seconds, 2),
    }


PAGES = {"admin": admin_confirmation_seconds, "api": api_dry_run_seconds}
PARTS = ("full", "bare", "previews", "admin", "api", "cancel", "resume", "loop")
PARTIAL_RESULTS = "bulk_operation_partial"


def parts(value: str) -> tuple[str, ...]:
    """``--only``'s comma-separated parts, each one of ``PARTS``."""
    chosen = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in PARTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown part {', '.join(unknown) or '(none given)'}; use {', '.join(PARTS)}"
        )
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=2_000, help="per-order loop")
    parser.add_argument(
        "--only",
        type=parts,
        default=PARTS,
        metavar="PART,...",
        help=f"measure only these parts ({', '.join(PARTS)}); a partial run writes "
        f"bench/results/{PARTIAL_RESULTS}.json and leaves bulk_operation.json as it was",
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    only = set(args.only)
    partial = only != set(PARTS)
    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()

    from django.conf import settings

    from orders.models import Order
    from orders.services import order_retry

    staff = harness.staff_user()
    dataset = harness.dataset("resubmit", orders=args.orders + args.baseline_sample, shape=erred)
    last = dataset.first_pk + args.orders - 1
    selection = Order.objects.filter(
        offering_id=dataset.offering_id, pk__gte=dataset.first_pk, pk__lte=last
    )
    harness.broker_flush()
    rows, figures, baseline, targets = [], {"orders": args.orders}, {}, []
    ratio = None
    chunk = settings.REDRIVE_BULK_CHUNK_SIZE
    if partial:
        reset(dataset, only_changed=True)

    if "full" in only:
        print(f"full resubmit of {args.orders:,} as a bulk operation ...", flush=True)
        reset(dataset)
        meter = ChunkMeter()
        with retained_wal("bench_bulk_operation") as before:
            full_seconds, operation = full_run(selection, staff, meter)
            full_wal = wal_per_order(before, wal(), args.orders)
        assert operation.resubmitted == args.orders, operation
        harness.broker_flush()
        chunk = operation.chunk_size
        rate = args.orders / full_seconds
        queries = sorted({q for _, q in meter.chunks})
        chunk_seconds = [s for s, _ in meter.chunks]
        rows += [
            ("orders resubmitted (bulk operation)", f"{args.orders:,} in {full_seconds:.1f} s"),
            ("orders/s", f"{rate:,.0f}"),
            (
                f"queries per chunk of {operation.chunk_size}",
                f"{queries} ({len(meter.chunks)} chunks, {settings.REDRIVE_BULK_WORKERS} at "
                "once; and 1 cancel check each, besides a look every 0.1 s)",
            ),
            (
                "seconds per chunk",
                f"p50 {harness.median(chunk_seconds):.3f}, max {max(chunk_seconds):.3f}",
            ),
            (
                "WAL per order (full)",
                f"{full_wal['bytes_per_order']:.0f} B, {full_wal['records_per_order']:.1f} records",
            ),
        ]
        figures.update(
            seconds=round(full_seconds, 2),
            orders_per_second=round(rate, 1),
            queries_per_chunk=queries,
            chunks=len(meter.chunks),
            chunk_seconds_p50=round(harness.median(chunk_seconds), 4),
            wal=full_wal,
        )
        projected = full_seconds * 1_000_000 / args.orders
        targets += [
            harness.Target(
                "1,000,000 in at most 60 s",
                projected <= TARGET_SECONDS,
                f"{projected:.1f} s" + ("" if args.orders == 1_000_000 else " projected"),
            ),
            harness.Target("constant queries per chunk", len(queries) == 1, str(queries)),
        ]

    if "bare" in only:
        print("bare set-based statements on the same rows ...", flush=True)
        reset(dataset)
        with retained_wal("bench_bulk_operation") as before:
            bare_seconds = bare_run(dataset, staff, args.orders)
            bare_wal = wal_per_order(before, wal(), args.orders)
        rows += [
            ("baseline: bare statements", f"{bare_seconds:.1f} s"),
            (
                "WAL per order (bare)",
                f"{bare_wal['bytes_per_order']:.0f} B, {bare_wal['records_per_order']:.1f} records",
            ),
        ]
        baseline = {"bare_statements_seconds": round(bare_seconds, 2), "wal": bare_wal}
        if "full" in only:
            ratio = full_seconds / bare_seconds
            rows.append(("full / bare", f"{ratio:.2f}x"))
            targets.append(
                harness.Target(
                    "within 1.3x the bare statements", ratio <= TARGET_RATIO, f"{ratio:.2f}x"
                )
            )
            ratio = round(ratio, 3)

    if only & {"previews", "admin", "api", "cancel"} and only & {"full", "bare"}:
        reset(dataset)
    if "previews" in only:
        print("previews ...", flush=True)
        small = selection.filter(pk__lt=dataset.first_pk + min(100_000, args.orders))
        previews = {
            "100000": preview_seconds(small, staff),
            str(args.orders): preview_seconds(selection, staff),
        }
        big = previews[str(args.orders)]["seconds"]
        rows += [
            ("preview 100,000", f"{previews['100000']['seconds']:.2f} s"),
            (f"preview {args.orders:,}", f"{big:.2f} s"),
        ]
        figures["previews"] = previews
        targets.append(
            harness.Target("preview under 2 s", big < TARGET_PREVIEW_SECONDS, f"{big:.2f} s")
        )
    pages = [
        ("admin", "admin confirmation", "admin_confirmation_seconds", TARGET_ADMIN_SECONDS),
        ("api", "API dry run", "api_dry_run_seconds", TARGET_PREVIEW_SECONDS),
    ]
    for part, label, key, limit in pages:
        if part in only:
            print(f"{label} ...", flush=True)
            seconds = PAGES[part](dataset, staff)
            rows.append((label, f"{seconds:.2f} s"))
            figures[key] = seconds
            targets.append(harness.Target(TARGET_LABELS[part], seconds < limit, f"{seconds:.2f} s"))

    if "cancel" in only:
        print("cancel ...", flush=True)
        cancelled = cancel_latency(selection, staff)
        rows.append(
            (
                "cancel: asked to stopped",
                f"{cancelled['seconds']:.3f} s "
                f"(at {cancelled['processed']:,} of {cancelled['total']:,})",
            )
        )
        figures["cancel"] = cancelled
        targets.append(
            harness.Target(
                "cancel within 1 s",
                cancelled["seconds"] < TARGET_CANCEL_SECONDS,
                f"{cancelled['seconds']:.3f} s",
            )
        )

    if "resume" in only:
        print("resume after SIGKILL ...", flush=True)
        reset(dataset)
        resumed = resume_after_kill(dataset, selection, staff)
        harness.broker_flush()
        rows.append(
            (
                "resume after SIGKILL",
                f"killed at {resumed['killed_at_processed']:,}, {resumed['state']} at "
                f"{resumed['processed']:,}, resubmitted twice: {resumed['resubmitted_twice']}",
            )
        )
        figures["resume_after_sigkill"] = resumed
        targets.append(
            harness.Target(
                "resubmitted twice: 0",
                resumed["resubmitted_twice"] == 0 and resumed["state"] == "done",
                str(resumed["resubmitted_twice"]),
            )
        )

    if "loop" in only:
        print(f"baseline: {args.baseline_sample:,} orders one by one ...", flush=True)
        loop_started = time.perf_counter()
        for pk in range(last + 1, dataset.last_pk + 1):
            order_retry(
                order=Order.objects.select_related("offering").get(pk=pk),
                actor=staff,
                trigger="bulk",
            )
        loop_seconds = time.perf_counter() - loop_started
        harness.broker_flush()
        rows.append(
            (
                "per-order loop",
                f"{args.baseline_sample:,} in {loop_seconds:.1f} s "
                f"({args.baseline_sample / loop_seconds:,.0f}/s)",
            )
        )
        figures["per_order_loop"] = {
            "orders": args.baseline_sample,
            "seconds": round(loop_seconds, 2),
        }
    harness.park()

    harness.report(
        PARTIAL_RESULTS if partial else "bulk_operation",
        module="bulk_operation",
        parameters={
            "orders": args.orders,
            "chunk_size": chunk,
            "baseline_sample": args.baseline_sample,
            **({"only": [part for part in PARTS if part in only]} if partial else {}),
        },
        rows=rows,
        figures=figures,
        baseline=baseline,
        ratio=ratio,
        targets=targets,
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
