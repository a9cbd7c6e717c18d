"""A person retries one delivery of an order (admin, API, dashboard, ``retry_orders
--integration``): only that delivery is sent again.

If it is the order's only failed required delivery, retrying it is the order's retry
(``order_retry``: the permission, the scope and the order's state are checked there, the error
moves to the history, the order goes back to executing), restricted to this delivery. An
erred order with other required failures stays erred, and an optional delivery never changes
its order: the delivery alone is sent again (``order_deliveries_resend``, which checks the
same permission and scope). A delivery that did not fail is refused, and so is a required one
of an order that is not erred.
"""

from django.db import transaction

from core.errors import ApplicationError, Conflict
from integrations.models import Delivery
from orders.models import Order
from orders.services import RESEND_STATES, order_deliveries_resend, order_retry


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """Send ``delivery`` again as ``actor``; a 409 naming the states unless it failed and
    its order is erred (a required delivery) or executing, erred or done (an optional one)."""
    delivery = Delivery.objects.select_for_update().select_related("order").get(pk=delivery.pk)
    order = delivery.order
    allowed = [Order.State.ERRED] if delivery.required else list(RESEND_STATES)
    if delivery.state != Delivery.State.FAILED or order.state not in allowed:
        kind = (
            "a failed required delivery of an erred order"
            if delivery.required
            else (f"a failed optional delivery of an order {', '.join(allowed)}")
        )
        raise ApplicationError(
            f"Cannot retry delivery {delivery.pk} of order {order.number}: the delivery is "
            f"{delivery.state} and the order {order.state}; only {kind} can be retried.",
            conflict=Conflict.STATE,
            extra={
                "delivery_state": delivery.state,
                "state": order.state,
                "allowed_delivery_states": [Delivery.State.FAILED],
                "allowed_states": allowed,
            },
        )
    only = [delivery.integration_id]
    if delivery.required:  # the order's retry; it stays erred if another failure stands
        order_retry(order=order, actor=actor, integration_ids=only)
    else:
        order_deliveries_resend(order=order, actor=actor, integration_ids=only)
    delivery.refresh_from_db()
    return delivery
