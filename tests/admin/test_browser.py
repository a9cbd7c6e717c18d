"""The operator's one-minute job, in a real browser: Debian's Chromium driven by Playwright
against the live server."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from bench.harness.browser import CHROMIUM, CHROMIUM_ARGS
from integrations.models import Integration
from orders.models import Order
from orders.services import bulk_operation_run
from tests.admin.conftest import orders_in_state
from tests.factories import IntegrationFactory, OfferingFactory, staff_user

NIGHT = datetime(2030, 3, 4, 23, 30, tzinfo=UTC)
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_an_operator_resubmits_last_nights_failures_across_pages(live_server):
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs Debian's"
    # given: 150 orders failed in last night's maintenance (two pages), 10 failed earlier.
    # The data is made before Playwright starts: Django's ORM refuses to run in its event loop.
    staff_user(username="operator")
    acme = OfferingFactory(
        integration=IntegrationFactory(name="Acme WMS", backend=Integration.Backend.MANUAL)
    )
    tonight = orders_in_state(150, offering=acme, erred_at=NIGHT)
    earlier = orders_in_state(10, offering=acme, erred_at=NIGHT - timedelta(hours=6))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(20_000)

        # when: log in and open Failed orders
        page.goto(f"{live_server.url}/admin/login/?next=/admin/orders/failedorder/")
        page.fill("#id_username", "operator")
        page.fill("#id_password", "secret")
        page.click("input[type=submit]")
        expect(page.locator("#failure-counts")).to_contain_text("160 failed orders listed.")

        # and filter by the failure time range
        page.fill("#failed_after", "2030-03-04T22:00")
        page.fill("#failed_before", "2030-03-05T02:00")
        page.click("#failed-between-submit")
        expect(page.locator("#failure-counts")).to_contain_text("150 failed orders listed.")

        # and select all 150 across both pages
        page.check("#action-toggle")
        page.click("text=Select all 150 failed orders")
        expect(page.locator(".all")).to_be_visible()

        # and resubmit them
        page.select_option("select[name=action]", "resubmit_selected")
        page.click("button[name=index]")

        # then: the confirmation counts them
        expect(page.locator("#selection-summary")).to_contain_text(
            "All 150 orders matching the list's filters are selected."
        )
        expect(page.locator("#actionable-count")).to_have_text("150")
        expect(page.locator("#sample tbody tr")).to_have_count(20)
        page.screenshot(path=SCREENSHOTS / "resubmit_confirmation.png", full_page=True)

        # when: confirmed
        page.click("#confirm-action")

        # then: it runs in the background, its page linked from the message
        queue_url = page.url
        expect(page.locator(".messagelist")).to_contain_text(
            "Resubmitting 150 orders is running in the background"
        )
        link = page.locator(".messagelist a")
        operation_id = int(link.get_attribute("href").rstrip("/").split("/")[-2])
        link.click()
        expect(page.locator(".field-control")).to_contain_text("Cancel this operation")
        page.screenshot(path=SCREENSHOTS / "bulk_operation_queued.png", full_page=True)
        # when: a worker runs it (a thread: the ORM does not run in Playwright's event loop)
        worker = threading.Thread(target=bulk_operation_run, kwargs={"operation_id": operation_id})
        worker.start()
        worker.join()
        # then: the page (it reloads itself while it runs) shows it done, no Cancel left
        page.reload()
        expect(page.locator(".field-progress")).to_contain_text(
            "150 of 150 (100%): 150 resubmitted, 0 skipped"
        )
        expect(page.locator(".field-control")).not_to_contain_text("Cancel")
        expect(page.locator(".bulk-outcomes")).to_contain_text("150 still in flight")
        page.screenshot(path=SCREENSHOTS / "bulk_operation_done.png", full_page=True)
        # and: an empty filtered queue, the orders executing
        page.goto(queue_url)
        expect(page.locator("#failure-counts")).to_contain_text("0 failed orders listed.")
        page.screenshot(path=SCREENSHOTS / "resubmit_done.png", full_page=True)
        page.goto(f"{live_server.url}/admin/orders/order/?state__exact=executing")
        expect(page.locator("#result_list tbody tr")).to_have_count(100)
        expect(page.locator(".paginator")).to_contain_text("150 orders")
        page.screenshot(path=SCREENSHOTS / "orders_executing.png", full_page=True)
        browser.close()

    executing = Order.objects.filter(state=Order.State.EXECUTING)
    assert set(executing.values_list("pk", flat=True)) == {o.pk for o in tonight}
    assert Order.objects.filter(pk__in=[o.pk for o in earlier], state="erred").count() == 10
