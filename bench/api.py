"""API: the orders list (``GET /api/orders/``) over the sweep data set (1,000,000 orders),
filtered by state and failure time, through a real server process (gunicorn, 2 workers) with
a staff user's API token.

Each case is read as a person pages through it: the first page, then two ``next`` cursors. A
failure window lists the newest failure first (``-erred_at``); the same requests ordered by
creation (``?ordering=-created``) are read too, for comparison.
Queries per request are counted in this process (Django's test client and
``CaptureQueriesContext``) for two page sizes. Baseline: the database floor, the same page's
ORM query run here without HTTP, DRF or serialization.

Then the search (``?search=``, ``bench/api_search.py``): a part of a number with and without
its prefix, a part of an e-mail, a part of a name, with the search indexes and, as their
baseline in the same run, with the indexes unusable (the server's sessions without bitmap
scans, so PostgreSQL reads the whole table); the plan of each is printed.

    .venv/bin/python -m bench.api                       # 1,000,000 orders
    .venv/bin/python -m bench.api --orders 200000       # make bench (reuses bench.sweep's data)
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from urllib.parse import urlencode

from bench import api_search, harness
from bench.sweep import sweep_dataset

TARGET_P95_MS = 100.0
PAGES_PER_CASE = 3
PAGE_SIZES = (10, 200)


def cases(seeded_at: dt.datetime) -> dict[str, dict]:
    """Filters a person would use on the failed orders, relative to when the data was seeded
    (failures fall in the 90 days before)."""
    day = dt.timedelta(days=1)

    def window(start_days: int, end_days: int) -> dict:
        return {
            "state": "erred",
            "failed_after": (seeded_at - start_days * day).isoformat(),
            "failed_before": (seeded_at - end_days * day).isoformat(),
        }

    return {
        "erred, last 24 hours": window(1, 0),
        "erred, last 7 days": window(7, 0),
        "erred, 30 to 60 days ago": window(60, 30),
        "erred, last 90 days": window(91, 0),
    }


def gunicorn_command(port: int, application: str) -> list[str]:
    return [
        str(harness.ROOT / ".venv" / "bin" / "gunicorn"),
        application,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]


def server_ready(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def rows_erred(params: dict, rows: list[dict]) -> None:
    assert all(row["state"] == "erred" for row in rows)


def read_pages(client, url: str, params: dict, check=rows_erred) -> list[float]:
    """Milliseconds of each of ``PAGES_PER_CASE`` pages of one case; ``check`` looks at the
    rows of each page."""
    times = []
    next_url = f"{url}/api/orders/?{urlencode(params)}"
    for _ in range(PAGES_PER_CASE):
        started = time.perf_counter()
        response = client.get(next_url)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        body = response.json()
        assert body["results"], f"no results for {params}"
        check(params, body["results"])
        next_url = body["next"]
        if not next_url:
            break
    return times


def queries_per_request(token: str, params: dict) -> dict[str, int]:
    """Queries of the first page at each of ``PAGE_SIZES`` and of a second page, after one
    request that is not counted: a token's first use in an interval also records when it was
    used (one UPDATE), which the requests after it do not repeat."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    assert client.get("/api/orders/", {**params, "page_size": 1}).status_code == 200
    counts = {}
    next_url = None
    for size in PAGE_SIZES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/orders/", {**params, "page_size": size})
        assert response.status_code == 200, response.content[:500]
        assert len(response.json()["results"]) == size
        counts[f"page_size={size}"] = len(captured.captured_queries)
        next_url = next_url or response.json()["next"]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(next_url)
    assert response.status_code == 200
    counts[f"page 2 (page_size={PAGE_SIZES[0]})"] = len(captured.captured_queries)
    return counts


def database_floor(staff, params: dict, rounds: int) -> list[float]:
    """The first page's query alone, as the view builds it, run through the ORM here."""
    from orders.filters import order_filter
    from orders.selectors import order_list

    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        queryset = order_filter(
            queryset=order_list(user=staff).select_related("offering__integration"),
            data={"state": [params["state"]], **{k: v for k, v in params.items() if k != "state"}},
        )
        rows = list(queryset.order_by(*list_ordering(params))[:51])
        times.append((time.perf_counter() - started) * 1000)
        assert rows
    return times


def list_ordering(params: dict) -> tuple[str, ...]:
    """The ordering the list gives these filters (the view decides; the tiebreak is the key)."""
    from orders.apis import OrderListCreateApi

    request = type("Request", (), {"query_params": params})()
    field = OrderListCreateApi().default_ordering(request)[0]
    return (field, "-pk" if field.startswith("-") else "pk")


def serve_and_read(
    application: str,
    token: str,
    filters: dict[str, dict],
    rounds: int,
    extra: dict | None = None,
    *,
    check=rows_erred,
    server_env: dict | None = None,
) -> dict[str, list[float]]:
    """Start gunicorn with ``application`` (``server_env`` added to its environment), read
    every case ``rounds`` times (after a warm-up), stop it; returns the milliseconds of each
    request by case."""
    import httpx

    processes = harness.Processes()
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    env = harness.child_env(LOG_LEVEL="WARNING", DEBUG="false", **(server_env or {}))
    latencies: dict[str, list[float]] = {name: [] for name in filters}
    filters = {name: {**params, **(extra or {})} for name, params in filters.items()}
    try:
        processes.start("gunicorn", gunicorn_command(port, application), env=env)
        harness.wait_for(lambda: server_ready(url), timeout=30, what="gunicorn")
        headers = {"Authorization": f"Token {token}"}
        with httpx.Client(headers=headers, timeout=60) as client:
            for params in filters.values():
                read_pages(client, url, params, check)
                read_pages(client, url, params, check)
            print(f"reading {len(filters)} cases x {rounds} rounds x {PAGES_PER_CASE} pages")
            for _ in range(rounds):
                for name, params in filters.items():
                    latencies[name].extend(read_pages(client, url, params, check))
    finally:
        processes.stop_all()
    return latencies


