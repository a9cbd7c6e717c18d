"""A person retries one delivery of an order (the dashboard's ⋮ → Retry on a failed one).

An order has one delivery today, so retrying it is the order's retry (``order_retry``: the
permission, the scope and the order's state are checked there, the error moves to the
history and the order is sent again); this adds the delivery's own rule: only a failed one.
"""

from django.db import transaction

from core.errors import ApplicationError, Conflict
from integrations.models import Delivery
from orders.models import Order
from orders.services import order_retry


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """Send ``delivery`` again as ``actor``; a 409 naming the state unless the delivery failed
    and its order is erred."""
    delivery = Delivery.objects.select_for_update().select_related("order").get(pk=delivery.pk)
    order = delivery.order
    if delivery.state != Delivery.State.FAILED or order.state != Order.State.ERRED:
        raise ApplicationError(
            f"Cannot retry delivery {delivery.pk} of order {order.number}: the delivery is "
            f"{delivery.state} and the order {order.state}; only a failed delivery of an "
            "erred order can be retried.",
            conflict=Conflict.STATE,
            extra={
                "delivery_state": delivery.state,
                "state": order.state,
                "allowed_delivery_states": [Delivery.State.FAILED],
                "allowed_states": [Order.State.ERRED],
            },
        )
    order_retry(order=order, actor=actor)
    delivery.refresh_from_db()
    return delivery
