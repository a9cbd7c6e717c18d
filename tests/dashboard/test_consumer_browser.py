"""Consumers' orders in a real browser: a consumer organization's owner sees their orders, the
reason of a rejection, and cancels a pending one; an owner with no consumer organization and
a manager (no cancel permission) are told what they may do; axe at 1,280 px."""

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderTransition, Organization
from tests.dashboard.conftest import check_screen, log_in, open_page
from tests.dashboard.test_order_browser import close_with_escape
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    OrganizationFactory,
    manager_of,
    owner_of,
)


def shop_world():
    acme = OrganizationFactory(name="Acme")
    globex = OrganizationFactory(name="Globex Shop")
    vms = OfferingFactory(name="Cloud VM", provider=acme, integration=IntegrationFactory())
    owner_of(acme, username="owner")
    manager_of(vms, username="manager")
    owner_of(globex, username="shop")
    orders = {
        state: OrderFactory(
            offering=vms, consumer_organization=globex, state=state, customer_name=f"{state} buyer"
        )
        for state in ("pending_provider", "executing", "rejected", "done")
    }
    Order.objects.filter(pk=orders["rejected"].pk).update(
        rejection_reason="We no longer ship to this region."
    )
    OrderFactory(offering=vms, state="pending_provider", customer_name="Someone else's")
    return orders


@pytest.mark.django_db(transaction=True)
def test_a_consumer_sees_their_orders_and_cancels_a_pending_one(live_server, dashboard_built):
    orders = shop_world()
    pending = orders["pending_provider"]
    with open_page() as page:
        log_in(page, live_server.url, "shop", start="/dashboard/consumer-orders")

        # then: their four orders (not another organization's), states and the reject reason
        rows = page.locator("#consumer-orders tbody tr")
        expect(rows).to_have_count(4)
        expect(page.locator("#consumer-orders")).not_to_contain_text("Someone else's")
        rejected = rows.filter(has_text=orders["rejected"].number)
        expect(rejected).to_contain_text("Reason: We no longer ship to this region.")

        # and Cancel only where the API allows it: the pending order (the executing one is
        # sent to an integration, the others are finished)
        expect(page.get_by_role("button", name="Cancel", exact=False)).to_have_count(1)
        check_screen(page, "consumer_orders")

        # when: the pending order is canceled with a reason
        cancel = page.get_by_role("button", name=f"Cancel {pending.number}")
        cancel.click()
        dialog = page.get_by_role("dialog", name=f"Cancel order {pending.number}?")
        check_screen(page, "consumer_cancel")
        close_with_escape(page, dialog, cancel)
        cancel.click()
        dialog.get_by_label("Reason (optional)").fill("Ordered twice")
        dialog.get_by_role("button", name="Cancel order").click()

        # then: what happened, and the row's new state
        expect(page.locator("#consumer-notice")).to_have_text(
            f"Canceled order {pending.number}: it is canceled."
        )
        expect(rows.filter(has_text=pending.number)).to_contain_text("Canceled")
        expect(page.get_by_role("button", name=f"Cancel {pending.number}")).to_have_count(0)
        check_screen(page, "consumer_canceled")

    pending.refresh_from_db()
    assert pending.state == Order.State.CANCELED
    canceled = OrderTransition.objects.get(order=pending)
    assert (canceled.actor.username, canceled.reason) == ("shop", "Ordered twice")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["owner", "manager"])
def test_a_provider_without_a_consumer_organization_sees_an_empty_state(
    live_server, dashboard_built, role
):
    orders = shop_world()
    with open_page() as page:
        log_in(page, live_server.url, role, start="/dashboard/consumer-orders")

        expect(page.locator("#no-consumer-organization")).to_contain_text(
            "You own no consumer organization"
        )
        expect(page.get_by_role("button", name="Cancel", exact=False)).to_have_count(0)
        check_screen(page, f"consumer_orders_{role}")

        # and the order page offers them no Cancel either (the consumer's to do)
        page.goto(f"{live_server.url}/dashboard/orders/{orders['pending_provider'].uuid}")
        page.get_by_role("button", name="Actions ▾").click()
        expect(page.get_by_role("menuitem")).to_have_text(
            ["Approve", "Reject…", "Edit attributes…"]
        )

    assert Order.objects.get(pk=orders["pending_provider"].pk).state == "pending_provider"


@pytest.mark.django_db(transaction=True)
def test_a_consumer_sees_only_the_consumer_screens(live_server, dashboard_built):
    shop_world()
    with open_page() as page:
        log_in(page, live_server.url, "shop", start="/dashboard/")

        # then: they land on their orders, and the navigation holds the consumer screens only
        expect(page.locator("#consumer-orders tbody tr")).to_have_count(4)
        expect(page).to_have_url(f"{live_server.url}/dashboard/consumer-orders")
        nav = page.get_by_role("navigation", name="Dashboard")
        expect(nav.get_by_role("link")).to_have_text(["Consumers' orders", "My API tokens"])

        # and a provider screen's address says it is for providers, not an empty list
        for route in ("failed-orders", "alerts", "integrations"):
            page.goto(f"{live_server.url}/dashboard/{route}")
            expect(page.get_by_role("heading", name="This screen is for providers")).to_be_visible()
            expect(page.locator("table")).to_have_count(0)
        check_screen(page, "consumer_provider_screen")
        page.get_by_role("link", name="Go to Consumers' orders").click()
        expect(page.locator("#consumer-orders tbody tr")).to_have_count(4)


@pytest.mark.django_db(transaction=True)
def test_a_user_who_is_provider_and_consumer_sees_every_screen(live_server, dashboard_built):
    shop_world()
    # given: shop also owns Acme, which provides Cloud VM
    shop = Organization.objects.get(name="Globex Shop").owners.get()
    Organization.objects.get(name="Acme").owners.add(shop)
    with open_page() as page:
        log_in(page, live_server.url, "shop", start="/dashboard/")

        expect(page).to_have_url(f"{live_server.url}/dashboard/failed-orders")
        nav = page.get_by_role("navigation", name="Dashboard")
        expect(nav.get_by_role("link")).to_have_text(
            ["Failed orders", "Alerts", "Integrations", "Consumers' orders", "My API tokens"]
        )
