"""The operator console's flows in a real browser (Debian's Chromium driven by Playwright), as
staff: the queue readable on the first screen, the order page's deliveries and Retry, the
index's banners, the confirmations' warnings and breakdowns, what a bulk operation became,
an edit that sends the order again, one search, and the alert contact form.

The data is made before Playwright starts and checked after it stops (Django's ORM refuses to
run inside Playwright's event loop). Screenshots go to var/screenshots/.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from alerts.models import AlertContact, Kind
from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    HeldReason,
    Integration,
    MaintenanceWindow,
    Route,
)
from orders.models import BulkOperation, Order
from tests.admin.conftest import orders_in_state
from tests.admin.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.factories import IntegrationFactory, OfferingFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)
ACTION_REQUIRED = Order.FailureKind.ACTION_REQUIRED
LONG_ERROR = (
    "HTTP 422 address_invalid: Shipping address needs a postal code; the warehouse refused "
    "the order at its address check"
)


@contextmanager
def staff_page(live_server, *, width=1400, height=1000):
    staff_user(username="operator", is_superuser=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(20_000)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "operator")
        page.fill("#id_password", "secret")
        page.click("input[type=submit]")
        expect(page.locator("#user-tools")).to_contain_text("operator")
        try:
            yield page
        finally:
            browser.close()


def failed_at_the_warehouse(count: int, **fields) -> list[Order]:
    warehouse = IntegrationFactory(name="Acme WMS")
    orders = orders_in_state(
        count,
        offering=OfferingFactory(integration=warehouse, name="Pallet shipping"),
        erred_at=timezone.now() - timedelta(minutes=5),
        next_retry_at=timezone.now() + timedelta(minutes=55),
        customer_name="Grace Hopper",
        customer_email="grace.hopper@example.com",
        **fields,
    )
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(error_message=LONG_ERROR)
    for order in orders:
        delivery = Delivery.objects.create(
            order=order, integration=warehouse, state=Delivery.State.FAILED, attempt_count=1
        )
        Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=warehouse,
            number=1,
            trigger="automatic",
            outcome=Attempt.Outcome.ACTION_REQUIRED,
            remote_status=422,
            error_code="address_invalid",
            message="Shipping address needs a postal code",
            finished_at=timezone.now(),
        )
    return orders


@pytest.mark.parametrize("width", [1400, 1920])
def test_why_an_order_failed_is_readable_on_the_queues_first_screen(live_server, width):
    failed_at_the_warehouse(30)

    with staff_page(live_server, width=width) as page:
        page.goto(f"{live_server.url}/admin/orders/failedorder/")
        first_row = page.locator("#result_list tbody tr").first
        expect(first_row).to_contain_text("HTTP 422 address_invalid")
        page.screenshot(path=SCREENSHOTS / f"failed_orders_{width}.png")

        for column in ["order_link", "failed", "kind", "short_error", "next_retry"]:
            box = first_row.locator(f"td.field-{column}, th.field-{column}").bounding_box()
            assert box and box["x"] + box["width"] <= width, f"{column} is off-screen"
        number = first_row.locator(".field-order_link a").bounding_box()
        row = first_row.bounding_box()
        assert number["height"] < 25, "the order number wraps"
        assert row["height"] < 60, f"rows are {row['height']} px tall"


def test_the_order_page_lists_each_delivery_with_a_retry_that_queues_the_send(live_server):
    (order,) = failed_at_the_warehouse(1, failure_kind=ACTION_REQUIRED)
    Order.objects.filter(pk=order.pk).update(modified=order.modified + timedelta(minutes=1))

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/orders/failedorder/")
        page.click(f"text={order.number}")
        expect(page.locator(".breadcrumbs")).to_contain_text("Failed orders")
        deliveries = page.locator("#deliveries-group")
        expect(deliveries).to_contain_text("Acme WMS")
        expect(deliveries).to_contain_text("Failed")
        expect(deliveries).to_contain_text("Action Required: address_invalid")
        # no row labels ("12#1 transient") where people read
        expect(page.locator("body")).not_to_contain_text(f"{order.pk}#1", use_inner_text=True)
        page.screenshot(path=SCREENSHOTS / "order_page.png", full_page=True)

        deliveries.locator("button.delivery-retry").click()
        expect(page.locator("#content-main")).to_contain_text("is sent again to Acme WMS only")
        page.screenshot(path=SCREENSHOTS / "delivery_retry_confirmation.png", full_page=True)
        page.click("#confirm-delivery-retry")

        expect(page.locator(".messagelist")).to_contain_text(
            f"{order.number}: its delivery to Acme WMS is being sent again (only this one)."
        )
        assert page.url.endswith(f"/admin/orders/order/{order.pk}/change/")
        page.screenshot(path=SCREENSHOTS / "order_retried.png", full_page=True)

    order.refresh_from_db()
    assert order.state == Order.State.EXECUTING


def test_the_index_warns_of_an_open_breaker_and_a_maintenance_window(live_server):
    down = IntegrationFactory(
        name="Acme WMS",
        breaker_state=BreakerState.OPEN,
        breaker_since=timezone.now(),
        breaker_reason="5 failures in a row: HTTP 503",
    )
    held = orders_in_state(
        1, state=Order.State.EXECUTING, offering=OfferingFactory(integration=down)
    )
    Delivery.objects.create(
        order=held[0], integration=down, state=Delivery.State.HELD, held_reason=HeldReason.BREAKER
    )
    MaintenanceWindow.objects.create(
        integration=IntegrationFactory(name="Globex ERP"),
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
        note="database upgrade",
    )

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/")
        banners = page.locator("#status-banners")
        expect(banners.locator("li.error")).to_contain_text("Acme WMS: the breaker is open")
        expect(banners.locator("li.warning")).to_contain_text("Globex ERP is in maintenance")
        page.screenshot(path=SCREENSHOTS / "index_banners.png")
        banners.locator("li.error a").click()
        expect(page.locator("h2").first).to_contain_text("Acme WMS")


@pytest.mark.usefixtures("immediate_resubmits")
def test_resubmit_shows_the_breakdown_can_leave_out_orders_a_person_must_fix_and_follows_up(
    live_server,
):
    transient = failed_at_the_warehouse(6)
    address = orders_in_state(
        4,
        offering=OfferingFactory(
            integration=IntegrationFactory(
                name="Lisbon agent", backend=Integration.Backend.SITE_AGENT
            )
        ),
        failure_kind=ACTION_REQUIRED,
    )
    for order in address:
        Order.objects.filter(pk=order.pk).update(erred_at=order.modified)

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/orders/failedorder/")
        page.check("#action-toggle")
        page.select_option("select[name=action]", "resubmit_selected")
        page.click("button[name=index]")

        expect(page.locator("#breakdown-kind")).to_contain_text("Action required")
        expect(page.locator("#breakdown-integration")).to_contain_text("Lisbon agent")
        expect(page.locator("#breakdown-backend")).to_contain_text("site agent")
        expect(page.locator("#needs-person-warning")).to_contain_text(
            "4 of the orders to send again failed for a reason a person must fix"
        )
        expect(page.locator("#unchanged-count")).to_have_text("4")
        page.check("#leave-out-action-required")
        expect(page.locator("#confirm-action")).to_have_value(
            "Yes, resubmit for provisioning 6 orders"
        )
        page.screenshot(path=SCREENSHOTS / "resubmit_breakdown.png", full_page=True)
        page.click("#confirm-action")

        expect(page.locator(".messagelist")).to_contain_text("Resubmitted 6 of 6 selected orders")
        page.click("text=Bulk operation #")
        expect(page.locator(".bulk-outcomes")).to_contain_text("6 still in flight")
        page.screenshot(path=SCREENSHOTS / "bulk_operation.png", full_page=True)
        page.click(".bulk-outcomes >> text=6")
        expect(page.locator("#result_list tbody tr")).to_have_count(6)

    assert Order.objects.filter(pk__in=[o.pk for o in transient], state="executing").count() == 6
    assert Order.objects.filter(pk__in=[o.pk for o in address], state="erred").count() == 4
    assert BulkOperation.objects.get().source == "admin"


def test_retry_of_an_unchanged_address_failure_warns_first(live_server):
    (order,) = failed_at_the_warehouse(1, failure_kind=ACTION_REQUIRED)
    Order.objects.filter(pk=order.pk).update(erred_at=order.modified)

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
        page.click("#order-action-retry")
        expect(page.locator("#needs-person-warning")).to_contain_text(
            "will most likely fail the same way"
        )
        page.screenshot(path=SCREENSHOTS / "retry_warning.png", full_page=True)


def test_filling_in_the_postal_code_sends_the_order_again_and_says_so(live_server):
    (order,) = failed_at_the_warehouse(
        1,
        failure_kind=ACTION_REQUIRED,
        attributes={"sku": "PALLET", "quantity": 3, "shipping_address": {"city": "Lisbon"}},
    )

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
        expect(page.locator("#id_item_sku")).to_have_value("PALLET")
        page.fill("#id_address_postal_code", "1100-148")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text(
            f"{order.number}: attributes saved, and the order was sent again at once"
        )
        page.screenshot(path=SCREENSHOTS / "order_edit_sent.png")

    order.refresh_from_db()
    assert order.attributes == {
        "sku": "PALLET",
        "quantity": 3,
        "shipping_address": {"city": "Lisbon", "postal_code": "1100-148"},
    }
    assert order.state == Order.State.EXECUTING


def test_one_search_finds_an_order_by_part_of_its_number_without_the_prefix(live_server):
    orders = failed_at_the_warehouse(3)
    wanted = orders[1]
    Order.objects.filter(pk=wanted.pk).update(customer_email="ada.lovelace@example.com")
    part = wanted.number.removeprefix("RD-")[2:7].lower()

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/orders/failedorder/")
        page.fill("#searchbar", part)
        page.press("#searchbar", "Enter")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list")).to_contain_text(wanted.number)
        page.fill("#searchbar", "LOVELACE@")
        page.press("#searchbar", "Enter")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        page.screenshot(path=SCREENSHOTS / "search.png")


def test_an_alert_contact_is_made_with_autocomplete_and_checkboxes(live_server):
    UserFactory(username="oncall-ada", email="ada@example.com")
    IntegrationFactory(name="Acme WMS")

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/alerts/alertcontact/add/")
        page.click(".field-user .select2-selection")
        page.fill(".select2-search__field", "oncall")
        page.click(".select2-results__option >> text=oncall-ada")
        page.click(".field-integration .select2-selection")
        page.fill(".select2-search__field", "Acme")
        page.click(".select2-results__option >> text=Acme WMS")
        page.select_option("#id_frequency", "hourly")
        page.check("input[name=kinds][value=unavailable]")
        page.check("input[name=kinds][value=credentials]")
        page.screenshot(path=SCREENSHOTS / "alert_contact_form.png", full_page=True)
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    contact = AlertContact.objects.get()
    assert contact.user.username == "oncall-ada"
    assert contact.integration.name == "Acme WMS"
    assert contact.kinds == [Kind.CREDENTIALS, Kind.UNAVAILABLE]


def test_the_offering_page_shows_its_routes_and_the_order_page_each_delivery(live_server):
    # given: an offering routed to a warehouse, an ERP after it, and an optional CRM; an order
    # that failed at the ERP only
    offering = OfferingFactory(name="Warehouse + ERP", integration=IntegrationFactory(name="WMS"))
    main = Route.objects.get(offering=offering)
    erp = Route.objects.create(
        offering=offering, integration=IntegrationFactory(name="ERP"), position=1, after=main
    )
    crm = Route.objects.create(
        offering=offering, integration=IntegrationFactory(name="CRM"), position=2, required=False
    )
    (order,) = orders_in_state(1, offering=offering)
    for route, state in ((main, "succeeded"), (erp, "failed"), (crm, "succeeded")):
        Delivery.objects.create(
            order=order,
            integration=route.integration,
            state=state,
            required=route.required,
            waits_for=route.after.integration if route.after else None,
        )

    with staff_page(live_server) as page:
        page.goto(f"{live_server.url}/admin/orders/offering/{offering.pk}/change/")
        routes = page.locator("#routes-group")
        expect(routes).to_contain_text("Routes (where each order is sent)")
        expect(routes.locator("tbody tr.form-row.has_original")).to_have_count(3)
        page.screenshot(path=SCREENSHOTS / "offering_routes.png", full_page=True)

        page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
        deliveries = page.locator("#deliveries-group")
        expect(deliveries).to_contain_text("required, after WMS")
        expect(deliveries).to_contain_text("optional")
        expect(deliveries.locator("button.delivery-retry")).to_have_count(1)
        page.screenshot(path=SCREENSHOTS / "order_page_three_routes.png", full_page=True)
