"""Dashboard: how long the provider dashboard's Failed orders screen takes to show its first page
over the sweep data set (1,000,000 orders), in Chromium, through a real server (gunicorn, 2
workers) serving the built dashboard and the API, as a logged-in staff user.

Each round opens ``/dashboard/failed-orders`` afresh (a new page in the logged-in browser
context, so the JS comes from the browser's cache as a returning user's would) and stops the
clock when the first row of the table and the counts are on screen. Baseline, in the same run:
the API requests that screen makes (``/api/me/``, the orders list's first page and its facets),
made one after another by a bare HTTP client: what the browser cannot do faster than.

    .venv/bin/python -m bench.dashboard                  # 1,000,000 orders
    .venv/bin/python -m bench.dashboard --orders 200000  # make bench's size (bench.sweep's data)

Needs the built dashboard (``make dashboard``) and Debian's Chromium (``make browser``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench import harness
from bench.api import gunicorn_command, server_ready
from bench.harness.browser import CHROMIUM, CHROMIUM_ARGS
from bench.harness.environment import STAFF_USERNAME
from bench.sweep import sweep_dataset

TARGET_MS = 1000.0
SCREEN = "/dashboard/failed-orders"
API_CALLS = ("/api/me/", "/api/orders/?state=erred", "/api/orders/facets/?state=erred")
PASSWORD = "bench-dashboard"


def screen_loads(url: str, rounds: int) -> list[float]:
    """Milliseconds from opening the screen to its first row and counts on screen."""
    from playwright.sync_api import expect, sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/accounts/login/?next={SCREEN}")
        page.fill("#id_username", STAFF_USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        expect(page.locator("#failed-orders tbody tr").first).to_be_visible(timeout=60_000)
        page.close()
        for _ in range(rounds + 1):  # the first warms the server and the browser's cache
            page = context.new_page()
            started = time.perf_counter()
            page.goto(f"{url}{SCREEN}")
            expect(page.locator("#failed-orders tbody tr").first).to_be_visible(timeout=60_000)
            expect(page.locator("#failure-counts")).to_contain_text("match", timeout=60_000)
            times.append((time.perf_counter() - started) * 1000)
            page.close()
        browser.close()
    return times[1:]


def api_alone(url: str, token: str, rounds: int) -> list[float]:
    """Milliseconds of the screen's API requests made one after another (no browser)."""
    import httpx

    times = []
    with httpx.Client(headers={"Authorization": f"Token {token}"}, timeout=60) as client:
        for _ in range(rounds + 1):
            started = time.perf_counter()
            for path in API_CALLS:
                client.get(f"{url}{path}").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times[1:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="Orders in the data set.")
    parser.add_argument("--rounds", type=int, default=10, help="Times the screen is opened.")
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if not Path(CHROMIUM).exists():
        parser.error("Chromium is missing: `make browser` installs Debian's")

    harness.configure()
    from django.conf import settings

    if not (Path(settings.DASHBOARD_DIST) / "index.html").exists():
        parser.error(f"no dashboard build in {settings.DASHBOARD_DIST}: run `make dashboard`")
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()
    from core.tokens import api_token_issue

    staff = harness.staff_user()
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    token = api_token_issue(user=staff, name="bench.dashboard")[1]
    dataset = sweep_dataset(args.orders)
    harness.vacuum("orders_order")
    from orders.models import Order

    erred = Order.objects.filter(state=Order.State.ERRED).count()

    processes = harness.Processes()
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    env = harness.child_env(LOG_LEVEL="WARNING", DEBUG="false")
    try:
        processes.start("gunicorn", gunicorn_command(port, "config.wsgi:application"), env=env)
        harness.wait_for(lambda: server_ready(url), timeout=30, what="gunicorn")
        print(f"opening {SCREEN} {args.rounds} times over {dataset.orders:,} orders ...")
        loads = screen_loads(url, args.rounds)
        baseline = api_alone(url, token, args.rounds)
    finally:
        processes.stop_all()

    p50, p95 = harness.median(loads), harness.percentile(loads, 0.95)
    base_p50 = harness.median(baseline)
    ratio = p50 / base_p50
    rows = [
        ("orders in the database (erred)", f"{dataset.orders:,} ({erred:,})"),
        ("screen opened", f"{len(loads)} times (Chromium, 1280 px, returning user's cache)"),
        (
            "first row and counts on screen p50 / p95 / max",
            f"{p50:.0f} / {p95:.0f} / {max(loads):.0f} ms",
        ),
        ("baseline: its 3 API requests alone p50", f"{base_p50:.0f} ms ({', '.join(API_CALLS)})"),
        ("ratio screen / API alone", f"{ratio:.2f}x"),
    ]
    targets = [harness.Target("first page within 1 s", p95 < TARGET_MS, f"p95 {p95:.0f} ms")]
    harness.report(
        "dashboard",
        parameters={"orders": dataset.orders, "rounds": args.rounds, "server": "gunicorn -w 2"},
        rows=rows,
        figures={
            "erred": erred,
            "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1),
            "max_ms": round(max(loads), 1),
            "loads_ms": [round(ms, 1) for ms in loads],
        },
        baseline={"api_alone_p50_ms": round(base_p50, 1), "calls": list(API_CALLS)},
        ratio=round(ratio, 2),
        targets=targets,
        started_quiet=quiet,
    )
    return 0 if all(target.met for target in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
