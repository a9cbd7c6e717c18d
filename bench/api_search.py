"""The search cases of ``bench.api``: ``GET /api/orders/?search=...`` over the same data set, as
staff (every order), in the list's default order (newest first).

The data set's numbers are ``SWE-000123456`` (its own prefix, not ``RD-``), its customers
``Customer 4321`` / ``customer4321@example.com``, 200 orders each: every name and e-mail shares
"customer", whose trigrams are the costliest a trigram index can be asked for (see
``orders.selectors._contains``). The baseline is the same requests with the search indexes
unusable: the server's sessions run with ``enable_bitmapscan = off`` (``PGOPTIONS``); a GIN
index serves bitmap scans only, and an OR of conditions on several columns needs them too, so
PostgreSQL reads the table instead, as it did before migration 0007.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager

from bench import harness

SEARCH_INDEXES = (
    "order_search_number",
    "order_search_number_start",
    "order_search_customer_name",
    "order_search_customer_email",
)
WITHOUT_INDEXES = {"PGOPTIONS": "-c enable_bitmapscan=off"}


def cases(dataset) -> dict[str, dict]:
    """Four searches a person types, from a handful of matches to a few thousand."""
    from orders.models import Order

    number = Order.objects.filter(pk=dataset.first_pk).values_list("number", flat=True).get()
    prefix = number.split("-")[0]
    digits = f"{dataset.orders // 2 + 12345:09d}"
    customer = (dataset.orders // 2 + 4321) % 5000
    return {
        "search: part of a number, no prefix": {"search": digits[2:]},
        "search: part of a number with its prefix, lower case": {
            "search": f"{prefix}-{digits[:8]}".lower()
        },
        "search: part of an e-mail": {"search": f"customer{customer}@"},
        "search: part of a name (11 customers)": {"search": f"tomer {customer // 10}"},
    }


def rows_match(params: dict, rows: list[dict]) -> None:
    term = params["search"].lower()
    for row in rows:
        searched = f"{row['number']} {row['customer_name']} {row['customer_email']}".lower()
        assert term in searched, (term, row["number"])


def matches(staff, params: dict) -> int:
    from orders.filters import order_filter
    from orders.selectors import order_list

    return order_filter(queryset=order_list(user=staff), data=params).count()


def first_page(staff, params: dict):
    """The first page's query as the view builds it."""
    from orders.filters import order_filter
    from orders.selectors import order_list

    queryset = order_filter(
        queryset=order_list(user=staff).select_related("offering__integration"), data=params
    )
    return queryset.order_by("-created", "-pk")[:51]


@contextmanager
def indexes_unusable(enabled: bool):
    """A transaction whose queries cannot use the GIN indexes (when ``enabled``)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if enabled:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
        yield


def database_floor(staff, params: dict, rounds: int, *, without_indexes: bool) -> list[float]:
    """Milliseconds of the first page's query alone, through the ORM in this process."""
    times = []
    for _ in range(rounds):
        with indexes_unusable(without_indexes):
            started = time.perf_counter()
            rows = list(first_page(staff, params))
            times.append((time.perf_counter() - started) * 1000)
        assert rows
    return times


def explain(staff, params: dict) -> str:
    from django.db import connection

    sql, sql_params = first_page(staff, params).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", sql_params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_uses_indexes(plan: str) -> bool:
    """Orders are read through the search indexes only (which ones depends on the term)."""
    used = set(re.findall(r"Index Scan on (\w+)", plan)) - {
        "orders_offering_pkey",
        "orders_organization_pkey",
        "orders_resource_pkey",
    }
    return bool(used) and used <= set(SEARCH_INDEXES) and "Seq Scan on orders_order" not in plan


def measure(staff, token: str, dataset, args) -> dict:
    """The search cases (``cases``) with the search indexes and without them:
    the report's rows, targets, figures and baseline."""
    from bench.api import TARGET_P95_MS, queries_per_request, serve_and_read, summary

    searches = cases(dataset)
    found = {name: matches(staff, params) for name, params in searches.items()}
    plans = {name: explain(staff, params) for name, params in searches.items()}
    for name, plan in plans.items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the first page, {name} ({searches[name]}):")
        print(plan)
    widest = max(searches, key=lambda name: found[name])
    queries = queries_per_request(token, searches[widest])
    floor = {
        name: database_floor(staff, params, args.rounds, without_indexes=False)
        for name, params in searches.items()
    }
    read = {"check": rows_match}
    latencies = serve_and_read("config.wsgi:application", token, searches, args.rounds, **read)
    print("the same searches with the search indexes unusable ...")
    without = serve_and_read(
        "config.wsgi:application",
        token,
        searches,
        args.search_baseline_rounds,
        server_env=WITHOUT_INDEXES,
        **read,
    )
    everything = [ms for times in latencies.values() for ms in times]
    p50, p95 = harness.median(everything), harness.percentile(everything, 0.95)
    base = summary(without, "the same searches, the search indexes unusable (table scans)")
    uses_indexes = {name: plan_uses_indexes(plan) for name, plan in plans.items()}
    return {
        "rows": [
            ("search: requests", f"{len(everything):,} (4 searches, staff: every order)"),
            (
                "search: latency p50 / p95 / max",
                f"{p50:.1f} / {p95:.1f} / {max(everything):.1f} ms",
            ),
            *(
                (
                    f"  {name} ({searches[name]['search']!r}, {found[name]:,} orders)",
                    f"p50 {harness.median(t):.1f} ms, p95 {harness.percentile(t, 0.95):.1f}; "
                    f"query alone p50 {harness.median(floor[name]):.1f} ms",
                )
                for name, t in latencies.items()
            ),
            (
                "search baseline: search indexes unusable",
                f"p50 {base['p50_ms']:.1f} / p95 {base['p95_ms']:.1f} ms "
                f"({base['p50_ms'] / p50:.0f}x the p50 with them)",
            ),
            (
                "search: queries per request",
                ", ".join(f"{k}: {v}" for k, v in queries.items()),
            ),
        ],
        "targets": [
            harness.Target("search p95 under 100 ms", p95 < TARGET_P95_MS, f"p95 {p95:.1f} ms"),
            harness.Target(
                "search plans read the search indexes",
                all(uses_indexes.values()),
                ", ".join(name for name, used in uses_indexes.items() if not used) or "all four",
            ),
        ],
        "figures": {
            "requests": len(everything),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(everything), 2),
            "cases": {
                name: {
                    "filters": searches[name],
                    "matching_orders": found[name],
                    "p50_ms": round(harness.median(t), 2),
                    "p95_ms": round(harness.percentile(t, 0.95), 2),
                    "query_alone_p50_ms": round(harness.median(floor[name]), 2),
                    "plan_uses_indexes": uses_indexes[name],
                }
                for name, t in latencies.items()
            },
            "queries_per_request": queries,
            "plans": plans,
        },
        "baseline": {**base, "ratio_p50": round(base["p50_ms"] / p50, 1)},
    }
