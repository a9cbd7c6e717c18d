"""Resubmit on the Failed orders screen in a real browser: an owner selects all that match,
previews, leaves out the action-required orders and confirms, and follows the outcome to those
orders; a manager resubmits a page, of their offering only; a consumer's owner is told the screen
is for providers (the API's refusal of their resubmit is tested in the API's tests); a
selection over the background threshold answers 202 and shows its queued progress. Each
screen checked with axe at 1,280 px; the database checked after the browser closes."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import BulkOperation, Order
from orders.services import bulk_operation_run
from tests.admin.conftest import orders_in_state
from tests.dashboard.conftest import check_screen, log_in, open_page
from tests.dashboard.test_order_browser import acme_world
from tests.factories import IntegrationFactory, OfferingFactory

START = "/dashboard/failed-orders"


def acme():
    """The order page tests' Acme (an owner, a manager of Cloud VM, the Globex shop's owner),
    with a second offering, Storage, that the manager does not manage."""
    world = acme_world()
    world["storage"] = OfferingFactory(
        name="Storage", provider=world["acme"], integration=IntegrationFactory(name="Acme storage")
    )
    return world


def failed(count: int, **fields) -> list[Order]:
    return orders_in_state(count, erred_at=timezone.now(), **fields)


def preview_all_three(page, base_url: str):
    """The owner's Resubmit of all 3 failed orders that match, at its preview: the dialog."""
    log_in(page, base_url, "owner", start=START)
    expect(page.locator("#failed-orders tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Select all 3 that match").click()
    page.get_by_role("button", name="Resubmit…").click()
    dialog = page.get_by_role("dialog", name="Resubmit all 3 orders that match?")
    expect(dialog.locator("#preview-count")).to_contain_text("3 orders would be sent again")
    return dialog


def states(orders) -> list[str]:
    return sorted(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("immediate_resubmits")
def test_an_owner_resubmits_all_that_match_leaving_out_action_required(
    live_server, dashboard_built
):
    world = acme()
    transient = failed(3, offering=world["vms"], customer_name="John Doe")
    needs_fix = failed(
        2,
        offering=world["storage"],
        failure_kind=Order.FailureKind.ACTION_REQUIRED,
    )
    with open_page() as page:
        log_in(page, live_server.url, "owner", start=START)
        expect(page.locator("#failed-orders tbody tr")).to_have_count(5)

        # when: every order that matches is selected (by the keyboard) and Resubmit pressed
        page.get_by_role("button", name="Select all 5 that match").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#selection-count")).to_have_text(
            "All 5 orders that match are selected."
        )
        expect(page.get_by_role("checkbox", name=f"Select {transient[0].number}")).to_be_checked()
        check_screen(page, "resubmit_selected_all")
        page.get_by_role("button", name="Resubmit…").click()

        # then: the preview of a dry run, with the action-required warning
        dialog = page.get_by_role("dialog", name="Resubmit all 5 orders that match?")
        expect(dialog.locator("#preview-count")).to_contain_text("5 orders would be sent again")
        expect(dialog.locator("#preview-deliveries")).to_have_text("5 deliveries")
        expect(dialog.locator("#action-required")).to_contain_text(
            "2 orders failed as action required"
        )
        expect(dialog.locator("#breakdown")).to_contain_text("Acme storage: 2")
        expect(dialog.locator("#preview-sample tbody tr")).to_have_count(5)
        check_screen(page, "resubmit_preview")

        # when: the action-required orders are left out: the preview is asked again
        dialog.get_by_label("Leave out the orders that failed as action required").check()
        expect(dialog.locator("#left-out")).to_have_text(
            "Left out: 2 orders that failed as action required."
        )
        expect(dialog.locator("#preview-count")).to_contain_text("3 orders would be sent again")
        expect(dialog.locator("#breakdown")).not_to_contain_text("Acme storage")
        check_screen(page, "resubmit_preview_left_out")
        dialog.get_by_role("button", name="Confirm: resubmit 3 orders").click()

        # then: what happened, and the outcome by state, each a link to those orders
        expect(dialog.locator("#resubmit-done")).to_contain_text(
            "Resubmitted 3 orders: they are executing again and queued for sending"
        )
        expect(dialog.get_by_role("link", name="done: 0")).to_be_visible()
        expect(dialog.get_by_role("link", name="failed again: 0")).to_be_visible()
        in_flight = dialog.get_by_role("link", name="still in flight: 3")
        check_screen(page, "resubmit_outcome")
        in_flight.click()

        # then: the screen lists that resubmit's orders in flight
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.locator("#bulk-operation-filter")).to_contain_text("that are now executing")
        expect(page.locator("#failed-orders tbody tr")).to_have_count(3)
        expect(page.locator("#failed-orders")).to_contain_text(transient[0].number)
        # and the State filter agrees with the link, the counts say orders (they are not failed)
        expect(page.get_by_label("State")).to_have_value("executing")
        expect(page.locator("#failure-counts")).to_contain_text("3 orders match.")
        check_screen(page, "resubmit_outcome_orders")

        # when: erred is chosen instead: the resubmit's orders still failed, none (the two
        # left out were not part of it); erred is the default, so the address drops it
        page.get_by_label("State").select_option("erred")
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#no-orders")).to_have_text("No failed orders match these filters.")
        expect(page.locator("#failure-counts")).to_contain_text("0 failed orders match.")
        assert "state=" not in page.url
        assert "bulk_operation=" in page.url

    assert states(transient) == [Order.State.EXECUTING] * 3
    assert states(needs_fix) == [Order.State.ERRED] * 2
    operation = BulkOperation.objects.get()
    assert operation.requested_by == world["owner"]
    assert operation.resubmitted == 3
    assert operation.filters["leave_out_action_required"] is True
    assert operation.filters["state"] == ["erred"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("immediate_resubmits")
def test_a_manager_resubmits_a_page_of_their_offering_only(live_server, dashboard_built):
    world = acme()
    theirs = failed(2, offering=world["vms"])
    others = failed(2, offering=world["storage"])
    with open_page() as page:
        log_in(page, live_server.url, "manager", start=START)
        expect(page.locator("#failed-orders tbody tr")).to_have_count(2)

        # when: the page's checkbox is ticked and the two resubmitted
        page.get_by_role("checkbox", name="Select this page's 2 orders").check()
        expect(page.locator("#selection-count")).to_have_text("2 orders selected.")
        page.get_by_role("button", name="Resubmit…").click()
        dialog = page.get_by_role("dialog", name="Resubmit 2 orders?")
        expect(dialog.locator("#preview-count")).to_contain_text("2 orders would be sent again")
        expect(dialog.locator("#action-required")).to_have_count(0)
        dialog.get_by_role("button", name="Confirm: resubmit 2 orders").click()
        expect(dialog.locator("#resubmit-done")).to_contain_text("Resubmitted 2 orders")
        check_screen(page, "resubmit_manager_outcome")

        # and closed: the list no longer has them, the selection is gone
        dialog.get_by_role("button", name="Close").click()
        expect(page.locator("#no-orders")).to_be_visible()
        expect(page.locator("#selection-count")).to_be_focused()
        expect(page.get_by_role("button", name="Resubmit…")).to_be_disabled()

    assert states(theirs) == [Order.State.EXECUTING] * 2
    assert states(others) == [Order.State.ERRED] * 2
    assert BulkOperation.objects.get().filters == {"uuids": 2}


@pytest.mark.django_db(transaction=True)
def test_a_consumer_owner_is_told_the_screen_is_for_providers(live_server, dashboard_built):
    world = acme()
    placed = failed(1, offering=world["vms"], consumer_organization=world["globex"])
    with open_page() as page:
        log_in(page, live_server.url, "shop", start=START)
        expect(page.get_by_role("heading", name="This screen is for providers")).to_be_visible()
        expect(page.get_by_role("button", name="Resubmit…")).to_have_count(0)
        expect(page.get_by_role("checkbox")).to_have_count(0)
        check_screen(page, "resubmit_refused")

    assert states(placed) == [Order.State.ERRED]
    assert not BulkOperation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_large_selection_runs_in_the_background_with_its_progress(
    live_server, dashboard_built, settings
):
    # given: a threshold of 2, so all 3 that match run in the background (the live server
    # reads it at request time); no Celery worker runs here, so the operation stays queued
    settings.REDRIVE_BULK_BACKGROUND_THRESHOLD = 2
    world = acme()
    orders = failed(3, offering=world["vms"])
    with open_page() as page:
        dialog = preview_all_three(page, live_server.url)

        # when: confirmed
        with page.expect_response(
            lambda r: (
                r.url.endswith("/api/orders/resubmit/")
                and '"dry_run":false' in (r.request.post_data or "")
            )
        ) as answer:
            dialog.get_by_role("button", name="Confirm: resubmit 3 orders").click()

        # then: the API took it for the background (202), and the dialog shows its progress,
        # still queued after its next poll (nothing runs it)
        assert answer.value.status == 202
        operation_id = answer.value.json()["id"]
        with page.expect_response(lambda r: f"/api/bulk-operations/{operation_id}/" in r.url):
            pass  # the dialog's next poll
        progress = dialog.locator("#resubmit-progress")
        expect(progress).to_contain_text(
            f"Resubmit #{operation_id} is queued: 0 of 3 processed, 0 sent again, 0 skipped."
        )
        expect(dialog.locator("#resubmit-progress-bar")).to_have_attribute("value", "0")
        check_screen(page, "resubmit_background_queued")

    operation = BulkOperation.objects.get()
    assert (operation.pk, operation.state, operation.total) == (operation_id, "queued", 3)
    assert states(orders) == [Order.State.ERRED] * 3

    # when: the worker's run (what the Celery task calls)
    bulk_operation_run(operation_id=operation_id)

    # then: all 3 were sent again, by the owner
    operation.refresh_from_db()
    assert (operation.state, operation.processed, operation.resubmitted) == ("done", 3, 3)
    assert operation.requested_by == world["owner"]
    assert states(orders) == [Order.State.EXECUTING] * 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("immediate_resubmits")
def test_an_owner_edits_many_then_resends_them_with_a_patch_previewed(live_server, dashboard_built):
    # given: three failed orders of Cloud VM (which requires a sku and a street and city),
    # one of them without a sku
    world = acme()
    address = {"street": "1 Main St", "city": "Springfield"}
    fit = failed(2, offering=world["vms"], attributes={"sku": "VM-S", "shipping_address": address})
    unfit = failed(1, offering=world["vms"], attributes={"shipping_address": address})
    with open_page() as page:
        dialog = preview_all_three(page, live_server.url)

        # when: a patch that is not an object, then a correct one
        dialog.get_by_role("button", name="Edit their attributes first").click()
        box = dialog.get_by_label("Attributes patch (JSON Merge Patch)")
        box.fill('["GROUND"]')
        dialog.get_by_role("button", name="Preview with this patch").click()
        expect(dialog.locator("#patch-problem")).to_contain_text("must be a JSON object")
        box.fill('{"shipping_method": "GROUND"}')
        dialog.get_by_role("button", name="Preview with this patch").click()

        # then: the preview shows the patch, and the order it would leave unfit is skipped
        for where, shown in [
            ("#preview-patch", 'shipping_method → "GROUND"'),
            ("#preview-count", "2 orders would be sent again"),
            ("#skipped", "attributes.sku is required"),
        ]:
            expect(dialog.locator(where)).to_contain_text(shown)
        check_screen(page, "resubmit_preview_patch")
        dialog.get_by_role("button", name="Confirm: patch and resubmit 2 orders").click()
        expect(dialog.locator("#resubmit-done")).to_contain_text("Resubmitted 2 orders")

    assert states(fit) == [Order.State.EXECUTING] * 2
    assert states(unfit) == [Order.State.ERRED]
    for order in Order.objects.filter(pk__in=[o.pk for o in fit]):
        assert order.attributes == {
            "sku": "VM-S",
            "shipping_address": address,
            "shipping_method": "GROUND",
        }
        assert order.transitions.filter(transition="edit_attributes").count() == 1
    assert Order.objects.get(pk=unfit[0].pk).attributes == {"shipping_address": address}
    assert BulkOperation.objects.get().patch == {"shipping_method": "GROUND"}
