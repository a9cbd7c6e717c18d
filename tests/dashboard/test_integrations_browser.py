"""The dashboard's Integrations screens in a real browser: the list with breaker state, held
and failing counts; an integration's health, the last day's attempts chart and its limits; an
owner plans a window and ends it now, moves one and deletes another; a manager resends the
orders waiting on the integration (theirs only) and is not offered the windows' actions, which
the API refuses them; a user without a role is refused. Each screen checked with axe at 1,280 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from integrations.models import Delivery, Integration, MaintenanceWindow
from orders.models import Order
from tests.admin.conftest import orders_in_state
from tests.alerts.factories import attempt_for
from tests.api.test_integration_health import attempt
from tests.dashboard.conftest import check_screen, log_in, open_page
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrganizationFactory,
    UserFactory,
    manager_of,
    owner_of,
)

TOMORROW = timedelta(days=1)


def integration_world() -> dict:
    """Acme's offering on an integration with an open breaker, a held delivery, a day of
    attempts, two orders waiting on a refused credential, two planned windows; another
    provider's offering on the same integration with an order waiting too."""
    acme = OrganizationFactory(name="Acme")
    owner = owner_of(acme, username="owner")
    now = timezone.now()
    integration = IntegrationFactory(
        name="Acme VMs",
        max_in_flight=4,
        max_per_second=7,
        breaker_state="open",
        breaker_since=now - timedelta(minutes=20),
        breaker_reason="HTTP 503 from the remote side",
        breaker_probe_at=now + timedelta(minutes=5),
    )
    vms = OfferingFactory(name="Cloud VM", provider=acme, integration=integration)
    manager_of(vms, username="manager")
    waiting = orders_in_state(2, offering=vms, failure_kind=Order.FailureKind.ACTION_REQUIRED)
    for order in waiting:
        attempt_for(order, outcome="action_required", error_code="credentials")
    (busy,) = orders_in_state(1, offering=vms, state=Order.State.EXECUTING)
    Delivery.objects.create(
        order=busy, integration=integration, state=Delivery.State.HELD, held_reason="breaker"
    )
    for hours_ago, outcome in ((3, "success"), (3, "success"), (3, "transient"), (1, "success")):
        attempt(busy, outcome=outcome, started_at=now - timedelta(hours=hours_ago))
    theirs = orders_in_state(
        1,
        offering=OfferingFactory(name="Other VM", integration=integration),
        failure_kind=Order.FailureKind.ACTION_REQUIRED,
    )
    attempt_for(theirs[0], outcome="action_required", error_code="credentials")
    planned = [
        MaintenanceWindow.objects.create(
            integration=integration,
            starts_at=now + TOMORROW + timedelta(hours=h),
            ends_at=now + TOMORROW + timedelta(hours=h + 1),
            note=note,
            created_by=owner,
        )
        for h, note in ((0, "db upgrade"), (5, "not needed"))
    ]
    IntegrationFactory(name="Nobody's")
    return {
        "integration": integration,
        "manager": vms.managers.get(),
        "waiting": waiting,
        "theirs": theirs[0],
        "move": planned[0],
        "delete": planned[1],
    }


def local_input(page: Page, iso: str, minutes: int = 0) -> str:
    """``iso`` plus ``minutes`` as the page's datetime-local inputs take it (its time zone)."""
    return page.evaluate(
        """([iso, minutes]) => {
            const at = new Date(new Date(iso).getTime() + minutes * 60000);
            const pad = (n) => String(n).padStart(2, "0");
            return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
                `T${pad(at.getHours())}:${pad(at.getMinutes())}`;
        }""",
        [iso, minutes],
    )


