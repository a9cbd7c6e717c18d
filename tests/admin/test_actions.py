import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from orders.models import BulkOperation, Offering, Order, OrderTransition
from orders.services import NOT_ERRED
from orders.tasks import run_bulk_operation
from tests.admin.conftest import (
    FAILED_ORDERS,
    ORDERS,
    action_choices,
    messages_of,
    orders_in_state,
    post_back,
    staff_with,
)
from tests.factories import IntegrationFactory, OfferingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_resubmits")]

ALL_ACTIONS = {
    "retry_selected": "retry_order",
    "resubmit_selected": "resubmit_order",
    "mark_done_selected": "mark_done_order",
    "approve_selected": "approve_order",
    "reject_selected": "reject_order",
}


def first_post(client, url, action, orders, **extra):
    return client.post(
        url,
        {"action": action, "index": "0", "_selected_action": [o.pk for o in orders], **extra},
    )


def states(orders) -> list[str]:
    return list(
        Order.objects.filter(pk__in=[o.pk for o in orders])
        .order_by("pk")
        .values_list("state", flat=True)
    )


def test_resubmit_confirms_on_the_first_post_and_acts_on_the_second(client, staff):
    # given
    erred = orders_in_state(3)
    done = orders_in_state(1, state=Order.State.DONE)

    # when: the first POST
    response = first_post(client, ORDERS, "resubmit_selected", erred + done)

    # then: a confirmation, nothing changed yet
    assert response.status_code == 200
    assert "admin/orders/action_confirmation.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'id="actionable-count">3<' in page
    assert 'id="cannot-count">1<' in page
    assert "wrong state: done" in page
    assert "current errors move to the history" in page
    assert states(erred) == [Order.State.ERRED] * 3

    # when: the second POST, with what the confirmation posts back
    response = client.post(ORDERS, post_back(page))

    # then
    assert response.status_code == 302
    assert states(erred) == [Order.State.EXECUTING] * 3
    assert states(done) == [Order.State.DONE]
    # the 3 the confirmation counted (its frozen preview); the done one was named there
    assert "Resubmitted 3 of 3 selected orders for provisioning" in messages_of(response)[0]


@pytest.mark.parametrize(
    ("action", "state", "offering_type", "expected"),
    [
        ("retry_selected", Order.State.ERRED, Offering.Type.REMOTE, Order.State.EXECUTING),
        ("mark_done_selected", Order.State.EXECUTING, Offering.Type.BASIC, Order.State.DONE),
        ("approve_selected", Order.State.PENDING_PROVIDER, Offering.Type.BASIC, "executing"),
        ("reject_selected", Order.State.PENDING_PROVIDER, Offering.Type.REMOTE, "rejected"),
    ],
)
def test_each_action_confirms_then_acts(client, staff, action, state, offering_type, expected):
    # given
    offering = OfferingFactory(type=offering_type)
    orders = orders_in_state(2, state=state, offering=offering)

    # when
    confirmation = first_post(client, ORDERS, action, orders)

    # then
    assert confirmation.status_code == 200
    assert 'id="actionable-count">2<' in confirmation.content.decode()
    assert states(orders) == [state] * 2

    # when
    response = client.post(
        ORDERS, post_back(confirmation.content.decode(), reason="Out of stock until May")
    )

    # then
    assert response.status_code == 302, messages_of(response)
    assert states(orders) == [expected] * 2
    if action == "reject_selected":
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in orders]).values_list(
                "rejection_reason", flat=True
            )
        ) == {"Out of stock until May"}


def test_mark_done_says_which_orders_cannot_and_why(client, staff):
    manual = orders_in_state(1, state=Order.State.EXECUTING, offering=OfferingFactory(type="basic"))
    remote = orders_in_state(2, state=Order.State.EXECUTING, offering=OfferingFactory())

    response = first_post(client, ORDERS, "mark_done_selected", manual + remote)

    page = response.content.decode()
    assert 'id="actionable-count">1<' in page
    assert "offering type: only orders of manual (basic) offerings" in page
    assert remote[0].number in page


def test_reject_without_a_reason_shows_the_form_again_and_changes_nothing(client, staff):
    orders = orders_in_state(1, state=Order.State.PENDING_PROVIDER)
    confirmation = first_post(client, ORDERS, "reject_selected", orders)
    assert 'name="reason"' in confirmation.content.decode()

    response = client.post(ORDERS, post_back(confirmation.content.decode(), reason="  "))

    assert response.status_code == 200
    assert "A reason is required to reject an order." in response.content.decode()
    assert states(orders) == [Order.State.PENDING_PROVIDER]
    assert not OrderTransition.objects.filter(order__in=orders).exists()


@pytest.mark.parametrize(("action", "codename"), ALL_ACTIONS.items())
def test_without_its_permission_an_action_is_neither_offered_nor_done(client, action, codename):
    # given: a staff user with every other permission
    others = [c for c in ALL_ACTIONS.values() if c != codename]
    client.force_login(staff_with("view_order", "change_order", *others))
    orders = orders_in_state(1, state=Order.State.ERRED)
    pending = orders_in_state(1, state=Order.State.PENDING_PROVIDER)

    # then: not offered
    offered = action_choices(client.get(ORDERS))
    assert action not in offered
    assert set(ALL_ACTIONS) - {action} <= set(offered)

    # when: a forged first and second POST
    first = first_post(client, ORDERS, action, orders + pending)
    second = client.post(
        ORDERS,
        {
            "action": action,
            "_selected_action": [orders[0].pk, pending[0].pk],
            "post": "yes",
            "reason": "forged",
        },
    )

    # then: no confirmation, nothing done
    assert first.status_code == 302
    assert second.status_code == 302
    assert "No action selected." in messages_of(second)
    assert states(orders + pending) == [Order.State.ERRED, Order.State.PENDING_PROVIDER]


