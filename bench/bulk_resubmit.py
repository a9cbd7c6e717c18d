"""Bulk resubmit: N erred orders through ``orders_resubmit`` (what the admin action, the API
and ``manage.py resubmit_orders`` call), against the per-order loop on a sample.

Both paths do the whole job: the state change, the resources, the history rows, the
deliveries upsert and the tasks queued after commit on a real Redis broker (the bench's own
database number, flushed afterwards). Queries are counted with ``connection.execute_wrapper``.

    .venv/bin/python -m bench.bulk_resubmit                    # 100,000 orders
    .venv/bin/python -m bench.bulk_resubmit --orders 20000     # make bench
    .venv/bin/python -m bench.bulk_resubmit --routes 3         # and again at three routes

``--routes 3`` resubmits the same orders a second time, right after the one-route run, with
their offering routed to two more integrations (one required, one optional): three deliveries
an order. Its throughput is compared with the one-route figure of the same run (target: at
least 0.8x) and its queries per batch must stay constant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time

from bench import harness

TARGET_SECONDS_PER_100K = 15.0
TARGET_RATIO = 20.0
TARGET_ROUTES_RATIO = 0.8
ERROR = "HTTP 422 address_invalid: Shipping address needs a postal code"


def erred(i: int, seeded_at: dt.datetime) -> dict:
    created = seeded_at - dt.timedelta(days=30, seconds=i % (86400 * 30))
    return {
        "state": "erred",
        "created": created,
        "erred_at": created + dt.timedelta(minutes=1),
        "failure_kind": "action_required",
        "error_message": ERROR,
    }


CHANGED_ORDER = (
    " AND (state <> 'erred' OR modified <> created OR failure_kind <> 'action_required' "
    "OR error_message <> %(error)s OR erred_at IS DISTINCT FROM created + interval '1 minute' "
    "OR next_retry_at IS NOT NULL OR completed_at IS NOT NULL)"
)


def reset(dataset: harness.Dataset, *, only_changed: bool = False) -> None:
    """Every order of the data set erred again, as after seeding. ``only_changed``: write only
    the orders and resources that are not as seeded (a partial run after a cancel: a few
    thousand rows, not a million rewritten)."""
    dataset.clear_activity()
    harness.run_sql(
        [
            "UPDATE orders_order SET state = 'erred', error_message = %(error)s, "
            "erred_at = created + interval '1 minute', failure_kind = 'action_required', "
            "next_retry_at = NULL, completed_at = NULL, modified = created "
            "WHERE id BETWEEN %(first)s AND %(last)s" + (CHANGED_ORDER if only_changed else ""),
            "UPDATE orders_resource SET state = 'erred' WHERE offering_id = %(offering)s"
            + (" AND state <> 'erred'" if only_changed else ""),
        ],
        error=ERROR,
        first=dataset.first_pk,
        last=dataset.last_pk,
        offering=dataset.offering_id,
    )
    harness.vacuum("orders_order", "orders_resource", "orders_ordertransition")


def queued_messages() -> int:
    import redis

    client = redis.Redis.from_url(harness.BROKER_URL)
    try:
        return client.llen("celery")
    finally:
        client.close()


def timed_resubmit(selection, staff, args) -> tuple[float, list[int]]:
    """One resubmit of ``selection``: its seconds and each batch's queries."""
    from orders.services import orders_resubmit

    with harness.QueryCounter().counting(), harness.BatchMeter() as meter:
        started = time.perf_counter()
        result = orders_resubmit(orders=selection, actor=staff, batch_size=args.batch_size)
        seconds = time.perf_counter() - started
    assert result.resubmitted == args.orders, result
    return seconds, [q + 1 for _, q in meter.batches]


