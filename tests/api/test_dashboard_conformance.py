"""The dashboard's order-side operations answer true to the schema on rows that exist: the
fuzzing reaches an object's own page only by a lucky id, so each is called here with a real
one (a bulk operation with outcomes, an order's deliveries, a delivery's retry, a dry run's
preview, the facets) and its answer validated by schemathesis' response checks."""

from integrations.models import Delivery
from orders.models import BulkOperation, Order
from orders.services import bulk_operation_run
from tests.api.test_deliveries import failed_delivery
from tests.api.test_schemathesis import CHECKS, keep_connection, schema
from tests.factories import api_key

__all__ = ["keep_connection"]  # the fixture: the test's transaction on the request's connection


def headers(world, role) -> dict:
    return {"Authorization": f"Token {api_key(world.users[role])}"}


def call(world, role, path, method, expected: int, **parts):
    case = schema[path][method].Case(**parts)
    response = case.call_and_validate(headers=headers(world, role), checks=CHECKS)
    assert response.status_code == expected, response.text
    return response.json()


def test_a_bulk_operation_its_list_and_the_resubmit_answers(world, keep_connection):
    order = world.orders["managed"]
    Order.objects.filter(pk=order.pk).update(failure_kind=Order.FailureKind.ACTION_REQUIRED)
    preview = call(
        world,
        "owner",
        "/api/orders/resubmit/",
        "POST",
        200,
        body={"filters": {"state": "erred"}, "dry_run": True, "leave_out_action_required": False},
    )
    assert preview["sample"] and preview["breakdown"]["failure_kind"]
    started = call(
        world,
        "owner",
        "/api/orders/resubmit/",
        "POST",
        202,
        body={"preview_token": preview["preview_token"]},
    )
    bulk_operation_run(operation_id=started["id"])
    operation = BulkOperation.objects.get(pk=started["id"])
    shown = call(
        world,
        "owner",
        "/api/bulk-operations/{id}/",
        "GET",
        200,
        path_parameters={"id": operation.pk},
    )
    assert shown["outcomes"]
    call(
        world,
        "owner",
        "/api/bulk-operations/{id}/cancel/",
        "POST",
        409,
        path_parameters={"id": operation.pk},
    )
    assert call(world, "owner", "/api/bulk-operations/", "GET", 200)["results"]
    facets = call(world, "manager", "/api/orders/facets/", "GET", 200, query={"state": "executing"})
    assert facets["by_integration"]


def test_the_deliveries_of_an_order_and_a_retry_answer(world, keep_connection):
    order = world.orders["managed"]
    delivery = failed_delivery(order)
    path = {"uuid": str(order.uuid)}

    rows = call(
        world, "manager", "/api/orders/{uuid}/deliveries/", "GET", 200, path_parameters=path
    )
    assert rows["results"]
    retried = call(
        world,
        "manager",
        "/api/orders/{uuid}/deliveries/{id}/retry/",
        "POST",
        200,
        path_parameters={**path, "id": delivery.pk},
    )
    assert retried["state"] == Delivery.State.QUEUED
    call(
        world,
        "manager",
        "/api/orders/{uuid}/deliveries/{id}/retry/",
        "POST",
        409,
        path_parameters={**path, "id": delivery.pk},
    )
    detail = call(world, "manager", "/api/orders/{uuid}/", "GET", 200, path_parameters=path)
    assert detail["needs_fix_first"] is False