def test_a_staff_user_without_resubmit_sees_no_resubmit_in_the_failed_queue(client):
    client.force_login(staff_with("view_order", "retry_order"))
    orders_in_state(1)

    response = client.get(FAILED_ORDERS)

    assert response.status_code == 200
    assert action_choices(response) == ["", "retry_selected"]
    assert "Resubmit" not in response.content.decode()


def test_select_across_with_filters_acts_on_exactly_the_filtered_set(client, staff):
    # given: last night's maintenance on one integration, and failures around it
    from datetime import UTC, datetime

    night = datetime(2030, 3, 4, 23, 0, tzinfo=UTC)
    acme = OfferingFactory(integration=IntegrationFactory(name="Acme"))
    other = OfferingFactory()
    inside = orders_in_state(5, offering=acme, erred_at=night)
    before = orders_in_state(2, offering=acme, erred_at=datetime(2030, 3, 4, 21, 0, tzinfo=UTC))
    elsewhere = orders_in_state(3, offering=other, erred_at=night)
    query = (
        f"?failed_after=2030-03-04T22:00&failed_before=2030-03-05T02:00"
        f"&integration={acme.integration_id}"
    )

    # when: "select all" and the confirmation
    confirmation = client.post(
        FAILED_ORDERS + query,
        {
            "action": "resubmit_selected",
            "index": "0",
            "select_across": "1",
            "_selected_action": [inside[0].pk],
        },
    )
    page = confirmation.content.decode()
    assert "All 5 orders matching the list" in page
    response = client.post(FAILED_ORDERS + query, post_back(page))

    # then
    assert response.status_code == 302
    assert response["Location"].endswith(query)
    assert states(inside) == [Order.State.EXECUTING] * 5
    assert states(before + elsewhere) == [Order.State.ERRED] * 5


def confirmation_for(client, count: int):
    orders_in_state(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            FAILED_ORDERS,
            {
                "action": "resubmit_selected",
                "index": "0",
                "select_across": "1",
                "_selected_action": [Order.objects.values_list("pk", flat=True).first()],
            },
        )
    Order.objects.all().delete()
    return response, len(queries)


def test_a_large_confirmation_shows_counts_and_a_sample_not_the_ids(client, staff):
    # when
    _, small_queries = confirmation_for(client, 30)
    large, large_queries = confirmation_for(client, 3000)

    # then: the same queries for 3,000 orders as for 30
    assert large_queries == small_queries
    page = large.content.decode()
    assert "All 3000 orders matching the list" in page
    assert 'id="actionable-count">3000<' in page
    assert "The first 20 of 3000 to act on" in page
    assert page.count("<tr><td>RD-") == 20
    assert page.count('name="_selected_action"') == 1
    assert 'name="select_across" value="1"' in page


@override_settings(REDRIVE_ADMIN_PER_ORDER_LIMIT=2)
def test_retry_refuses_more_orders_than_its_limit(client, staff):
    orders = orders_in_state(3)

    confirmation = first_post(client, FAILED_ORDERS, "retry_selected", orders)
    assert "takes at most 2 orders" in confirmation.content.decode()
    assert 'id="confirm-action"' not in confirmation.content.decode()
    response = client.post(FAILED_ORDERS, post_back(confirmation.content.decode()))

    assert states(orders) == [Order.State.ERRED] * 3
    assert "Narrow the selection or use Resubmit for provisioning." in messages_of(response)[0]


@override_settings(REDRIVE_BULK_BACKGROUND_THRESHOLD=10)
def test_a_large_resubmit_runs_in_the_background_with_its_progress(
    client, staff, django_capture_on_commit_callbacks
):
    # given
    orders = orders_in_state(25)
    select_all = {
        "action": "resubmit_selected",
        "index": "0",
        "select_across": "1",
        "_selected_action": [orders[0].pk],
    }
    confirmation = client.post(FAILED_ORDERS, select_all)
    assert "resubmitted in the background" in confirmation.content.decode()

    # when: confirmed
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(FAILED_ORDERS, post_back(confirmation.content.decode()))

    # then: recorded and queued, nothing resubmitted yet
    operation = BulkOperation.objects.get()
    assert len(queued) == 1
    assert (operation.state, operation.total, operation.requested_by) == ("queued", 25, staff)
    assert "running in the background" in messages_of(response)[0]
    assert states(orders) == [Order.State.ERRED] * 25

    # given: two orders done by someone else meanwhile
    Order.objects.filter(pk__in=[orders[0].pk, orders[1].pk]).update(state=Order.State.DONE)

    # when: the worker runs it
    run_bulk_operation(operation.pk)

    # then
    operation.refresh_from_db()
    assert operation.state == BulkOperation.State.DONE
    assert (operation.processed, operation.resubmitted) == (25, 23)
    assert operation.skipped_by_reason == {NOT_ERRED: 2}
    assert operation.finished_at is not None
    assert states(orders[2:]) == [Order.State.EXECUTING] * 23
    page = client.get(f"/admin/orders/bulkoperation/{operation.pk}/change/").content.decode()
    assert "25 of 25 (100%)" in page

    # when: the task is delivered again, then nothing happens
    run_bulk_operation(operation.pk)
    operation.refresh_from_db()
    assert operation.resubmitted == 23
