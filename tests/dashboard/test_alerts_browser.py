"""The dashboard's Alerts screen in a real browser: an owner dismisses an alert with a note
from the keyboard (a note too long refused by the API first), an alert e-mail's link opens the
alert's own page, linked to its order and integration; a manager sees only their offering's
alerts; a user without a role is refused. Each screen checked with axe at 1,280 px."""

import pytest
from playwright.sync_api import expect

from alerts.models import Alert, Kind
from alerts.services import alert_raise
from tests.admin.conftest import orders_in_state
from tests.alerts.factories import AlertFactory
from tests.dashboard.conftest import check_screen, log_in, open_page
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrganizationFactory,
    UserFactory,
    manager_of,
    owner_of,
)


def alert_world() -> dict:
    """Acme's two offerings (a manager for one) with an alert each, an alert about Acme's
    integration and no order, a resolved one, and another provider's alert."""
    acme = OrganizationFactory(name="Acme")
    owner_of(acme, username="owner")
    vms = OfferingFactory(
        name="Cloud VM", provider=acme, integration=IntegrationFactory(name="Acme VMs")
    )
    storage = OfferingFactory(
        name="Storage", provider=acme, integration=IntegrationFactory(name="Acme storage")
    )
    manager_of(vms, username="manager")
    vm_order, resolved_order = orders_in_state(2, offering=vms)
    (storage_order,) = orders_in_state(1, offering=storage)
    (other_order,) = orders_in_state(1, offering=OfferingFactory(name="Other VM"))
    return {
        "vm": AlertFactory(order=vm_order, message="postal_code: this field is required"),
        "storage": AlertFactory(
            order=storage_order, kind=Kind.CREDENTIALS, message="401: token refused"
        ),
        "outage": AlertFactory(
            order=None, integration=vms.integration, kind=Kind.UNAVAILABLE, message="HTTP 503"
        ),
        "resolved": AlertFactory(
            order=resolved_order, status=Alert.Status.RESOLVED, message="was fixed"
        ),
        "other": AlertFactory(order=other_order, message="someone else's"),
    }


@pytest.mark.django_db(transaction=True)
def test_an_owner_dismisses_an_alert_with_a_note(live_server, dashboard_built):
    alerts = alert_world()
    vm = alerts["vm"]
    with open_page() as page:
        # when: the owner follows an alert e-mail's link to the alerts list
        log_in(page, live_server.url, "owner", start="/dashboard/alerts")

        # then: their three open alerts (not the resolved one, not another provider's)
        rows = page.locator("#alerts tbody tr")
        expect(rows).to_have_count(3)
        expect(page.locator("#alerts")).not_to_contain_text("someone else's")
        expect(page.locator("#alerts")).not_to_contain_text("was fixed")
        row = page.locator(f'tr[data-alert="{vm.pk}"]')
        expect(row.get_by_role("link", name=vm.order.number)).to_have_attribute(
            "href", f"/dashboard/orders/{vm.order.uuid}"
        )
        expect(row.get_by_role("link", name="Acme VMs")).to_have_attribute(
            "href", f"/dashboard/integrations/{vm.integration_id}"
        )
        check_screen(page, "alerts_open")

        # when: filtered by kind, then by status resolved
        page.get_by_label("Kind").select_option("credentials")
        page.get_by_role("button", name="Apply").click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("401: token refused")
        page.get_by_label("Kind").select_option("")
        page.get_by_label("Open").uncheck()
        page.get_by_label("Resolved").check()
        page.get_by_role("button", name="Apply").click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("was fixed")
        expect(page).to_have_url(f"{live_server.url}/dashboard/alerts?status=resolved")
        page.get_by_label("Open").check()
        page.get_by_label("Resolved").uncheck()
        page.get_by_role("button", name="Apply").click()
        expect(rows).to_have_count(3)

        # when: Dismiss is pressed from the keyboard, a note too long is typed and sent
        dismiss = row.get_by_role("button", name=f"Dismiss alert {vm.pk}")
        dismiss.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        page.keyboard.press("Escape")  # Escape closes it, the focus back on Dismiss
        expect(dialog).to_have_count(0)
        expect(dismiss).to_be_focused()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        note = dialog.get_by_label("Note (optional)")
        expect(note).to_be_focused()
        note.fill("x" * 501)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")

        # then: the API's refusal is shown beside the note, and nothing is dismissed
        expect(dialog.get_by_role("alert")).to_contain_text("500 characters")
        check_screen(page, "alert_dismiss_refused")

        # when: a proper note is sent
        note.fill("Customer gave a new address by phone")
        note.press("Tab")
        page.keyboard.press("Enter")

        # then: the dialog closes, the screen says so, and the alert leaves the open list
        expect(dialog).to_have_count(0)
        expect(page.get_by_role("status").first).to_contain_text(
            f"Dismissed alert {vm.pk} with the note “Customer gave a new address by phone”."
        )
        expect(rows).to_have_count(2)
        check_screen(page, "alerts_dismissed")

        # when: the alert e-mail's link to the alert itself is opened
        page.goto(f"{live_server.url}/dashboard/alerts/{vm.pk}")

        # then: its page, dismissed with the note, linked to its order
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Alert {vm.pk}: Invalid address")
        expect(page.locator("#alert-status")).to_contain_text("Dismissed by owner")
        expect(page.locator("main")).to_contain_text("Customer gave a new address by phone")
        expect(page.get_by_role("link", name=vm.order.number)).to_have_attribute(
            "href", f"/dashboard/orders/{vm.order.uuid}"
        )
        expect(page.get_by_role("button", name="Dismiss…")).to_have_count(0)
        check_screen(page, "alert_page")

        # and its order link opens the order's page
        page.get_by_role("link", name=vm.order.number).click()
        expect(page).to_have_url(f"{live_server.url}/dashboard/orders/{vm.order.uuid}")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {vm.order.number}")

    # then: only that alert is dismissed, by the owner, with the note
    vm.refresh_from_db()
    assert (vm.status, vm.dismissed_by.username, vm.dismissed_note) == (
        Alert.Status.DISMISSED,
        "owner",
        "Customer gave a new address by phone",
    )
    assert set(Alert.objects.filter(status=Alert.Status.OPEN).values_list("pk", flat=True)) == {
        alerts[name].pk for name in ("storage", "outage", "other")
    }


