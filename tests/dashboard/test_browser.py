"""The provider dashboard's first flows in a real browser: log in and out as an organization
owner and as an offering manager, a user without a role refused, a password reset by e-mail,
a token made and revoked, failed orders found by count, search and failure time; each screen
checked with axe at 1,280 px."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from core.models import ApiToken
from orders.models import Order
from tests.admin.conftest import orders_in_state
from tests.dashboard.conftest import check_screen, log_in, open_page
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrganizationFactory,
    UserFactory,
    manager_of,
    owner_of,
)

NIGHT = datetime(2030, 3, 4, 23, 30, tzinfo=UTC)
SCREENS = {
    "Failed orders": "/dashboard/failed-orders",
    "Alerts": "/dashboard/alerts",
    "Integrations": "/dashboard/integrations",
    "Consumers' orders": "/dashboard/consumer-orders",
    "My API tokens": "/dashboard/tokens",
}


def provider_world():
    acme = OrganizationFactory(name="Acme")
    offering = OfferingFactory(name="Cloud VM", provider=acme, integration=IntegrationFactory())
    return {
        "owner": owner_of(acme, username="owner", email="owner@example.com"),
        "manager": manager_of(offering, username="manager"),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["owner", "manager"])
def test_a_provider_logs_in_walks_every_screen_and_logs_out(live_server, dashboard_built, role):
    provider_world()
    with open_page() as page:
        # when: they open a deep link and log in
        log_in(page, live_server.url, role, start="/dashboard/alerts")

        # then: the screen they asked for, with their name and role, and every screen listed
        expect(page).to_have_url(f"{live_server.url}/dashboard/alerts")
        expect(page.locator(".topbar")).to_contain_text(role)
        nav = page.get_by_role("navigation", name="Dashboard")
        expect(nav.get_by_role("link")).to_have_text(list(SCREENS))
        for title, path in SCREENS.items():
            nav.get_by_role("link", name=title).click()
            expect(page).to_have_url(live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
            check_screen(page, f"{role}_{path.rsplit('/', 1)[1]}")
            page.get_by_role("link", name="Alerts").click()
        expect(page.locator("#no-alerts")).to_have_text("No alerts match these filters.")

        # when: they log out
        page.get_by_role("button", name="Log out").click()

        # then: logged out, and the dashboard asks for a login again
        expect(page.get_by_role("heading", name="You are logged out")).to_be_visible()
        check_screen(page, "logged_out")
        page.goto(f"{live_server.url}/dashboard/tokens")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/tokens$"))
        check_screen(page, "login")


@pytest.mark.django_db(transaction=True)
def test_the_navigation_is_reachable_with_the_keyboard(live_server, dashboard_built):
    provider_world()
    with open_page() as page:
        log_in(page, live_server.url, "owner")
        expect(page).to_have_url(f"{live_server.url}/dashboard/failed-orders")

        # when: tabbing from the top of the page to "My API tokens" and pressing Enter
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "My API tokens":
                break
        page.keyboard.press("Enter")

        # then: the screen opens, and its form is next on the tab order
        expect(page.get_by_role("heading", level=1)).to_have_text("My API tokens")
        page.keyboard.press("Tab")
        expect(page.get_by_label("Name")).to_be_focused()


@pytest.mark.django_db(transaction=True)
def test_a_user_without_a_provider_role_is_told_they_have_no_access(live_server, dashboard_built):
    # given: an owner of an organization who holds no role
    acme = OrganizationFactory(name="Acme")
    acme.owners.add(UserFactory(username="shopper"))
    with open_page() as page:
        log_in(page, live_server.url, "shopper")

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You have no access to the provider dashboard"
        )
        expect(page.get_by_role("navigation")).to_have_count(0)
        check_screen(page, "no_access")
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="You are logged out")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_reset_by_e_mail(live_server, dashboard_built, mailoutbox):
    provider_world()
    with open_page() as page:
        # when: they ask for a reset from the login page
        page.goto(f"{live_server.url}/dashboard/")
        page.get_by_role("link", name="Forgotten your password?").click()
        check_screen(page, "password_reset_form")
        page.get_by_label("Email").fill("owner@example.com")
        page.get_by_role("button", name="Send the link").click()

        # then: the page says to look in the mailbox
        expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
        check_screen(page, "password_reset_done")

    # and the e-mail went to them, with the link
    assert [m.to for m in mailoutbox] == [["owner@example.com"]]
    assert re.search(rf"{live_server.url}/accounts/reset/\S+/\S+/", mailoutbox[0].body)


@pytest.mark.django_db(transaction=True)
def test_a_provider_makes_two_tokens_and_revokes_one(live_server, dashboard_built):
    owner = provider_world()["owner"]
    with open_page() as page:
        log_in(page, live_server.url, "manager", start="/dashboard/tokens")
        expect(page.locator("#no-tokens")).to_be_visible()
        page.get_by_role("button", name="Log out").click()
        log_in(page, live_server.url, "owner", start="/dashboard/tokens")
        expect(page.locator("#no-tokens")).to_have_text("You have no API tokens.")

        # when: two named keys are made, the second with an expiry
        keys = {}
        for name, expires in (("shop sync", ""), ("old laptop", "2099-01-31T12:00")):
            page.get_by_label("Name").fill(name)
            page.get_by_label("Expires (optional)").fill(expires)
            page.get_by_role("button", name="Create token").click()
            expect(page.locator("#issued-title")).to_have_text(f"Your new key “{name}”")
            keys[name] = page.locator("#issued-key").inner_text()
            check_screen(page, "token_issued")
            page.get_by_role("button", name="I have copied it").click()
            expect(page.locator("#issued-key")).to_have_count(0)
        expect(page.locator("#tokens tbody tr")).to_have_count(2)
        expect(page.locator("#tokens tbody tr").first).to_contain_text("2099")

        # and a blank name is refused beside the field
        page.get_by_label("Name").fill("   ")
        page.get_by_role("button", name="Create token").click()
        expect(page.get_by_role("alert")).to_contain_text("This field may not be blank.")
        check_screen(page, "token_refused")

        # and one is revoked, after the confirmation
        page.get_by_role("button", name="Revoke old laptop").click()
        page.get_by_role("button", name="Yes, revoke “old laptop”").click()
        expect(page.get_by_role("status").first).to_contain_text("Revoked “old laptop”")
        expect(page.locator("#tokens tbody tr")).to_have_count(1)
        check_screen(page, "token_revoked")

    # then: the kept key opens the API, the revoked one does not
    assert list(ApiToken.objects.filter(user=owner).values_list("name", flat=True)) == ["shop sync"]
    kept, revoked = APIClient(), APIClient()
    kept.credentials(HTTP_AUTHORIZATION=f"Token {keys['shop sync']}")
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {keys['old laptop']}")
    assert kept.get("/api/me/").json()["username"] == "owner"
    assert revoked.get("/api/me/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_provider_finds_failed_orders_by_count_search_and_failure_time(
    live_server, dashboard_built
):
    # given: Acme's two offerings with failed orders, and another provider's failed order
    acme = OrganizationFactory(name="Acme")
    owner_of(acme, username="owner")
    vms = OfferingFactory(
        name="Cloud VM", provider=acme, integration=IntegrationFactory(name="Acme VMs")
    )
    storage = OfferingFactory(
        name="Storage", provider=acme, integration=IntegrationFactory(name="Acme storage")
    )
    manager_of(vms, username="manager")
    orders_in_state(3, offering=vms, erred_at=NIGHT, customer_name="John Doe")
    fix = orders_in_state(
        2,
        offering=storage,
        erred_at=NIGHT - timedelta(hours=6),
        failure_kind=Order.FailureKind.ACTION_REQUIRED,
        customer_name="Jane Roe",
        customer_email="jane.roe@example.test",
    )
    orders_in_state(1, offering=OfferingFactory(name="Other VM"), erred_at=NIGHT)

    with open_page() as page:
        log_in(page, live_server.url, "owner", start="/dashboard/failed-orders")

        # then: their five, newest failure first, counted by kind and integration
        counts = page.locator("#failure-counts")
        expect(counts).to_contain_text("5 failed orders match.")
        expect(counts).to_contain_text("Action required: 2")
        expect(counts).to_contain_text("Acme VMs: 3")
        expect(page.locator("#failed-orders tbody tr")).to_have_count(5)
        expect(page.locator("#failed-orders")).not_to_contain_text("Other VM")
        expect(page.locator("#zone")).to_have_text("Times are in UTC.")
        check_screen(page, "failed_orders")

        # when: the action-required count is clicked
        counts.get_by_role("button", name="Action required").click()

        # then: those two, and the address keeps the filter
        expect(page.locator("#failed-orders tbody tr")).to_have_count(2)
        expect(page).to_have_url(re.compile(r"failure_kind=action_required"))
        expect(page.get_by_label("Failure kind", exact=True)).to_have_value("action_required")

        # when: cleared and searched by part of an e-mail and then by part of a number
        page.get_by_role("button", name="Clear").click()
        expect(page.locator("#failed-orders tbody tr")).to_have_count(5)
        page.get_by_label("Search").fill("jane.roe@")
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#failed-orders tbody tr")).to_have_count(2)
        page.get_by_label("Search").fill(fix[0].number.removeprefix("RD-"))
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#failed-orders tbody tr").first).to_contain_text(fix[0].number)

        # and an order's number opens its page
        page.get_by_role("link", name=fix[0].number).click()
        expect(page.get_by_role("heading", name=f"Order {fix[0].number}")).to_be_visible()
        page.go_back()
        expect(page.locator("#failed-orders tbody tr").first).to_contain_text(fix[0].number)

        # and a search too short is refused beside the field
        page.get_by_label("Search").fill("ab")
        page.get_by_role("button", name="Apply").click()
        expect(page.get_by_role("alert")).to_contain_text("3 characters")
        check_screen(page, "failed_orders_refused")

        # when: filtered by failure time (in the browser's zone, UTC here)
        page.get_by_label("Search").fill("")
        page.get_by_label("Failed at or after").fill("2030-03-04T22:00")
        page.get_by_label("Failed before").fill("2030-03-05T02:00")
        page.get_by_role("button", name="Apply").click()

        # then: the three of last night
        expect(counts).to_contain_text("3 failed orders match.")
        expect(page.locator("#failed-orders tbody tr")).to_have_count(3)
        expect(page.locator("#failed-orders")).not_to_contain_text("Jane Roe")

        # and the offering's manager sees only that offering's
        page.get_by_role("button", name="Log out").click()
        log_in(page, live_server.url, "manager", start="/dashboard/failed-orders")
        expect(counts).to_contain_text("3 failed orders match.")
        expect(page.locator("#failed-orders")).not_to_contain_text("Storage")
