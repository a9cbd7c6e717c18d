"""A consumer organization's owner sees the orders it placed but may not send them again: the
API names the rule that refuses it."""

import pytest

from orders.models import Order
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

PROVIDER_SIDE = (
    "the provider side (owners of the offering's organization, the offering's managers, or staff)"
)


def test_resubmitting_its_own_order_tells_a_consumer_who_may(world):
    order = world.orders["managed"]

    response = world.client("consumer").post(
        "/api/orders/resubmit/", {"uuids": [str(order.uuid)]}, format="json"
    )

    assert response.status_code == 200, response.content
    (skipped,) = response.json()["skipped"]
    assert skipped["reason"].startswith(f"not allowed: only {PROVIDER_SIDE} may resubmit")
    assert "outside your organizations" not in skipped["reason"]
    order.refresh_from_db()
    assert order.state == Order.State.ERRED


def test_retrying_its_own_order_is_a_403_naming_the_rule(world):
    order = world.orders["managed"]

    response = world.client("consumer").post(f"/api/orders/{order.uuid}/retry/", format="json")

    body = assert_error(response, 403)
    assert body["message"] == (
        f"You are not allowed to retry order {order.number}: only {PROVIDER_SIDE} may, with "
        "the orders.retry_order permission."
    )