@pytest.mark.django_db(transaction=True)
def test_a_manager_sees_the_alerts_of_their_offering_only(live_server, dashboard_built):
    alerts = alert_world()
    with open_page() as page:
        log_in(page, live_server.url, "manager", start="/dashboard/alerts")

        # then: the Cloud VM order's alert and the alert about its integration, no other
        rows = page.locator("#alerts tbody tr")
        expect(rows).to_have_count(2)
        shown = [int(rows.nth(i).get_attribute("data-alert")) for i in range(2)]
        assert sorted(shown) == sorted([alerts["vm"].pk, alerts["outage"].pk])
        expect(page.locator("#alerts")).not_to_contain_text("401: token refused")
        expect(page.get_by_label("Integration")).not_to_contain_text("Acme storage")
        check_screen(page, "manager_alerts")

        # when: another offering's alert is opened by its address
        page.goto(f"{live_server.url}/dashboard/alerts/{alerts['storage'].pk}")

        # then: refused as not found, nothing of it shown
        expect(page.get_by_role("alert")).to_contain_text("not_found")
        expect(page.locator("main")).not_to_contain_text("401: token refused")
        check_screen(page, "manager_alert_refused")

    assert Alert.objects.filter(status=Alert.Status.OPEN).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_user_without_a_provider_role_is_refused_the_alerts(live_server, dashboard_built):
    alerts = alert_world()
    acme = alerts["vm"].order.offering.provider
    acme.owners.add(UserFactory(username="shopper"))
    with open_page() as page:
        log_in(page, live_server.url, "shopper", start=f"/dashboard/alerts/{alerts['vm'].pk}")

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You have no access to the provider dashboard"
        )
        expect(page.locator("body")).not_to_contain_text("postal_code")
        check_screen(page, "no_access_alerts")

    assert Alert.objects.filter(status=Alert.Status.OPEN).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_problem_mails_link_opens_the_orders_under_it(live_server, dashboard_built):
    # given: two of Acme's orders under one problem (one resolved since), another order apart
    alerts = alert_world()
    vm = alerts["vm"]
    offering = vm.order.offering
    problem_alerts = [
        alert_raise(
            integration=offering.integration,
            kind=Kind.VALIDATION,
            message="E-77: quantity too large",
            order=order,
            code="E-77",
        )
        for order in orders_in_state(2, offering=offering)
    ]
    problem = problem_alerts[0].problem_id
    Alert.objects.filter(pk=problem_alerts[1].pk).update(status=Alert.Status.RESOLVED)
    with open_page() as page:
        # when: the owner opens the alerts: the open problems come first, counted
        log_in(page, live_server.url, "owner", start="/dashboard/alerts")
        row = page.locator(f'#problems tr[data-problem="{problem}"]')
        expect(row).to_contain_text("1 open")
        expect(row).to_contain_text("of 2")
        expect(row.get_by_role("link", name="Rejected by the remote system")).to_have_attribute(
            "href", f"/dashboard/alerts?problem={problem}"
        )
        check_screen(page, "alerts_problems")

        # when: the owner follows the problem's link, as its e-mail links
        row.get_by_role("link", name="Rejected by the remote system").click()

        # then: the problem's two orders, open and resolved, and nothing else
        rows = page.locator("#alerts tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator("#problem-filter")).to_contain_text(f"problem #{problem}")
        for alert in problem_alerts:
            expect(page.locator(f'tr[data-alert="{alert.pk}"]')).to_contain_text(alert.order.number)
        check_screen(page, "alerts_problem")
