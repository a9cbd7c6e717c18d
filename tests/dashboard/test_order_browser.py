"""The order page in a real browser: an owner retries a failed delivery from its ⋮ menu, a
manager rejects with a reason, an owner fixes an address and the order is sent again, a retry
of an order that needs a fix first warns, and users without the role are refused; each screen
checked with axe at 1,280 px, the database checked after the browser closes."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order, OrderTransition
from tests.api.test_deliveries import failed_delivery
from tests.dashboard.conftest import check_screen, log_in, open_page
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    OrganizationFactory,
    UserFactory,
    api_key,
    manager_of,
    owner_of,
)

ADDRESS = {"street": "1 Market St", "city": "Springfield", "postal_code": ""}
TRACEBACK = 'Traceback (most recent call last):\n  File "push.py"\nValueError: postal_code'


def acme_world():
    acme = OrganizationFactory(name="Acme")
    globex = OrganizationFactory(name="Globex Shop")
    vms = OfferingFactory(
        name="Cloud VM",
        provider=acme,
        integration=IntegrationFactory(name="Acme VMs"),
        required_attributes=["sku", "shipping_address.street", "shipping_address.city"],
    )
    return {
        "acme": acme,
        "globex": globex,
        "vms": vms,
        "owner": owner_of(acme, username="owner"),
        "manager": manager_of(vms, username="manager"),
        "shop": owner_of(globex, username="shop"),
    }


def erred_order(world, *, kind=Order.FailureKind.TRANSIENT, **fields) -> Order:
    order = OrderFactory(
        offering=world["vms"],
        consumer_organization=world["globex"],
        customer_name="Jane Roe",
        attributes={"sku": "CLOUD-VM", "quantity": 1, "shipping_address": dict(ADDRESS)},
        **fields,
    )
    failed = timezone.now() + timedelta(seconds=1)
    Order.objects.filter(pk=order.pk).update(
        state=Order.State.ERRED,
        failure_kind=kind,
        erred_at=failed,
        error_message="HTTP 422: the postal code is missing",
        error_traceback=TRACEBACK,
    )
    order.refresh_from_db()
    return order


def order_url(base: str, order: Order) -> str:
    return f"/dashboard/orders/{order.uuid}"


def choose(page, action: str) -> None:
    """Open the Actions menu and choose ``action``."""
    page.get_by_role("button", name="Actions ▾").click()
    page.get_by_role("menuitem", name=action).click()


def close_with_escape(page, dialog, opener) -> None:
    """Escape closes the dialog or menu, and the focus is back on what opened it."""
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()


@pytest.mark.django_db(transaction=True)
def test_an_owner_retries_a_failed_delivery_from_its_menu(live_server, dashboard_built):
    world = acme_world()
    order = erred_order(world)
    failed_delivery(order)
    with open_page() as page:
        log_in(page, live_server.url, "owner", start=order_url(live_server.url, order))

        # then: the header, and the attributes shown readably
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order.number}")
        expect(page.locator("#order-state")).to_have_text("Erred")
        expect(page.locator(".order-facts")).to_contain_text("Cloud VM · Jane Roe (Globex Shop)")
        expect(page.locator("#attributes")).to_contain_text("Springfield")
        check_screen(page, "order_details")

        # and the error with its traceback, the attempts and the history
        page.get_by_role("tab", name="Error details").click()
        expect(page.locator("#error-traceback")).to_contain_text("ValueError: postal_code")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.get_by_role("button", name="Copy the error").click()
        expect(page.get_by_role("status").filter(has_text="Copied")).to_have_text(
            "Copied the message and the traceback."
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"HTTP 422: the postal code is missing\n\n{TRACEBACK}"
        check_screen(page, "order_error")
        page.get_by_role("tab", name="Attempts (2)").click()
        expect(page.locator("#attempts tbody tr")).to_have_count(2)
        check_screen(page, "order_attempts")

        # when: the failed delivery's ⋮ menu is opened with the keyboard, and Escape pressed
        page.get_by_role("tab", name="Deliveries (1)").click()
        row = page.locator("#deliveries tbody tr")
        expect(row).to_contain_text("failed")
        menu = page.get_by_role("button", name="Actions for the delivery to Acme VMs")
        menu.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("menuitem", name="Retry")).to_be_focused()
        check_screen(page, "order_delivery_menu")
        close_with_escape(page, page.get_by_role("menu"), menu)

        # and Retry chosen: a confirmation saying what it does
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name=f"Retry order {order.number}?")
        expect(dialog).to_contain_text("The order is sent again to Acme VMs only")
        expect(dialog).to_contain_text("one that succeeded is never sent again")
        check_screen(page, "order_delivery_retry")
        dialog.get_by_role("button", name="Retry order").click()

        # then: what happened
        expect(page.locator("#order-notice")).to_have_text(
            f"Retried the delivery: order {order.number} is executing; it is queued for sending."
        )
        expect(page.locator("#order-state")).to_have_text("Executing")
        page.get_by_role("tab", name="History (1)").click()
        expect(page.locator("#history")).to_contain_text("owner")
        check_screen(page, "order_history")

    order.refresh_from_db()
    assert order.state == Order.State.EXECUTING
    retry = OrderTransition.objects.get(order=order)
    assert (retry.transition, retry.actor.username) == ("retry", "owner")


@pytest.mark.django_db(transaction=True)
def test_a_manager_rejects_an_order_with_a_reason(live_server, dashboard_built):
    world = acme_world()
    order = OrderFactory(
        offering=world["vms"], consumer_organization=world["globex"], state="pending_provider"
    )
    with open_page() as page:
        log_in(page, live_server.url, "manager", start=order_url(live_server.url, order))
        expect(page.locator("#order-state")).to_have_text("Pending provider approval")

        # when: Reject is chosen from the Actions menu and sent without a reason
        actions = page.get_by_role("button", name="Actions ▾")
        actions.click()
        expect(page.get_by_role("menuitem")).to_have_text(
            ["Approve", "Reject…", "Edit attributes…"]
        )
        page.get_by_role("menuitem", name="Reject…").click()
        dialog = page.get_by_role("dialog", name=f"Reject order {order.number}?")
        expect(dialog).to_contain_text("Shown to the customer")
        dialog.get_by_role("button", name="Reject order").click()

        # then: refused beside the field, nothing sent
        expect(dialog.get_by_role("alert")).to_have_text("Give a reason: the customer reads it.")
        check_screen(page, "order_reject_refused")

        # when: Escape closes it (the focus back on Actions), and it is done again with a reason
        close_with_escape(page, dialog, actions)
        choose(page, "Reject…")
        page.get_by_label("Reason (required)").fill("We no longer ship to this region.")
        page.get_by_role("button", name="Reject order").click()

        # then: rejected, the reason shown
        expect(page.locator("#order-notice")).to_have_text(
            f"Rejected: order {order.number} is rejected."
        )
        expect(page.locator("#rejection-reason")).to_have_text("We no longer ship to this region.")
        expect(page.locator("#no-actions")).to_be_visible()
        check_screen(page, "order_rejected")

    order.refresh_from_db()
    assert (order.state, order.rejection_reason) == (
        Order.State.REJECTED,
        "We no longer ship to this region.",
    )


@pytest.mark.django_db(transaction=True)
def test_an_owner_fixes_the_address_and_the_order_is_sent_again(live_server, dashboard_built):
    world = acme_world()
    order = erred_order(world, kind=Order.FailureKind.ACTION_REQUIRED)
    with open_page() as page:
        log_in(page, live_server.url, "owner", start=order_url(live_server.url, order))
        choose(page, "Edit attributes…")
        dialog = page.get_by_role("dialog", name=f"Edit the attributes of {order.number}")
        expect(dialog.locator("#edit-resends")).to_contain_text("saving sends it again at once")
        expect(dialog.get_by_label("City")).to_have_value("Springfield")

        # when: the city is emptied (the offering requires it) and saved
        dialog.get_by_label("City").fill("")
        dialog.get_by_label("Postal code").fill("12345")
        dialog.get_by_role("button", name="Save and send again").click()

        # then: the API's 400 names the attribute; nothing is saved
        expect(dialog.get_by_role("alert")).to_contain_text("shipping_address.city is required")
        expect(dialog.get_by_label("City")).to_have_attribute("aria-invalid", "true")
        check_screen(page, "order_edit_refused")

        # when: the city is given back
        dialog.get_by_label("City").fill("Springfield")
        dialog.get_by_role("button", name="Save and send again").click()

        # then: saved and sent again
        expect(page.locator("#order-notice")).to_have_text(
            f"Saved the attributes: order {order.number} is executing; it is queued for sending."
        )
        expect(page.locator("#attributes")).to_contain_text("12345")
        check_screen(page, "order_edited")

    order.refresh_from_db()
    assert order.state == Order.State.EXECUTING
    assert order.attributes["shipping_address"] == {**ADDRESS, "postal_code": "12345"}
    sent = OrderTransition.objects.get(order=order)
    assert (sent.transition, sent.reason) == ("retry", "attributes edited")


@pytest.mark.django_db(transaction=True)
def test_a_retry_of_an_order_that_needs_a_fix_first_warns(live_server, dashboard_built):
    world = acme_world()
    order = erred_order(world, kind=Order.FailureKind.ACTION_REQUIRED)
    with open_page() as page:
        log_in(page, live_server.url, "manager", start=order_url(live_server.url, order))

        # when: Retry is chosen with the keyboard
        actions = page.get_by_role("button", name="Actions ▾")
        actions.focus()
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("menuitem", name="Retry…")).to_be_focused()
        page.keyboard.press("Enter")

        # then: the confirmation warns that the last error needs a fix first
        dialog = page.get_by_role("dialog", name=f"Retry order {order.number}?")
        expect(dialog.locator("#needs-fix-first")).to_contain_text(
            "The last error needs a fix first."
        )
        expect(dialog.locator("#needs-fix-first")).to_contain_text("HTTP 422")
        check_screen(page, "order_retry_needs_fix_first")

        # when: Escape, then retried anyway
        close_with_escape(page, dialog, actions)
        choose(page, "Retry…")
        dialog.get_by_role("button", name="Retry anyway").click()
        expect(page.locator("#order-notice")).to_contain_text("Retried: order")

    order.refresh_from_db()
    assert order.state == Order.State.EXECUTING


@pytest.mark.django_db(transaction=True)
def test_users_without_the_role_are_refused(live_server, dashboard_built):
    world = acme_world()
    order = erred_order(world)
    other = OfferingFactory(name="Storage", provider=OrganizationFactory(name="Other provider"))
    manager_of(other, username="stranger")
    UserFactory(username="nobody")
    manager_key = api_key(world["manager"])
    with open_page() as page:
        # a manager of another provider's offering: no such order among theirs (a 404)
        log_in(page, live_server.url, "stranger", start=order_url(live_server.url, order))
        expect(page.get_by_role("heading", level=1)).to_have_text("No such order")
        expect(page.locator("#not-found")).to_contain_text("no role in")
        check_screen(page, "order_not_found")
        page.get_by_role("button", name="Log out").click()

        # a user without any role: no access to the dashboard at all
        log_in(page, live_server.url, "nobody", start=order_url(live_server.url, order))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You have no access to the provider dashboard"
        )
        page.get_by_role("button", name="Log out").click()

        # the consumer's owner sees their order but no provider action
        log_in(page, live_server.url, "shop", start=order_url(live_server.url, order))
        expect(page.locator("#no-actions")).to_have_text(
            "No action applies to this order (erred) for your role."
        )
        expect(page.get_by_role("button", name="Actions ▾")).to_be_disabled()
        check_screen(page, "order_consumer_view")
        page.get_by_role("button", name="Log out").click()

        # an owner whose Retry is overtaken (the manager retried it meanwhile): the API's 409
        log_in(page, live_server.url, "owner", start=order_url(live_server.url, order))
        expect(page.locator("#order-state")).to_have_text("Erred")
        answer = requests.post(
            f"{live_server.url}/api/orders/{order.uuid}/retry/",
            json={},
            headers={"Authorization": f"Token {manager_key}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        choose(page, "Retry…")
        dialog = page.get_by_role("dialog", name=f"Retry order {order.number}?")
        dialog.get_by_role("button", name="Retry order").click()
        expect(dialog.get_by_role("alert")).to_contain_text("executing")
        expect(page.locator("#order-state")).to_have_text("Executing")
        check_screen(page, "order_retry_refused")

    retries = OrderTransition.objects.filter(order=order, transition="retry")
    assert [t.actor.username for t in retries] == ["manager"]


@pytest.mark.django_db(transaction=True)
def test_an_owner_approves_a_manual_order_and_marks_it_done(live_server, dashboard_built):
    world = acme_world()
    by_hand = OfferingFactory(
        name="Installation", provider=world["acme"], type="basic", integration=None
    )
    order = OrderFactory(
        offering=by_hand, consumer_organization=world["globex"], state="pending_provider"
    )
    with open_page() as page:
        log_in(page, live_server.url, "owner", start=order_url(live_server.url, order))

        # when: approved from the Actions menu
        choose(page, "Approve")

        # then: executing, by hand; Mark done is offered now (Cancel is the consumer's)
        expect(page.locator("#order-notice")).to_have_text(
            f"Approved: order {order.number} is executing; it is done by hand: mark it done "
            "once delivered."
        )
        page.get_by_role("button", name="Actions ▾").click()
        expect(page.get_by_role("menuitem")).to_have_text(["Mark done…", "Edit attributes…"])
        page.keyboard.press("Escape")

        # when: marked done, after the confirmation
        choose(page, "Mark done…")
        dialog = page.get_by_role("dialog", name=f"Mark order {order.number} done?")
        expect(dialog).to_contain_text("fulfilled by hand")
        check_screen(page, "order_mark_done")
        dialog.get_by_role("button", name="Mark done").click()

        # then: done, and nothing left to do
        expect(page.locator("#order-notice")).to_have_text(
            f"Marked done: order {order.number} is done."
        )
        expect(page.locator("#no-actions")).to_be_visible()

    order.refresh_from_db()
    assert order.state == Order.State.DONE
    steps = OrderTransition.objects.filter(order=order).order_by("created")
    assert [(t.target_state, t.actor.username) for t in steps] == [
        ("executing", "owner"),
        ("done", "owner"),
    ]