def three_routes(dataset: harness.Dataset, selection, staff, args) -> dict:
    """The same orders erred again and resubmitted with three routes each (the main one, a
    required and an optional one), then once more with one route, so that the machine's drift
    shows: seconds, orders/s, queries per batch, deliveries made."""
    from integrations.models import Delivery

    reset(dataset)
    harness.broker_flush()
    with harness.extra_routes(dataset) as extra:
        print(f"resubmitting {args.orders:,} orders again, three routes each ...", flush=True)
        seconds, steady = timed_resubmit(selection, staff, args)
        deliveries = Delivery.objects.filter(
            order_id__gte=dataset.first_pk,
            order_id__lt=dataset.first_pk + args.orders,
            integration_id__in=[dataset.integration_id, *extra],
            state=Delivery.State.QUEUED,
        ).count()
        assert deliveries == 3 * args.orders, (deliveries, args.orders)
    reset(dataset)
    harness.broker_flush()
    print(f"and once more with one route ({args.orders:,}) ...", flush=True)
    again, _ = timed_resubmit(selection, staff, args)
    harness.broker_flush()  # the orders are executing again, as after the first run
    return {
        "seconds": round(seconds, 3),
        "orders_per_second": round(args.orders / seconds, 1),
        "queries_per_batch": {"min": min(steady), "max": max(steady)},
        "deliveries": deliveries,
        "one_route_again_orders_per_second": round(args.orders / again, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="Orders resubmitted at once.")
    parser.add_argument(
        "--baseline-sample", type=int, default=5_000, help="Orders sent one by one (baseline)."
    )
    parser.add_argument("--batch-size", type=int, default=1000, help="orders_resubmit's batch.")
    parser.add_argument(
        "--routes",
        type=int,
        choices=(1, 3),
        default=1,
        help="3: also resubmit the orders with three routes each (one optional).",
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < 1 or args.baseline_sample < 1 or args.batch_size < 1:
        parser.error("--orders, --baseline-sample and --batch-size must be 1 or more")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()

    from django.conf import settings

    from integrations.models import Delivery
    from integrations.services import TASK_CHUNK
    from orders.models import Order, OrderTransition
    from orders.services import order_retry, orders_resubmit

    staff = harness.staff_user()
    dataset = harness.dataset("resubmit", orders=args.orders + args.baseline_sample, shape=erred)
    reset(dataset)
    harness.broker_flush()
    bulk_last = dataset.first_pk + args.orders - 1
    sample_pks = list(range(bulk_last + 1, dataset.last_pk + 1))

    counter = harness.QueryCounter()
    selection = Order.objects.filter(
        offering_id=dataset.offering_id, pk__gte=dataset.first_pk, pk__lte=bulk_last
    )
    workers = settings.REDRIVE_BULK_WORKERS
    print(
        f"resubmitting {args.orders:,} orders through orders_resubmit "
        f"({workers} batches at once) ...",
        flush=True,
    )
    with counter.counting(), harness.BatchMeter() as meter, harness.EnqueueTimer() as enqueue:
        started = time.perf_counter()
        result = orders_resubmit(orders=selection, actor=staff, batch_size=args.batch_size)
        bulk_seconds = time.perf_counter() - started
    batches = meter.batches  # (seconds, queries) of each batch's work, in whichever thread
    reads = counter.count  # this thread's: the batches read by key, the permission lookup
    bulk_queries = reads + sum(q for _, q in batches)
    bulk_messages = queued_messages()
    assert result.resubmitted == args.orders, result
    routed = three_routes(dataset, selection, staff, args) if args.routes == 3 else None

    print(f"baseline: {len(sample_pks):,} orders one by one through order_retry ...", flush=True)
    loop_counter = harness.QueryCounter()
    with loop_counter.counting():
        started = time.perf_counter()
        for pk in sample_pks:
            order = Order.objects.select_related("offering").get(pk=pk)
            order_retry(order=order, actor=staff, trigger="bulk")
        loop_seconds = time.perf_counter() - started
    loop_messages = queued_messages() - bulk_messages

    executing = Order.objects.filter(
        pk__gte=dataset.first_pk, pk__lte=dataset.last_pk, state=Order.State.EXECUTING
    ).count()
    deliveries = Delivery.objects.filter(integration_id=dataset.integration_id).count()
    history = OrderTransition.objects.filter(
        order_id__gte=dataset.first_pk, order_id__lte=dataset.last_pk, transition="retry"
    ).count()
    total = dataset.orders
    assert executing == deliveries == history == total, (executing, deliveries, history, total)
    harness.broker_flush()
    harness.park()

    per_query = meter.queries.breakdown(per=len(batches))
    enqueue_ms = enqueue.seconds * 1000 / len(batches)
    per_batch_seconds = [s for s, _ in batches]
    batch_ms = sum(per_batch_seconds) * 1000 / len(batches)
    outside = batch_ms - meter.queries.total() * 1000 / len(batches)
    print(f"\nwhere a batch of {args.batch_size} spends its time (mean ms, in its thread):")
    for label, ms in per_query.items():
        print(f"  {ms:8.1f}  {label}")
    print(
        f"  {enqueue_ms:8.1f}  tasks queued after commit ({bulk_messages // len(batches)} a batch)"
    )
    print(f"  {outside - enqueue_ms:8.1f}  the rest (Python: rows, model instances, commit)")
    bulk_rate = args.orders / bulk_seconds
    loop_rate = len(sample_pks) / loop_seconds
    ratio = bulk_rate / loop_rate
    # Each batch: its work (in a worker thread) and its read by key (in this thread); the
    # permission lookup happens once per call.
    steady = [q + 1 for _, q in batches]
    seconds_per_100k = 100_000 / bulk_rate
    projected = "" if args.orders == 100_000 else f", projected from {args.orders:,}"
    expected_tasks = math.ceil(args.batch_size / TASK_CHUNK) * len(batches)
    rows = [
        ("orders resubmitted (bulk)", f"{args.orders:,} in {bulk_seconds:.2f} s"),
        ("bulk orders/s", f"{bulk_rate:,.0f}"),
        ("baseline: per-order loop", f"{len(sample_pks):,} in {loop_seconds:.2f} s"),
        ("baseline orders/s", f"{loop_rate:,.0f}"),
        ("ratio bulk / loop", f"{ratio:.1f}x"),
        ("queries per 1,000 orders (bulk)", f"{bulk_queries / args.orders * 1000:.1f}"),
        ("queries per 1,000 orders (loop)", f"{loop_counter.count / len(sample_pks) * 1000:.0f}"),
        (
            f"queries per batch of {args.batch_size}",
            f"min {min(steady)}, max {max(steady)} ({len(batches)} batches, {workers} at once; "
            f"and {reads - len(batches)} once per call: the permission lookup)",
        ),
        (
            "seconds per batch",
            f"p50 {harness.median(per_batch_seconds):.3f}, max {max(per_batch_seconds):.3f}",
        ),
        ("tasks queued (bulk / loop)", f"{bulk_messages:,} / {loop_messages:,}"),
        ("time for 100,000 orders", f"{seconds_per_100k:.1f} s{projected}"),
    ]
    if routed:
        # against both one-route runs of this run (before and after it): the machine drifts
        one_route = (bulk_rate + routed["one_route_again_orders_per_second"]) / 2
        routed_ratio = routed["orders_per_second"] / one_route
        rows += [
            (
                "one route, run again after three",
                f"{routed['one_route_again_orders_per_second']:,.0f} orders/s "
                f"(mean of both one-route runs {one_route:,.0f})",
            ),
            ("three routes: orders resubmitted", f"{args.orders:,} in {routed['seconds']:.2f} s"),
            ("three routes: orders/s", f"{routed['orders_per_second']:,.0f}"),
            ("three routes / one route (the mean)", f"{routed_ratio:.2f}x"),
            (
                "three routes: queries per batch",
                f"min {routed['queries_per_batch']['min']}, "
                f"max {routed['queries_per_batch']['max']} (one route: {min(steady)})",
            ),
            ("three routes: deliveries queued", f"{routed['deliveries']:,}"),
        ]
    targets = [
        harness.Target(
            "100,000 in under 15 s",
            seconds_per_100k < TARGET_SECONDS_PER_100K,
            f"{seconds_per_100k:.1f} s{projected}",
        ),
        harness.Target(">= 20x the per-order loop", ratio >= TARGET_RATIO, f"{ratio:.1f}x"),
        harness.Target(
            "constant queries per batch",
            min(steady) == max(steady),
            f"{min(steady)}..{max(steady)}",
        ),
    ]
    if routed:
        targets += [
            harness.Target(
                ">= 0.8x the one-route orders/s at three routes",
                routed_ratio >= TARGET_ROUTES_RATIO,
                f"{routed_ratio:.2f}x",
            ),
            harness.Target(
                "constant queries per batch at three routes",
                routed["queries_per_batch"]["min"] == routed["queries_per_batch"]["max"],
                f"{routed['queries_per_batch']['min']}..{routed['queries_per_batch']['max']}",
            ),
        ]
    harness.report(
        "bulk_resubmit",
        parameters={
            "orders": args.orders,
            "baseline_sample": args.baseline_sample,
            "batch_size": args.batch_size,
            "routes": args.routes,
        },
        rows=rows,
        figures={
            "orders": args.orders,
            "seconds": round(bulk_seconds, 3),
            "orders_per_second": round(bulk_rate, 1),
            "queries": bulk_queries,
            "queries_per_1000_orders": round(bulk_queries / args.orders * 1000, 1),
            "queries_per_batch": {
                "min": min(steady),
                "max": max(steady),
                "once_per_call": reads - len(batches),
            },
            "batches_at_once": workers,
            "batches": len(batches),
            "batch_seconds_p50": round(harness.median(per_batch_seconds), 4),
            "batch_seconds_max": round(max(per_batch_seconds), 4),
            "tasks_queued": bulk_messages,
            "tasks_expected": expected_tasks,
            "seconds_per_100000": round(seconds_per_100k, 2),
            "query_ms_per_batch": per_query,
            "enqueue_ms_per_batch": round(enqueue_ms, 2),
            "other_ms_per_batch": round(outside - enqueue_ms, 2),
            **(
                {"three_routes": routed, "three_routes_ratio": round(routed_ratio, 3)}
                if routed
                else {}
            ),
        },
        baseline={
            "orders": len(sample_pks),
            "seconds": round(loop_seconds, 3),
            "orders_per_second": round(loop_rate, 1),
            "queries": loop_counter.count,
            "queries_per_1000_orders": round(loop_counter.count / len(sample_pks) * 1000, 1),
            "tasks_queued": loop_messages,
        },
        ratio=round(ratio, 2),
        targets=targets,
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
