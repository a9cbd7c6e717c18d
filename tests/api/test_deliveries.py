"""An order's deliveries (``GET /api/orders/{uuid}/deliveries/``) and the retry of a failed one
(``POST /api/orders/{uuid}/deliveries/{id}/retry/``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import Attempt, Delivery, HeldReason
from orders.models import Order, OrderTransition
from tests.api.conftest import ROLES, assert_error, client_for, results
from tests.factories import UserFactory

READ_BY_ROLE = {
    "staff": 200,
    "owner": 200,
    "manager": 200,
    "other_owner": 404,
    "consumer": 200,  # its own order, as the consumer
    "anonymous": 401,
}
RETRY_BY_ROLE = {**READ_BY_ROLE, "consumer": 403}


def deliveries_url(order) -> str:
    return f"/api/orders/{order.uuid}/deliveries/"


def retry_url(order, delivery) -> str:
    return f"/api/orders/{order.uuid}/deliveries/{delivery.pk}/retry/"


def failed_delivery(order, *, attempts=2) -> Delivery:
    delivery = Delivery.objects.create(
        order=order,
        integration=order.offering.integration,
        state=Delivery.State.FAILED,
        attempt_count=attempts,
    )
    start = timezone.now() - timedelta(minutes=10)
    for number in range(1, attempts + 1):
        Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=delivery.integration,
            number=number,
            trigger="system",
            started_at=start + timedelta(minutes=number),
            finished_at=start + timedelta(minutes=number, seconds=1),
            outcome="transient" if number < attempts else "action_required",
            error_code="timeout" if number < attempts else "invalid_address",
            message=f"attempt {number} failed",
        )
    return delivery


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_the_deliveries_of_the_orders_it_sees(world, role):
    order = world.orders["managed"]
    delivery = failed_delivery(order)

    response = world.client(role).get(deliveries_url(order))

    if READ_BY_ROLE[role] != 200:
        assert_error(response, READ_BY_ROLE[role])
        return
    (row,) = results(response)
    assert row == {
        "id": delivery.pk,
        "integration": {"id": delivery.integration_id, "name": "Acme VMs"},
        "state": "failed",
        "required": True,
        "waits_for": None,
        "held_reason": "",
        "attempt_count": 2,
        "last_outcome": "action_required",
        "last_error_code": "invalid_address",
        "last_message": "attempt 2 failed",
        "next_attempt_at": None,
        "created": row["created"],
        "modified": row["modified"],
    }


def test_a_held_delivery_says_why_and_one_without_attempts_has_no_last_outcome(world):
    order = world.order(Order.State.EXECUTING)
    Delivery.objects.create(
        order=order,
        integration=order.offering.integration,
        state=Delivery.State.HELD,
        held_reason=HeldReason.MAINTENANCE,
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )

    (row,) = results(world.client("manager").get(deliveries_url(order)))

    assert (row["state"], row["held_reason"]) == ("held", "maintenance")
    assert row["last_outcome"] is row["last_error_code"] is row["last_message"] is None
    assert row["next_attempt_at"] is not None


def test_a_user_without_a_role_is_refused(world):
    order = world.orders["managed"]
    body = assert_error(client_for(UserFactory()).get(deliveries_url(order)), 403, "forbidden")
    assert "integrations.view_delivery" in body["message"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_retries_a_failed_delivery_only_on_the_provider_side(world, role):
    order = world.orders["managed"]
    delivery = failed_delivery(order)

    response = world.client(role).post(retry_url(order, delivery), {}, format="json")

    order.refresh_from_db()
    if RETRY_BY_ROLE[role] != 200:
        assert_error(response, RETRY_BY_ROLE[role])
        assert order.state == Order.State.ERRED
        return
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["state"]) == (delivery.pk, "queued")
    assert order.state == Order.State.EXECUTING
    retry = OrderTransition.objects.get(order=order, transition="retry")
    assert retry.actor == world.users[role]


def test_a_delivery_that_did_not_fail_is_a_409_naming_the_states(world):
    order = world.orders["managed"]
    delivery = failed_delivery(order)
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.HELD)

    body = assert_error(
        world.client("owner").post(retry_url(order, delivery), {}, format="json"), 409, "conflict"
    )

    assert body["details"] == {
        "delivery_state": "held",
        "state": "erred",
        "allowed_delivery_states": ["failed"],
        "allowed_states": ["erred"],
    }
    assert "held" in body["message"] and order.number in body["message"]
    order.refresh_from_db()
    assert order.state == Order.State.ERRED


def test_a_failed_delivery_of_an_order_that_is_not_erred_is_a_409(world):
    order = world.order(Order.State.DONE)
    delivery = failed_delivery(order)

    body = assert_error(
        world.client("owner").post(retry_url(order, delivery), {}, format="json"), 409
    )

    assert (body["details"]["delivery_state"], body["details"]["state"]) == ("failed", "done")


def test_a_delivery_of_another_order_is_a_404(world):
    order, other = world.orders["managed"], world.orders["unmanaged"]
    delivery = failed_delivery(other)

    assert_error(world.client("owner").post(retry_url(order, delivery), {}, format="json"), 404)
    assert_error(
        world.client("owner").post(
            f"/api/orders/{order.uuid}/deliveries/99999999/retry/", {}, format="json"
        ),
        404,
    )


def test_a_body_is_refused_with_its_field_named(world):
    order = world.orders["managed"]
    delivery = failed_delivery(order)

    body = assert_error(
        world.client("owner").post(retry_url(order, delivery), {"force": True}, format="json"),
        400,
    )

    assert "force" in body["details"]
    order.refresh_from_db()
    assert order.state == Order.State.ERRED
