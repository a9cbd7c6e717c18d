"""Order actions: approve, reject, retry, set_done, cancel; each role, each error."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from orders import services
from orders.models import Offering, Order, OrderTransition
from tests.api.conftest import ROLES, assert_error, client_for
from tests.factories import OfferingFactory, OrderFactory, staff_user

PROVIDER_SIDE = {
    "staff": 200,
    "owner": 200,
    "manager": 200,
    "other_owner": 404,
    "consumer": 403,
    "anonymous": 401,
}
CONSUMER_SIDE = {
    "staff": 200,
    "owner": 403,
    "manager": 403,
    "other_owner": 404,
    "consumer": 200,
    "anonymous": 401,
}


def manual_offering(world) -> Offering:
    offering = OfferingFactory(
        name="Rack install", provider=world.acme, type=Offering.Type.BASIC, integration=None
    )
    offering.managers.add(world.users["manager"])
    return offering


ACTIONS = {
    # action: (state of the order, body, expected status by role, state after success)
    "approve": (Order.State.PENDING_PROVIDER, {}, PROVIDER_SIDE, Order.State.EXECUTING),
    "reject": (
        Order.State.PENDING_PROVIDER,
        {"reason": "Out of stock until next quarter"},
        PROVIDER_SIDE,
        Order.State.REJECTED,
    ),
    "retry": (Order.State.ERRED, {}, PROVIDER_SIDE, Order.State.EXECUTING),
    "set_done": (Order.State.EXECUTING, {}, PROVIDER_SIDE, Order.State.DONE),
    "cancel": (
        Order.State.PENDING_CONSUMER,
        {"reason": "Ordered twice"},
        CONSUMER_SIDE,
        Order.State.CANCELED,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_for_each_role(world, action, role):
    # given
    state, body, expected, after = ACTIONS[action]
    offering = manual_offering(world) if action == "set_done" else world.managed
    order = world.order(state, offering=offering)

    # when
    response = world.client(role).post(f"/api/orders/{order.uuid}/{action}/", body, format="json")

    # then
    order.refresh_from_db()
    if expected[role] != 200:
        assert_error(response, expected[role])
        assert order.state == state
        assert not order.transitions.exists()
        return
    assert response.status_code == 200, response.content
    assert response.json()["state"] == after == order.state
    transition = order.transitions.get()
    assert transition.actor == world.users[role]
    assert transition.reason == body.get("reason", "")


def test_approve_answers_the_resource_state_after_the_service(world):
    order = world.order(Order.State.PENDING_PROVIDER)

    response = world.client("manager").post(f"/api/orders/{order.uuid}/approve/")

    assert response.json()["resource"]["state"] == "creating"
    assert response.json()["state"] == "executing"


def test_reject_without_a_reason_is_a_400_naming_reason(world):
    order = world.order(Order.State.PENDING_PROVIDER)
    client = world.client("owner")

    for body in [{}, {"reason": ""}, {"reason": "   "}]:
        response = client.post(f"/api/orders/{order.uuid}/reject/", body, format="json")
        error = assert_error(response, 400, "invalid")
        assert "reason" in error["details"] or error["details"].get("field") == "reason"
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_PROVIDER


def test_an_action_not_allowed_from_the_state_is_a_409_with_the_states(world):
    order = world.order(Order.State.DONE)

    response = world.client("owner").post(f"/api/orders/{order.uuid}/retry/")

    error = assert_error(response, 409, "conflict")
    assert order.number in error["message"]
    assert error["details"] == {"state": "done", "allowed_states": ["erred"]}


def test_set_done_of_a_pushed_offering_is_a_409_saying_why(world):
    order = world.order(Order.State.EXECUTING)

    response = world.client("owner").post(f"/api/orders/{order.uuid}/set_done/")

    assert "manual (basic) offerings" in assert_error(response, 409, "conflict")["message"]


def test_unknown_body_fields_and_unknown_orders(world):
    order = world.orders["managed"]
    client = world.client("owner")

    typo = client.post(f"/api/orders/{order.uuid}/retry/", {"force": True}, format="json")
    assert "force" in assert_error(typo, 400)["details"]
    missing = client.post("/api/orders/00000000-0000-0000-0000-000000000000/retry/")
    assert_error(missing, 404, "not_found")
    assert client.get(f"/api/orders/{order.uuid}/retry/").status_code == 405
    order.refresh_from_db()
    assert order.state == Order.State.ERRED


def test_session_authentication_needs_the_csrf_token(world):
    # given: a browser session without the CSRF token
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    order = world.orders["managed"]

    # when / then: reads work, writes are refused
    assert client.get(f"/api/orders/{order.uuid}/").status_code == 200
    refused = assert_error(client.post(f"/api/orders/{order.uuid}/retry/"), 403, "forbidden")
    assert "CSRF" in refused["message"]
    order.refresh_from_db()
    assert order.state == Order.State.ERRED


def backends_waiting_on_a_lock() -> int:
    """Backends of this database waiting on a lock; a fresh look even inside a transaction
    (PostgreSQL otherwise keeps the first snapshot of pg_stat_activity until it ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_order_the_loser_gets_a_409():
    # given: an erred order of a manual offering (nothing to send), and two staff clients
    order = OrderFactory(
        state=Order.State.ERRED, offering__type=Offering.Type.BASIC, offering__integration=None
    )
    alice, bob = staff_user(username="alice"), staff_user(username="bob")
    bob_client = client_for(bob)
    answer = {}

    def bob_retries():
        try:
            answer["bob"] = bob_client.post(f"/api/orders/{order.uuid}/retry/")
        finally:
            connections.close_all()

    # when: Alice's retry holds the row; Bob's request reads the erred order and waits on it
    with transaction.atomic():
        services.order_retry(order=Order.objects.get(pk=order.pk), actor=alice)
        bob = threading.Thread(target=bob_retries)
        bob.start()
        deadline = time.monotonic() + 10
        while backends_waiting_on_a_lock() != 1:
            assert time.monotonic() < deadline, "Bob's update never waited for Alice's lock"
            time.sleep(0.01)
    bob.join(10)

    # then
    error = assert_error(answer["bob"], 409, "conflict")
    assert "changed by someone else" in error["message"]
    assert OrderTransition.objects.filter(order=order, transition="retry").count() == 1