@pytest.mark.django_db(transaction=True)
def test_an_owner_plans_and_ends_a_maintenance_window(live_server, dashboard_built):
    world = integration_world()
    integration, move = world["integration"], world["move"]
    with open_page() as page:
        log_in(page, live_server.url, "owner", start="/dashboard/integrations")

        # then: their integration with its breaker, held and failing counts, no other
        rows = page.locator("#integrations tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Acme VMs")
        expect(rows.first).to_contain_text("Open (holding deliveries)")
        expect(rows.first.locator("td").nth(2)).to_have_text("1")
        expect(rows.first.locator("td").nth(3)).to_have_text("2")
        check_screen(page, "integrations")

        # when: the integration is opened
        rows.first.get_by_role("link", name="Acme VMs").click()

        # then: its health, limits and the last day's attempts
        expect(page).to_have_url(f"{live_server.url}/dashboard/integrations/{integration.pk}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Acme VMs")
        expect(page.locator("#breaker-state")).to_contain_text("Open (holding deliveries)")
        expect(page.locator("main")).to_contain_text("HTTP 503 from the remote side")
        expect(page.locator("#held")).to_contain_text("breaker 1, maintenance 0, disabled 0")
        expect(page.locator("#failing")).to_contain_text("Action required2")
        expect(page.locator("#limits")).to_have_text("at most 4 in flight, 7 a second")
        chart = page.get_by_role("img", name="Attempts in the last 24 hours", exact=False)
        expect(chart).to_have_attribute(
            "aria-label",
            "Attempts in the last 24 hours: 3 succeeded, 1 failed, retried automatically, "
            "3 failed, action required.",  # the other provider's attempt counts too
        )
        expect(chart.locator("rect")).to_have_count(4)  # 2 hours with attempts + this hour
        expect(page.locator("#windows tbody tr")).to_have_count(2)
        check_screen(page, "integration_page")

        # when: a window is planned from a minute ago for two hours
        now = page.evaluate("new Date().toISOString()")
        plan = page.locator("form.window-form").last
        plan.get_by_label("Starts").fill(local_input(page, now, -1))
        plan.get_by_label("Ends").fill(local_input(page, now, 120))
        plan.get_by_label("Note (optional)").fill("emergency patch")
        plan.get_by_role("button", name="Plan the window").click()

        # then: it is running
        expect(page.get_by_role("status").first).to_contain_text("Planned a window from")
        running = page.locator("#windows tbody tr", has_text="emergency patch")
        expect(running).to_contain_text("Running now")
        expect(page.locator("#held")).to_contain_text("running until")
        expect(plan.get_by_label("Note (optional)")).to_have_value("")
        check_screen(page, "integration_window_planned")

        # when: the first planned window is extended by an hour
        row = page.locator(f'tr[data-window="{move.pk}"]')
        row.get_by_role("button", name="Move or extend").click()
        edit = page.locator("form.window-form").first
        edit.get_by_label("Ends").fill(local_input(page, move.ends_at.isoformat(), 60))
        edit.get_by_role("button", name="Save the window").click()
        expect(page.get_by_role("status").first).to_have_text("Saved the window.")

        # and an end before the start is refused beside the field, nothing sent
        row.get_by_role("button", name="Move or extend").click()
        edit.get_by_label("Ends").fill(local_input(page, move.starts_at.isoformat(), -60))
        edit.get_by_role("button", name="Save the window").click()
        expect(edit.get_by_role("alert")).to_have_text("Must be later than the start.")
        check_screen(page, "integration_window_refused")
        edit.get_by_role("button", name="Cancel").click()

        # and the other planned one is deleted after a confirmation
        other = page.locator(f'tr[data-window="{world["delete"].pk}"]')
        other.get_by_role("button", name="Delete").click()
        other.get_by_role("button", name="Yes, delete it").click()
        expect(page.get_by_role("status").first).to_have_text("Deleted the planned window.")
        expect(page.locator("#windows tbody tr")).to_have_count(2)

        # and the running one is ended now
        running.get_by_role("button", name="End now").click()
        running.get_by_role("button", name="Yes, end it now").click()
        expect(page.get_by_role("status").first).to_contain_text("Ended the window now")
        expect(running).to_contain_text("Ended")
        expect(running.get_by_role("button")).to_have_count(0)
        expect(page.locator("#held")).to_contain_text("next from")
        check_screen(page, "integration_window_ended")

    # then: the move and the end are kept, the deleted one is gone
    windows = {w.note: w for w in MaintenanceWindow.objects.filter(integration=integration)}
    assert set(windows) == {"db upgrade", "emergency patch"}
    # the end moved to the minute entered; the start, untouched, kept its seconds
    moved_end = (move.ends_at + timedelta(hours=1)).replace(second=0, microsecond=0)
    assert windows["db upgrade"].ends_at == moved_end
    assert windows["db upgrade"].starts_at == move.starts_at
    ended = windows["emergency patch"]
    assert ended.created_by.username == "owner"
    assert ended.ends_at <= timezone.now() and ended.released_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_manager_resends_the_orders_waiting_on_the_integration(live_server, dashboard_built):
    world = integration_world()
    integration = world["integration"]
    with open_page() as page:
        log_in(page, live_server.url, "manager", start=f"/dashboard/integrations/{integration.pk}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Acme VMs")

        # then: the windows are listed, but a manager is not offered to change them
        expect(page.locator("#windows tbody tr")).to_have_count(2)
        expect(page.locator("#windows-who")).to_contain_text("Staff and the owners")
        expect(page.get_by_role("button", name="Plan the window")).to_have_count(0)
        expect(page.locator("#windows").get_by_role("button")).to_have_count(0)

        # when: resend is asked for, and confirmed
        page.get_by_role("button", name="Resend the waiting orders…").click()
        confirm = page.get_by_role("group", name="Confirm the resend")
        expect(confirm).to_contain_text("Send your waiting orders to Acme VMs again now?")
        check_screen(page, "integration_resend_confirm")
        confirm.get_by_role("button", name="Yes, resend them").click()

        # then: the answer's counts: their two, not the other provider's
        expect(page.locator("#resend-result")).to_contain_text("Sent again 2 of 2 waiting orders.")
        expect(page.locator("#failing")).to_contain_text("Action required0")
        check_screen(page, "integration_resent")

    states = dict(Order.objects.values_list("pk", "state"))
    assert [states[o.pk] for o in world["waiting"]] == [Order.State.EXECUTING] * 2
    assert states[world["theirs"].pk] == Order.State.ERRED
    # and the API refuses the manager what the screen did not offer
    manager = APIClient()
    manager.force_authenticate(world["manager"])
    url = f"/api/integrations/{integration.pk}/maintenance_windows/"
    refused = manager.post(
        url,
        {
            "starts_at": timezone.now().isoformat(),
            "ends_at": (timezone.now() + TOMORROW).isoformat(),
        },
        format="json",
    )
    assert refused.status_code == 403
    assert MaintenanceWindow.objects.filter(integration=integration).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_user_without_a_provider_role_is_refused_the_integrations(live_server, dashboard_built):
    world = integration_world()
    world["waiting"][0].offering.provider.owners.add(UserFactory(username="shopper"))
    with open_page() as page:
        start = f"/dashboard/integrations/{world['integration'].pk}"
        log_in(page, live_server.url, "shopper", start=start)

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You have no access to the provider dashboard"
        )
        expect(page.locator("body")).not_to_contain_text("Acme VMs")
        check_screen(page, "no_access_integrations")

    assert Integration.objects.get(pk=world["integration"].pk).breaker_state == "open"
    assert MaintenanceWindow.objects.filter(integration=world["integration"]).count() == 2
