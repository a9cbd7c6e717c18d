"""Orders: list, detail, create, edit, attempts and transitions, for every role."""

import pytest

from integrations.models import Attempt, Delivery
from orders import services
from orders.models import Order, OrderTransition
from tests.api.conftest import ROLES, assert_error, results, uuids

VISIBLE_ORDERS = {
    "staff": {"managed", "unmanaged", "foreign"},
    "owner": {"managed", "unmanaged"},
    "manager": {"managed"},
    "other_owner": {"foreign"},
    "consumer": {"managed", "unmanaged"},
}
SEES_MANAGED = {"staff": 200, "owner": 200, "manager": 200, "other_owner": 404, "consumer": 200}


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_each_role_its_orders(world, role):
    response = world.client(role).get("/api/orders/")

    if role == "anonymous":
        assert_error(response, 401, "not_authenticated")
        return
    expected = {str(world.orders[name].uuid) for name in VISIBLE_ORDERS[role]}
    assert uuids(results(response)) == expected


@pytest.mark.parametrize("role", ROLES)
def test_detail_is_a_404_outside_the_scope(world, role):
    order = world.orders["managed"]

    response = world.client(role).get(f"/api/orders/{order.uuid}/")

    if role == "anonymous":
        assert_error(response, 401)
    elif SEES_MANAGED[role] == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200
        assert response.json()["uuid"] == str(order.uuid)


def test_detail_shows_the_current_error_retry_resource_and_integration(world):
    # given
    order = world.orders["managed"]
    Order.objects.filter(pk=order.pk).update(
        error_message="HTTP 503 from fulfillment",
        error_traceback="Traceback (most recent call last): ...",
        failure_kind=Order.FailureKind.TRANSIENT,
        next_retry_at="2030-01-01T10:00:00Z",
    )

    # when
    body = world.client("owner").get(f"/api/orders/{order.uuid}/").json()

    # then
    assert body["state"] == "erred"
    assert body["error_message"] == "HTTP 503 from fulfillment"
    assert body["error_traceback"].startswith("Traceback")
    assert body["failure_kind"] == "transient"
    assert body["next_retry_at"] == "2030-01-01T10:00:00Z"
    assert body["integration"] == "Acme VMs"
    assert body["resource"] == {
        "uuid": str(order.resource.uuid),
        "name": order.resource.name,
        "state": order.resource.state,
    }
    assert body["offering"]["uuid"] == str(world.managed.uuid)
    assert body["consumer_organization"] == {"uuid": str(world.globex.uuid), "name": "Globex"}
    assert body["attributes"]["sku"] == "VM-SMALL"


