"""Where orders hand work to the apps above them.

``orders_executing`` is sent inside the transaction that moved orders to ``executing``, with
``order_ids``, ``trigger``, ``actor`` and ``integration_ids`` (``None``: to every integration
the order goes to; else only to these, as a retry of one delivery or a resubmit by
integration asks): the integrations app queues their deliveries, a new order's to each
integration, a retried one's only where it failed (it
connects its receiver in ``IntegrationsConfig.ready``). Orders never import integrations; with
no receiver connected, orders still move and nothing is sent.
"""

from django.dispatch import Signal

orders_executing = Signal()


def orders_to_send(
    order_ids: list[int], *, trigger: str, actor, integration_ids: list[int] | None = None
) -> None:
    """Announce orders that just entered ``executing`` and must be sent (inside the caller's
    transaction: a receiver's writes commit or roll back with the orders'); with
    ``integration_ids``, only to those integrations."""
    if order_ids:
        orders_executing.send(
            sender=None,
            order_ids=order_ids,
            trigger=trigger,
            actor=actor,
            integration_ids=integration_ids,
        )
