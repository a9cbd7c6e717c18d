"""Sweep: find and claim due retries among many orders (``retries_claim_due``).

The data set: N orders in every state, a fifth of them erred (most with a retry months away
or none), of which 10,000 are due. Each batch is a real, committed claim: find and lock in
due order, a claim row each, and the hand-off to the workers after commit (tasks queued on
Redis). Then what the workers do with the claims (move to executing, history, deliveries)
is timed in this process too, for the whole cost of a retry. The query plan of the claim
is printed with EXPLAIN (ANALYZE, BUFFERS). Baseline: the same claims with the partial index
``order_retry_due`` dropped inside a transaction that is rolled back (the planner's next best
plan), against the same claims with the index, also rolled back.

    .venv/bin/python -m bench.sweep                     # 1,000,000 orders
    .venv/bin/python -m bench.sweep --orders 200000     # make bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from bench import harness

DUE = 10_000
TARGET_MS = 100.0
INDEX = "order_retry_due"
DAY = 86400


def _spread(i: int, prime: int, span_seconds: int) -> int:
    return (i * prime) % span_seconds


def shape(i: int, seeded_at: dt.datetime, *, step: int) -> dict:
    """Every ``step``-th order is due; the rest: 60% done, 20% erred (10% with a retry months
    away, 10% waiting for a person or given up), the other 20% pending, executing, canceled or
    rejected. Erred orders failed within the 90 days before seeding."""
    created = seeded_at - dt.timedelta(seconds=_spread(i, 7919, 365 * DAY))
    failed = seeded_at - dt.timedelta(seconds=_spread(i, 104729, 90 * DAY))
    if i % step == 0:
        return {
            "state": "erred",
            "created": failed - dt.timedelta(minutes=5),
            "erred_at": failed,
            "failure_kind": "transient",
            "error_message": "HTTP 503 maintenance: Planned maintenance in progress",
            "next_retry_at": seeded_at - dt.timedelta(seconds=i % 3600 + 1),
        }
    bucket = _spread(i, 2654435761, 1000)
    if bucket < 600:
        return {
            "state": "done",
            "created": created,
            "completed_at": created + dt.timedelta(minutes=5),
        }
    if bucket < 800:
        kind = "transient" if bucket < 700 else "action_required" if bucket < 780 else "exhausted"
        return {
            "state": "erred",
            "created": failed - dt.timedelta(minutes=5),
            "erred_at": failed,
            "failure_kind": kind,
            "error_message": "HTTP 500 internal_error: Simulated internal error",
            "next_retry_at": (
                seeded_at + dt.timedelta(days=30 + i % 300) if kind == "transient" else None
            ),
        }
    state = (
        "executing"
        if bucket < 850
        else "canceled"
        if bucket < 900
        else "rejected"
        if bucket < 950
        else "pending_consumer"
        if bucket < 975
        else "pending_provider"
    )
    return {"state": state, "created": created}


def sweep_dataset(orders: int) -> harness.Dataset:
    step = orders // DUE
    return harness.dataset(
        "sweep",
        orders=orders,
        shape=lambda i, seeded_at: shape(i, seeded_at, step=step),
        params={"due": DUE, "step": step},
    )


def reset(dataset: harness.Dataset) -> int:
    """Make exactly the data set's ``DUE`` orders due again (and nothing else anywhere);
    returns how many are due."""
    step = dataset.params["step"]
    dataset.clear_activity()
    harness.run_sql(
        [
            "UPDATE orders_order SET state = 'erred', failure_kind = 'transient', "
            "error_message = 'HTTP 503 maintenance: Planned maintenance in progress', "
            "next_retry_at = now() - ((id %% 3600) + 1) * interval '1 second', "
            "erred_at = created + interval '5 minutes', completed_at = NULL "
            "WHERE id BETWEEN %(first)s AND %(last)s AND (id - %(first)s) %% %(step)s = 0 "
            "AND id - %(first)s < %(due)s * %(step)s",
            "UPDATE orders_resource r SET state = 'erred' FROM orders_order o "
            "WHERE o.resource_id = r.id AND o.id BETWEEN %(first)s AND %(last)s "
            "AND (o.id - %(first)s) %% %(step)s = 0",
            "UPDATE orders_order SET next_retry_at = now() + interval '30 days' "
            "WHERE state = 'erred' AND next_retry_at <= now() + interval '1 day' "
            "AND NOT (id BETWEEN %(first)s AND %(last)s AND (id - %(first)s) %% %(step)s = 0 "
            "AND id - %(first)s < %(due)s * %(step)s)",
        ],
        first=dataset.first_pk,
        last=dataset.last_pk,
        step=step,
        due=DUE,
    )
    harness.vacuum("orders_order", "orders_resource", "orders_ordertransition")
    from orders.models import Order

    return Order.objects.filter(state="erred", next_retry_at__lte=dt.datetime.now(dt.UTC)).count()


def claim_batches(
    *, batches: int, batch_size: int
) -> tuple[list[float], list[float], harness.QueryTimer]:
    """Run ``batches`` claims; returns the total ms and the ms without the on-commit enqueue
    of each, and the time spent in each kind of query."""
    from integrations.services import retries as recovery
    from integrations.services import retries_claim_due

    totals, claims = [], []
    queries = harness.QueryTimer()
    hand_out = harness.EnqueueTimer(recovery, "retries_hand_out")
    with hand_out as enqueue, queries.timing():
        for _ in range(batches):
            enqueue.seconds = 0.0
            started = time.perf_counter()
            claimed = retries_claim_due(batch_size=batch_size)
            elapsed = time.perf_counter() - started
            assert claimed == batch_size, f"claimed {claimed}, expected {batch_size}"
            totals.append(elapsed * 1000)
            claims.append((elapsed - enqueue.seconds) * 1000)
    return totals, claims, queries


def send_claimed(*, chunk: int) -> tuple[float, int]:
    """What the workers then do with the claims, here in one process: send every claimed
    order again in tasks of ``chunk`` (``retries_send``). Returns ms per 1,000 orders and how
    many were sent."""
    from integrations.models import RetryClaim
    from integrations.services import retries_send

    ids = sorted(RetryClaim.objects.values_list("order_id", flat=True))
    started = time.perf_counter()
    sent = sum(retries_send(order_ids=ids[i : i + chunk]) for i in range(0, len(ids), chunk))
    return (time.perf_counter() - started) * 1000 * 1000 / max(len(ids), 1), sent


class Rollback(Exception):
    pass


def claim_query() -> tuple[str, list]:
    """The SQL and parameters of the claim's SELECT ... FOR UPDATE, as the code sends it."""
    from django.db import transaction

    from integrations.services import retries_claim_due

    found: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        if not found and "FOR UPDATE" in sql and '"orders_order"' in sql:
            found.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    from django.db import connection

    try:
        with transaction.atomic(), connection.execute_wrapper(capture):
            retries_claim_due(batch_size=1000)
            raise Rollback
    except Rollback:
        pass
    return found[0]


