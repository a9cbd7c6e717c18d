"""The order edit form: what is ordered and the address as fields, put back into one
``attributes`` object the service checks; nothing else of the attributes is lost."""

import json

import pytest

from orders.models import Order
from tests.admin.conftest import messages_of, orders_in_state, post_back, staff_with

pytestmark = pytest.mark.django_db

ATTRIBUTES = {
    "sku": "CLOUD-VM",
    "quantity": 2,
    "shipping_method": "STANDARD",
    "shipping_address": {
        "street": "109 Market St",
        "city": "Springfield",
        "postal_code": "",
        "floor": "3",
    },
    "gift_wrap": True,
}


def page_of(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def form_of(client, order) -> dict:
    response = client.get(page_of(order))
    form = response.context["adminform"].form
    data = post_back(response.content.decode())
    for name in form.fields:
        value = form[name].value()  # as the page shows it
        data[name] = "" if value is None else value
    return data


@pytest.fixture
def address_failure():
    (order,) = orders_in_state(
        1, failure_kind=Order.FailureKind.ACTION_REQUIRED, attributes=ATTRIBUTES
    )
    return order


def test_the_form_shows_each_attribute_as_a_field_and_the_rest_as_json(
    client, staff, address_failure
):
    data = form_of(client, address_failure)

    assert (data["item_sku"], data["item_quantity"], data["item_shipping_method"]) == (
        "CLOUD-VM",
        2,
        "STANDARD",
    )
    assert (data["address_street"], data["address_city"], data["address_postal_code"]) == (
        "109 Market St",
        "Springfield",
        "",
    )
    assert json.loads(data["other_attributes"]) == {"gift_wrap": True}


def test_filling_in_the_postal_code_keeps_every_other_attribute_and_sends_the_order(
    client, staff, address_failure
):
    data = form_of(client, address_failure)
    data["address_postal_code"] = "12345"

    response = client.post(page_of(address_failure), data, follow=True)

    address_failure.refresh_from_db()
    assert address_failure.attributes == {
        **ATTRIBUTES,
        "shipping_address": {**ATTRIBUTES["shipping_address"], "postal_code": "12345"},
    }
    assert address_failure.state == Order.State.EXECUTING
    assert "was sent again at once" in messages_of(response)[0]


def test_an_unchanged_form_changes_nothing_and_sends_nothing(client, staff, address_failure):
    client.post(page_of(address_failure), form_of(client, address_failure))

    address_failure.refresh_from_db()
    assert address_failure.attributes == ATTRIBUTES
    assert address_failure.state == Order.State.ERRED


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("item_quantity", "0", "Ensure this value is greater than or equal to 1."),
        ("other_attributes", "[1, 2]", "Give a JSON object"),
        ("other_attributes", '{"sku": "X"}', "Set sku in the fields above, not here."),
        ("other_attributes", '{"name": " "}', "attributes.name must be a non-blank string"),
        ("other_attributes", "{oops", "Enter a valid JSON."),
    ],
)
def test_bad_input_is_a_form_error_naming_it_and_nothing_changes(
    client, staff, address_failure, field, value, error
):
    data = form_of(client, address_failure)
    data[field] = value

    response = client.post(page_of(address_failure), data)

    assert response.status_code == 200
    assert error in str(response.context["adminform"].form.errors)
    address_failure.refresh_from_db()
    assert (address_failure.attributes, address_failure.state) == (ATTRIBUTES, Order.State.ERRED)


def test_a_user_who_may_only_view_sees_the_attributes_as_stored(client, address_failure):
    client.force_login(staff_with("view_order"))

    page = client.get(page_of(address_failure)).content.decode()

    assert "&quot;postal_code&quot;: &quot;&quot;" in page
    assert 'name="address_postal_code"' not in page