CREATE_STATUS = {
    "staff": 201,
    "owner": 400,  # Globex is not among the owner's organizations
    "manager": 400,
    "other_owner": 400,
    "consumer": 201,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_consumers_and_staff_place_orders(world, role):
    payload = {
        "offering": str(world.managed.uuid),
        "consumer_organization": str(world.globex.uuid),
        "attributes": {"sku": "VM-LARGE"},
        "customer_name": "Ada Lovelace",
        "customer_email": "ada@example.com",
    }

    response = world.client(role).post("/api/orders/", payload, format="json")

    if CREATE_STATUS[role] != 201:
        body = assert_error(response, CREATE_STATUS[role])
        if role != "anonymous":
            assert "consumer_organization" in body["details"]
        return
    body = response.json()
    assert (body["state"], body["type"], body["customer_name"]) == (
        "pending_consumer",
        "create",
        "Ada Lovelace",
    )
    order = Order.objects.get(uuid=body["uuid"])
    assert order.attributes == {"sku": "VM-LARGE"}
    assert order.resource is not None and body["resource"]["uuid"] == str(order.resource.uuid)
    assert order.transitions.get().actor == world.users[role]


def test_update_order_names_the_resource_and_bad_input_is_named(world):
    client = world.client("consumer")
    resource = world.orders["managed"].resource
    base = {"offering": str(world.managed.uuid), "consumer_organization": str(world.globex.uuid)}

    updated = client.post(
        "/api/orders/", {**base, "type": "update", "resource": str(resource.uuid)}, format="json"
    )
    assert updated.status_code == 201, updated.content
    assert updated.json()["resource"]["uuid"] == str(resource.uuid)

    no_resource = client.post("/api/orders/", {**base, "type": "terminate"}, format="json")
    assert "needs the resource" in assert_error(no_resource, 400, "invalid")["message"]

    foreign_resource = world.orders["foreign"].resource
    wrong = client.post(
        "/api/orders/",
        {**base, "type": "update", "resource": str(foreign_resource.uuid)},
        format="json",
    )
    assert "resource" in assert_error(wrong, 400)["details"]

    for field, value in [("offering", "not-a-uuid"), ("type", "delete"), ("attributes", [1])]:
        bad = client.post("/api/orders/", {**base, field: value}, format="json")
        assert field in assert_error(bad, 400, "invalid")["details"]
    typo = client.post("/api/orders/", {**base, "customer_nmae": "Ada"}, format="json")
    assert "customer_nmae" in assert_error(typo, 400)["details"]
    assert Order.objects.count() == 4


def test_a_manager_may_not_place_orders_for_the_provider(world):
    response = world.client("manager").post(
        "/api/orders/",
        {"offering": str(world.managed.uuid), "consumer_organization": str(world.acme.uuid)},
        format="json",
    )
    assert "not allowed to place orders" in assert_error(response, 403, "forbidden")["message"]


EDIT_STATUS = {
    "staff": 200,
    "owner": 200,
    "manager": 200,
    "other_owner": 404,
    "consumer": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_edit_is_for_the_provider_side(world, role):
    order = world.orders["managed"]
    change = {"sku": "VM-LARGE", "shipping_address": {"postal_code": "10117"}}
    # a merge patch: the street stays
    new_attributes = {
        "sku": "VM-LARGE",
        "shipping_address": {"street": "1 Main St", "postal_code": "10117"},
    }

    response = world.client(role).patch(
        f"/api/orders/{order.uuid}/",
        {"attributes": change, "customer_email": "new@example.com"},
        format="json",
    )

    order.refresh_from_db()
    if EDIT_STATUS[role] == 200:
        assert response.status_code == 200, response.content
        assert response.json()["attributes"] == new_attributes
        assert (order.attributes, order.customer_email) == (new_attributes, "new@example.com")
    else:
        assert_error(response, EDIT_STATUS[role])
        assert order.customer_email != "new@example.com"


def test_edit_rejects_fields_it_cannot_change(world):
    order = world.orders["managed"]
    client = world.client("owner")

    for payload in [{"state": "done"}, {}, {"attributes": "not an object"}]:
        response = client.patch(f"/api/orders/{order.uuid}/", payload, format="json")
        assert_error(response, 400, "invalid")
    assert client.put(f"/api/orders/{order.uuid}/", {}, format="json").status_code == 405
    order.refresh_from_db()
    assert order.state == Order.State.ERRED


def record_attempts(order, actor):
    """Two finished attempts (a failure, then a success after a person's retry)."""
    delivery = Delivery.objects.create(order=order, integration=order.offering.integration)
    common = {"delivery": delivery, "order": order, "integration": order.offering.integration}
    Attempt.objects.create(
        **common,
        number=1,
        trigger="automatic",
        outcome="transient",
        remote_status=503,
        error_code="maintenance",
        message="Planned maintenance in progress",
        traceback="Traceback ...",
        decision="retry at 10:00 (fixed policy, 1h)",
        finished_at="2030-01-01T09:00:01Z",
        started_at="2030-01-01T09:00:00Z",
    )
    Attempt.objects.create(
        **common,
        number=2,
        trigger="user",
        actor=actor,
        outcome="success",
        remote_status=201,
        started_at="2030-01-01T09:30:00Z",
        finished_at="2030-01-01T09:30:01Z",
    )


@pytest.mark.parametrize("role", ROLES)
def test_attempts_newest_last(world, role):
    order = world.orders["managed"]
    record_attempts(order, world.users["staff"])

    response = world.client(role).get(f"/api/orders/{order.uuid}/attempts/")

    if role == "anonymous":
        assert_error(response, 401)
        return
    if SEES_MANAGED[role] == 404:
        assert_error(response, 404)
        return
    rows = results(response)
    assert [(row["number"], row["outcome"]) for row in rows] == [(1, "transient"), (2, "success")]
    assert rows[0] | {"finished_at": None, "started_at": None} == {
        "number": 1,
        "trigger": "automatic",
        "actor": None,
        "started_at": None,
        "finished_at": None,
        "outcome": "transient",
        "remote_status": 503,
        "error_code": "maintenance",
        "message": "Planned maintenance in progress",
        "traceback": "Traceback ...",
        "decision": "retry at 10:00 (fixed policy, 1h)",
    }
    assert rows[1]["actor"] == "staff"


@pytest.mark.parametrize("role", ROLES)
def test_transitions_with_actor_or_system(world, role):
    # given: the order was retried by staff, then failed again (the system)
    order = world.orders["managed"]
    services.order_retry(order=order, actor=world.users["staff"])
    services.order_fail(order=order, message="HTTP 503", kind="transient")

    response = world.client(role).get(f"/api/orders/{order.uuid}/transitions/")

    if role == "anonymous":
        assert_error(response, 401)
        return
    if SEES_MANAGED[role] == 404:
        assert_error(response, 404)
        return
    rows = results(response)
    assert [(r["transition"], r["source"], r["target"], r["actor"]) for r in rows] == [
        ("retry", "erred", "executing", "staff"),
        ("fail", "executing", "erred", "system"),
    ]
    assert rows[0]["details"]["error_message"] == "Remote system unavailable"
    assert rows[1]["reason"] == "HTTP 503"
    assert OrderTransition.objects.filter(order=order).count() == 2