BY_CREATION = (
    "the same requests ordered by creation (?ordering=-created), the list's order for a "
    "failure window before it was by failure time"
)


def summary(latencies: dict[str, list[float]], what: str = BY_CREATION) -> dict:
    everything = [ms for times in latencies.values() for ms in times]
    return {
        "what": what,
        "p50_ms": round(harness.median(everything), 2),
        "p95_ms": round(harness.percentile(everything, 0.95), 2),
        "cases": {
            name: {
                "p50_ms": round(harness.median(t), 2),
                "p95_ms": round(harness.percentile(t, 0.95), 2),
            }
            for name, t in latencies.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="Orders in the data set.")
    parser.add_argument("--rounds", type=int, default=25, help="Times each case is read.")
    parser.add_argument(
        "--search-baseline-rounds",
        type=int,
        default=3,
        help="Times each search is read with the search indexes unusable (each request reads "
        "the whole table).",
    )
    parser.add_argument(
        "--no-by-created",
        action="store_true",
        help="Skip the second server run, ordered by creation (?ordering=-created).",
    )
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()
    from core.tokens import api_token_issue

    staff = harness.staff_user()
    token = api_token_issue(user=staff, name="bench.api")[1]
    dataset = sweep_dataset(args.orders)
    harness.vacuum("orders_order")
    filters = cases(dataset.seeded_at)

    queries = {name: queries_per_request(token, params) for name, params in filters.items()}
    floor = {name: database_floor(staff, params, args.rounds) for name, params in filters.items()}

    latencies = serve_and_read("config.wsgi:application", token, filters, args.rounds)
    what_if = {}
    if not args.no_by_created:
        print("the same, ordered by creation (?ordering=-created) ...")
        what_if = serve_and_read(
            "config.wsgi:application", token, filters, args.rounds, extra={"ordering": "-created"}
        )

    search = api_search.measure(staff, token, dataset, args)

    what_if_summary = summary(what_if) if what_if else None
    everything = [ms for times in latencies.values() for ms in times]
    all_floor = [ms for times in floor.values() for ms in times]
    p50, p95 = harness.median(everything), harness.percentile(everything, 0.95)
    floor_p50 = harness.median(all_floor)
    counts = {count for per_case in queries.values() for count in per_case.values()}
    rows = [
        ("orders in the database (this data set)", f"{args.orders:,}"),
        ("requests", f"{len(everything):,} (sequential, keep-alive, gunicorn -w 2)"),
        ("latency p50 / p95 / max", f"{p50:.1f} / {p95:.1f} / {max(everything):.1f} ms"),
        *(
            (f"  {name}", f"p50 {harness.median(t):.1f} ms, p95 {harness.percentile(t, 0.95):.1f}")
            for name, t in latencies.items()
        ),
        ("baseline: the page's query alone (ORM)", f"p50 {floor_p50:.1f} ms"),
        ("ratio HTTP p50 / query p50", f"{p50 / floor_p50:.1f}x"),
        *(
            [
                (
                    "the same ?ordering=-created (by creation)",
                    f"p50 {what_if_summary['p50_ms']:.1f} / p95 {what_if_summary['p95_ms']:.1f} ms",
                )
            ]
            if what_if
            else []
        ),
        *(
            (
                f"  {name}",
                f"p50 {harness.median(t):.1f} ms, p95 {harness.percentile(t, 0.95):.1f}",
            )
            for name, t in what_if.items()
        ),
        (
            "queries per request",
            ", ".join(f"{k}: {v}" for k, v in next(iter(queries.values())).items()),
        ),
        *search["rows"],
    ]
    targets = [
        harness.Target("p95 under 100 ms", p95 < TARGET_P95_MS, f"p95 {p95:.1f} ms"),
        harness.Target(
            "queries constant in page size",
            len(counts) == 1,
            f"{sorted(counts)} for page sizes {', '.join(map(str, PAGE_SIZES))} and page 2",
        ),
        *search["targets"],
    ]
    harness.report(
        "api",
        parameters={
            "orders": args.orders,
            "rounds": args.rounds,
            "pages_per_case": PAGES_PER_CASE,
            "page_size": 50,
            "server": "gunicorn --workers 2",
        },
        rows=rows,
        figures={
            "requests": len(everything),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(everything), 2),
            "cases": {
                name: {
                    "filters": filters[name],
                    "p50_ms": round(harness.median(t), 2),
                    "p95_ms": round(harness.percentile(t, 0.95), 2),
                }
                for name, t in latencies.items()
            },
            "queries_per_request": queries,
            "search": search["figures"],
        },
        baseline={
            "what": "the first page's ORM query alone, in process (no HTTP, DRF, serializer)",
            "p50_ms": round(floor_p50, 2),
            "cases": {name: round(harness.median(t), 2) for name, t in floor.items()},
            "search": search["baseline"],
        },
        ratio=round(p50 / floor_p50, 2),
        targets=targets,
        started_quiet=quiet,
        extra={"ordered_by_creation": what_if_summary},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
