"""An offering's ``required_attributes``: every order must have them, not empty, when placed and
before an edit is saved or sent again (API, admin form); the list itself is checked."""

import pytest
from django.core.exceptions import ValidationError

from integrations.models import Delivery
from orders.models import Offering, Order
from tests.admin.conftest import orders_in_state
from tests.api.conftest import assert_error
from tests.factories import OfferingFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = ["sku", "shipping_address.city"]
PLACED = {"sku": "PALLET-1", "shipping_address": {"city": "Berlin", "postal_code": ""}}


@pytest.fixture
def shipped(world):
    Offering.objects.filter(pk=world.managed.pk).update(required_attributes=REQUIRED)
    world.managed.refresh_from_db()
    return world.managed


def place(world, attributes):
    return world.client("staff").post(
        "/api/orders/",
        {
            "offering": str(world.managed.uuid),
            "consumer_organization": str(world.globex.uuid),
            "attributes": attributes,
            "customer_name": "Ada Lovelace",
            "customer_email": "ada@example.com",
        },
        format="json",
    )


@pytest.mark.parametrize(
    ("attributes", "missing"),
    [
        ({"shipping_address": {"city": "Berlin"}}, "attributes.sku"),
        ({"sku": "  ", "shipping_address": {"city": "Berlin"}}, "attributes.sku"),
        ({"sku": "X", "shipping_address": {}}, "attributes.shipping_address.city"),
        ({"sku": "X", "shipping_address": "Berlin"}, "attributes.shipping_address.city"),
    ],
)
def test_placing_an_order_without_a_required_attribute_is_a_400_naming_it(
    world, shipped, attributes, missing
):
    before = Order.objects.count()

    body = assert_error(place(world, attributes), 400)

    assert missing in body["message"] and "is required by the offering" in body["message"]
    assert body["details"]["attributes"] == {
        missing: f"is required by the offering {shipped.name!r}"
    }
    assert Order.objects.count() == before


def test_an_order_with_every_required_attribute_is_placed(world, shipped):
    assert place(world, PLACED).status_code == 201


def test_a_patch_that_removes_a_required_attribute_changes_and_sends_nothing(world, shipped):
    order = world.order(attributes=PLACED)
    Order.objects.filter(pk=order.pk).update(failure_kind=Order.FailureKind.ACTION_REQUIRED)

    response = world.client("owner").patch(
        f"/api/orders/{order.uuid}/", {"attributes": {"sku": None}}, format="json"
    )

    body = assert_error(response, 400)
    assert "attributes.sku is required" in body["message"]
    order.refresh_from_db()
    assert (order.attributes, order.state) == (PLACED, Order.State.ERRED)
    assert not Delivery.objects.filter(order=order).exists()


def test_the_offerings_api_shows_what_an_offering_requires(world, shipped):
    answer = world.client("owner").get(f"/api/offerings/{shipped.uuid}/")

    assert answer.json()["required_attributes"] == REQUIRED


def test_the_admin_form_names_the_required_field_it_left_empty(client):
    offering = OfferingFactory(required_attributes=REQUIRED)
    (order,) = orders_in_state(1, offering=offering, attributes=PLACED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/orders/order/{order.pk}/change/",
        {"customer_name": "Ada", "customer_email": "a@example.com", "item_sku": "X"},
    )

    errors = response.context["adminform"].form.errors
    assert errors["address_city"] == [
        f"attributes.shipping_address.city is required by the offering {offering.name!r}"
    ]
    order.refresh_from_db()
    assert order.attributes == PLACED


@pytest.mark.parametrize("paths", ["sku", ["sku", ""], ["shipping address"], [".city"], [3]])
def test_required_attributes_must_be_a_list_of_dotted_paths(paths):
    with pytest.raises(ValidationError) as raised:
        OfferingFactory.build(required_attributes=paths).clean()

    assert "required_attributes" in raised.value.message_dict


def test_the_offering_admin_takes_one_path_a_line(client):
    offering = OfferingFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/orders/offering/{offering.pk}/change/"
    form = {
        "name": offering.name,
        "provider": offering.provider_id,
        "type": offering.type,
        "required_attributes": "sku\n\n shipping_address.postal_code \n",
        # the page's routes (none changed)
        "routes-TOTAL_FORMS": "0",
        "routes-INITIAL_FORMS": "0",
    }

    bad = client.post(url, {**form, "required_attributes": "sku\nshipping address"})
    good = client.post(url, form)

    assert "Not attribute paths: &#x27;shipping address&#x27;" in bad.content.decode()
    assert good.status_code == 302, good.content.decode()[:3000]
    offering.refresh_from_db()
    assert offering.required_attributes == ["sku", "shipping_address.postal_code"]
