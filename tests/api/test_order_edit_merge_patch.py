"""``PATCH /api/orders/{uuid}/``: attributes are a JSON Merge Patch (RFC 7396), and the merged
result is checked before anything is saved or sent again."""

import pytest

from integrations.models import Delivery
from orders.models import Order, OrderTransition
from orders.services.placing import merge_patch
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

PLACED = {
    "sku": "PALLET-1",
    "quantity": 3,
    "shipping_method": "EXPRESS-2",
    "shipping_address": {"street": "1 Main St", "city": "Berlin", "postal_code": "1011"},
    "tags": ["fragile", "heavy"],
}


def needs_a_fix(world) -> Order:
    """An erred order that failed for a reason a person must fix (an edit sends it again)."""
    order = world.order(attributes=PLACED)
    Order.objects.filter(pk=order.pk).update(failure_kind=Order.FailureKind.ACTION_REQUIRED)
    return Order.objects.get(pk=order.pk)


def patch(world, order, body, role="owner"):
    return world.client(role).patch(f"/api/orders/{order.uuid}/", body, format="json")


def test_changing_the_address_keeps_sku_quantity_and_shipping_method(world):
    order = needs_a_fix(world)

    response = patch(world, order, {"attributes": {"shipping_address": {"postal_code": "10115"}}})

    assert response.status_code == 200, response.content
    expected = {
        **PLACED,
        "shipping_address": {"street": "1 Main St", "city": "Berlin", "postal_code": "10115"},
    }
    assert response.json()["attributes"] == expected
    order.refresh_from_db()
    assert order.attributes == expected
    # and the fixed order was sent again, as it now is
    assert order.state == Order.State.EXECUTING
    assert Delivery.objects.filter(order=order).count() == 1


def test_null_removes_a_key_and_arrays_and_values_replace(world):
    order = world.order(attributes=PLACED)

    response = patch(
        world,
        order,
        {"attributes": {"shipping_address": {"city": None}, "tags": ["fragile"], "quantity": 5}},
    )

    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.attributes == {
        **PLACED,
        "quantity": 5,
        "tags": ["fragile"],
        "shipping_address": {"street": "1 Main St", "postal_code": "1011"},
    }


def test_a_bad_result_is_a_400_naming_the_attribute_and_changes_and_sends_nothing(world):
    order = needs_a_fix(world)
    modified = order.modified

    response = patch(
        world,
        order,
        {"attributes": {"name": "  ", "shipping_address": {"postal_code": "10115"}}},
    )

    body = assert_error(response, 400)
    assert body["details"]["attributes"] == {
        "attributes.name": "must be a non-blank string (it names the resource)"
    }
    assert "attributes.name" in body["message"]
    order.refresh_from_db()
    assert order.attributes == PLACED
    assert (order.state, order.modified) == (Order.State.ERRED, modified)
    assert not OrderTransition.objects.filter(order=order, transition="retry").exists()
    assert not Delivery.objects.filter(order=order).exists()


def test_a_name_too_long_for_the_resource_is_refused(world):
    order = world.order(attributes=PLACED)

    body = assert_error(patch(world, order, {"attributes": {"name": "x" * 201}}), 400)

    assert "at most 200 characters" in body["details"]["attributes"]["attributes.name"]


def test_the_schema_says_attributes_are_a_merge_patch(world):
    schema = world.client("staff").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/orders/{uuid}/"]["patch"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    edit = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]

    assert "RFC 7396" in operation["description"]
    assert "RFC 7396" in edit["properties"]["attributes"]["description"]


@pytest.mark.parametrize(
    ("target", "patch_", "result"),
    [  # RFC 7396, appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7396(target, patch_, result):
    before = repr(target)

    assert merge_patch(target, patch_) == result
    assert repr(target) == before