def explain(sql: str, params: list) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def execution_ms(plan: str) -> float:
    """The ``Execution Time`` of an EXPLAIN ANALYZE, in ms."""
    line = next(line for line in plan.splitlines() if line.startswith("Execution Time:"))
    return float(line.split(":")[1].split()[0])


def rolled_back(batches: int, batch_size: int, *, drop_index: bool) -> tuple[list[float], str]:
    """Claims (and the plan of the claim query) inside one transaction, rolled back."""
    from django.db import connection, transaction

    sql, params = claim_query()
    result: tuple[list[float], str] = ([], "")
    try:
        with transaction.atomic():
            if drop_index:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP INDEX {INDEX}")
            with transaction.atomic():
                plan = explain(sql, params)
                transaction.set_rollback(True)
            from integrations.services import retries_claim_due

            times = []
            for _ in range(batches):
                started = time.perf_counter()
                claimed = retries_claim_due(batch_size=batch_size)
                times.append((time.perf_counter() - started) * 1000)
                assert claimed == batch_size, f"claimed {claimed}, expected {batch_size}"
            result = (times, plan)
            raise Rollback
    except Rollback:
        pass
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="Orders in the data set.")
    parser.add_argument("--batch-size", type=int, default=1000, help="Rows claimed per batch.")
    parser.add_argument(
        "--baseline-batches", type=int, default=3, help="Batches claimed without the index."
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < DUE * 2:
        parser.error(f"--orders must be at least {DUE * 2}")
    if not 1 <= args.batch_size <= DUE or DUE % args.batch_size:
        parser.error(f"--batch-size must divide {DUE}")
    if not 1 <= args.baseline_batches <= DUE // args.batch_size:
        parser.error("--baseline-batches must be between 1 and the number of due batches")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()
    harness.staff_user()
    dataset = sweep_dataset(args.orders)
    batches = DUE // args.batch_size

    due = reset(dataset)
    assert due == DUE, f"{due} orders are due, expected {DUE}"
    harness.broker_flush()
    print(f"claiming {DUE:,} due orders among {args.orders:,}, {args.batch_size} a batch ...")
    totals, claims, queries = claim_batches(batches=batches, batch_size=args.batch_size)
    harness.broker_flush()
    print(f"sending the {DUE:,} claimed orders again, as the workers do, here ...")
    send_ms, sent = send_claimed(chunk=args.batch_size)
    assert sent == DUE, f"sent {sent} again, expected {DUE}"
    harness.broker_flush()

    reset(dataset)
    indexed, plan = rolled_back(args.baseline_batches, args.batch_size, drop_index=False)
    reset(dataset)
    unindexed, baseline_plan = rolled_back(args.baseline_batches, args.batch_size, drop_index=True)
    reset(dataset)
    harness.park()
    uses_index = INDEX in plan
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the claim query:")
    print(plan)
    print(f"\nuses index {INDEX}: {'yes' if uses_index else 'NO'}")
    print(f"\nwithout {INDEX} (baseline):")
    print(baseline_plan)

    p50, worst = harness.median(totals), max(totals)
    per_query = queries.breakdown(per=batches)
    outside = sum(totals) / batches - queries.total() * 1000 / batches
    print(f"\nwhere a committed batch spends its time (mean ms per batch of {args.batch_size}):")
    for label, ms in per_query.items():
        print(f"  {ms:8.1f}  {label} ({queries.calls[label] // batches} a batch)")
    print(f"  {outside:8.1f}  outside the queries (Python, commit, tasks queued)")
    ratio = harness.median(unindexed) / harness.median(indexed)
    query_ms, baseline_query_ms = execution_ms(plan), execution_ms(baseline_plan)
    rows = [
        ("orders / due", f"{args.orders:,} / {DUE:,}"),
        (
            f"claim a batch of {args.batch_size} (committed)",
            f"p50 {p50:.1f} ms, max {worst:.1f} ms ({batches} batches)",
        ),
        (
            "  of which the claim transaction",
            f"p50 {harness.median(claims):.1f} ms, max {max(claims):.1f} ms",
        ),
        (
            "  and the hand-off to the workers after commit",
            f"p50 {harness.median(totals) - harness.median(claims):.1f} ms",
        ),
        (
            "  find and lock (SELECT ... FOR UPDATE)",
            f"{per_query.get('SELECT orders_order FOR UPDATE', 0):.1f} ms a batch",
        ),
        (
            "then the workers send them again (a task a batch)",
            f"{send_ms:.0f} ms per 1,000 orders in one process",
        ),
        ("plan uses order_retry_due", "yes" if uses_index else "NO"),
        ("with the index (rolled back)", f"p50 {harness.median(indexed):.1f} ms"),
        ("baseline: without the index", f"p50 {harness.median(unindexed):.1f} ms"),
        ("ratio baseline / indexed", f"{ratio:.1f}x"),
        (
            "the claim query alone (EXPLAIN ANALYZE)",
            f"{query_ms:.1f} ms with the index, {baseline_query_ms:.1f} ms without "
            f"({baseline_query_ms / query_ms:.0f}x)",
        ),
    ]
    targets = [
        harness.Target("under 100 ms a batch", worst < TARGET_MS, f"max {worst:.1f} ms"),
        harness.Target("the plan uses the index", uses_index, INDEX),
    ]
    harness.report(
        "sweep",
        parameters={
            "orders": args.orders,
            "due": DUE,
            "batch_size": args.batch_size,
            "baseline_batches": args.baseline_batches,
        },
        rows=rows,
        figures={
            "batch_ms": [round(t, 2) for t in totals],
            "batch_ms_p50": round(p50, 2),
            "batch_ms_max": round(worst, 2),
            "claim_transaction_ms_p50": round(harness.median(claims), 2),
            "claim_transaction_ms_max": round(max(claims), 2),
            "rolled_back_batch_ms": [round(t, 2) for t in indexed],
            "uses_index": uses_index,
            "claim_query_execution_ms": query_ms,
            "plan": plan.splitlines(),
            "query_ms_per_batch": per_query,
            "outside_queries_ms_per_batch": round(outside, 2),
            "send_again_ms_per_1000_orders": round(send_ms, 1),
            "send_again_task_orders": args.batch_size,
        },
        baseline={
            "what": f"the same claims with {INDEX} dropped (in a transaction rolled back)",
            "batch_ms": [round(t, 2) for t in unindexed],
            "batch_ms_p50": round(harness.median(unindexed), 2),
            "plan": baseline_plan.splitlines(),
            "claim_query_execution_ms": baseline_query_ms,
        },
        ratio=round(ratio, 2),
        targets=targets,
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
