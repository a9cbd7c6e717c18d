"""What a resubmit writes, relation by relation: N erred orders resubmitted as a bulk operation
(the worker's code, in-process), with every WAL record between the LSN before and after read
back with ``pg_walinspect`` and attributed to the table or index it touches, and
``pg_stat_user_tables`` (rows updated, of them HOT) for the tables a resubmit writes; then
the plans of the queries that read the order indexes a resubmit writes (the Failed orders
queue, a failure window, a list by state, the sweep's due retries) on the data set, each with
the index it reads.

    .venv/bin/python -m bench.wal_breakdown --orders 20000

The records are attributed by their relfilenode, so other databases' writes meanwhile (other
benchmarks on the same server) do not count; records of no relation of this database (commit
records, for one) are counted apart. Writes bench/results/wal_breakdown.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import defaultdict
from contextlib import contextmanager

from bench import harness
from bench.bulk_resubmit import erred, reset

TABLES = (
    "orders_order",
    "orders_resource",
    "orders_ordertransition",
    "integrations_delivery",
    "orders_bulkoperationchunk",
    "orders_bulkoperation",
)
BLOCK = re.compile(r"rel (\d+)/(\d+)/(\d+)")


def lsn() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def table_counters() -> dict[str, tuple[int, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s)",
            [list(TABLES)],
        )
        return {name: (updated, hot) for name, updated, hot in cursor.fetchall()}


def breakdown(start: str, end: str) -> dict[str, dict]:
    """Records and bytes (with full-page images) between ``start`` and ``end``, by relation
    of this database; ``(other)`` for records touching none of them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        database = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relfilenode, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        )
        names = {int(node): name for node, name in cursor.fetchall()}
        cursor.execute(
            "SELECT resource_manager, record_type, record_length, fpi_length, block_ref "
            "FROM pg_get_wal_records_info(%s, %s)",
            [start, end],
        )
        found: dict[str, dict] = defaultdict(
            lambda: {"records": 0, "bytes": 0, "fpi_bytes": 0, "kinds": defaultdict(int)}
        )
        for manager, kind, length, fpi, blocks in cursor.fetchall():
            refs = BLOCK.findall(blocks or "")
            ours = [int(node) for _, db, node in refs if int(db) == database]
            if refs and not ours:
                continue  # another database's
            name = names.get(ours[0], f"relfilenode {ours[0]}") if ours else "(other)"
            entry = found[name]
            entry["records"] += 1
            entry["bytes"] += length
            entry["fpi_bytes"] += fpi
            entry["kinds"][f"{manager}/{kind}"] += 1
    return {name: {**entry, "kinds": dict(entry["kinds"])} for name, entry in found.items()}


def plans() -> dict[str, str]:
    """The index each query that reads by state or failure time uses here, from ``EXPLAIN``."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from orders.filters import order_filter
    from orders.models import Order

    now = timezone.now()
    erred = Order.objects.filter(state=Order.State.ERRED)
    queries = {
        "failed orders queue": erred.order_by("-erred_at", "-pk")[:50],
        "failure window (API)": order_filter(
            queryset=Order.objects.order_by("-erred_at"),
            data={"failed_after": (now - dt.timedelta(days=90)).isoformat()},
        )[:50],
        "list by state": Order.objects.filter(state=Order.State.EXECUTING).order_by("-created")[
            :50
        ],
        "due retries (sweep)": erred.filter(next_retry_at__lte=now).order_by("next_retry_at")[:500],
        "facets": erred.order_by().values("failure_kind", "offering").annotate(n=Count("pk")),
    }
    found = {}
    for name, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            text = "\n".join(row[0] for row in cursor.fetchall())
        indexes = re.findall(r"(?:using|Bitmap Index Scan on) (\w+)", text)
        found[name] = ", ".join(dict.fromkeys(indexes)) or "no index: " + text.split("\n")[0]
    return found


@contextmanager
def retained_wal(name: str = "bench_wal"):
    """Keep the server's WAL from now until the block ends (a temporary physical replication
    slot of this session, dropped with it if the run dies), so that a run writing more than
    ``max_wal_size`` can still be read back; yields the LSN it starts at."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lsn FROM pg_create_physical_replication_slot(%s, true, true)", [name]
        )
        start = cursor.fetchone()[0]
    try:
        yield start
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_drop_replication_slot(%s)", [name])


def database_wal(start: str, end: str) -> tuple[int, int]:
    """(records, bytes) between ``start`` and ``end`` that touch this database's relations,
    counted by the server (``pg_walinspect``): other databases' writes meanwhile left out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        cursor.execute(
            "SELECT count(*), coalesce(sum(record_length), 0) "
            "FROM pg_get_wal_records_info(%s, %s) "
            "WHERE block_ref LIKE '%%/' || (SELECT oid FROM pg_database "
            "WHERE datname = current_database())::text || '/%%'",
            [start, end],
        )
        records, size = cursor.fetchone()
    return int(records), int(size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20_000)
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    harness.configure()
    quiet = not harness.other_tests_running()

    from django.db import connection

    from orders.models import Order
    from orders.services import bulk_operation_run, bulk_operation_start

    staff = harness.staff_user()
    dataset = harness.dataset("wal", orders=args.orders, shape=erred)
    selection = Order.objects.filter(offering_id=dataset.offering_id)
    reset(dataset)
    harness.broker_flush()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # every run starts after a checkpoint: first touches FPI
    counters = table_counters()
    start = lsn()
    operation = bulk_operation_start(actor=staff, orders=selection, queue=False)
    operation = bulk_operation_run(operation_id=operation.pk)
    end = lsn()
    assert operation.resubmitted == args.orders, operation
    after = table_counters()
    harness.broker_flush()
    found = breakdown(start, end)
    reset(dataset)
    read_by = plans()

    orders = args.orders
    rows = []
    for name, entry in sorted(found.items(), key=lambda item: -item[1]["records"]):
        if entry["records"] < orders / 100:
            continue
        rows.append(
            (
                name,
                f"{entry['records'] / orders:.2f} records, {entry['bytes'] / orders:.0f} B "
                f"({entry['fpi_bytes'] / orders:.0f} B full pages) an order",
            )
        )
    updates = {
        name: {
            "updated": after[name][0] - counters.get(name, (0, 0))[0],
            "hot": after[name][1] - counters.get(name, (0, 0))[1],
        }
        for name in after
    }
    for name, counts in sorted(updates.items()):
        if counts["updated"]:
            rows.append((f"{name} updates", f"{counts['updated']:,}, HOT {counts['hot']:,}"))
    total_records = sum(entry["records"] for entry in found.values())
    total_bytes = sum(entry["bytes"] for entry in found.values())
    rows.append(
        ("total", f"{total_records / orders:.2f} records, {total_bytes / orders:.0f} B an order")
    )
    rows += [(f"plan: {name}", index) for name, index in read_by.items()]
    harness.report(
        "wal_breakdown",
        parameters={"orders": orders, "chunk_size": operation.chunk_size},
        rows=rows,
        figures={
            "records_per_order": round(total_records / orders, 2),
            "bytes_per_order": round(total_bytes / orders, 1),
            "relations": found,
            "updates": updates,
            "plans": read_by,
        },
        baseline={},
        ratio=None,
        targets=[],
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
