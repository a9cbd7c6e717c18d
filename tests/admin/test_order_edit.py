"""The order page's edit form: the whole attributes object it shows is what is saved (the API's
PATCH merges instead), checked by the same rules before anything is saved or sent. The form's
fields are in tests/admin/test_order_form.py."""

import pytest

from integrations.models import Delivery
from orders.models import Order
from tests.admin.conftest import orders_in_state, post_back

pytestmark = pytest.mark.django_db

PLACED = {"sku": "PALLET-1", "quantity": 3, "shipping_method": "EXPRESS-2"}


def page_of(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def edited(client, order, **fields):
    form = post_back(client.get(page_of(order)).content.decode())
    shown = {
        "customer_name": order.customer_name,
        "customer_email": order.customer_email,
        "item_sku": order.attributes["sku"],
        "item_quantity": order.attributes["quantity"],
        "item_shipping_method": order.attributes["shipping_method"],
    }
    form.update({**shown, **fields})
    return client.post(page_of(order), form)


def test_the_form_saves_the_whole_object_it_shows(client, staff):
    order = orders_in_state(1, attributes=PLACED)[0]

    response = edited(client, order, item_sku="PALLET-2", item_quantity="")

    assert response.status_code == 302
    order.refresh_from_db()
    # a cleared number is left out; a cleared text the order had stays, empty
    assert order.attributes == {"sku": "PALLET-2", "shipping_method": "EXPRESS-2"}


def test_a_bad_result_is_refused_and_nothing_is_saved_or_sent(client, staff):
    order = orders_in_state(1, attributes=PLACED, failure_kind=Order.FailureKind.ACTION_REQUIRED)[0]

    response = edited(client, order, other_attributes='{"name": ""}')

    assert response.status_code == 200  # the form again, with the error
    assert "attributes.name must be a non-blank string" in response.content.decode()
    order.refresh_from_db()
    assert (order.attributes, order.state) == (PLACED, Order.State.ERRED)
    assert not Delivery.objects.filter(order=order).exists()
