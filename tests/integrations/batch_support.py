"""What the tests of batches and incidents share: erred orders resubmitted, their deliveries
queued, and reading back where their orders are."""

from integrations.models import Delivery, Integration
from orders import services as order_services
from orders.models import Offering, Order
from tests.factories import OfferingFactory, OrderFactory, staff_user


def resubmitted(
    integration: Integration, count: int, *, attributes: dict[int, dict] | None = None
) -> list[Delivery]:
    """``count`` erred orders of ``integration`` resubmitted (order ``i`` with
    ``attributes[i]`` if given): their deliveries queued, in the order a task sends them."""
    offering = OfferingFactory(type=Offering.Type.REMOTE, integration=integration)
    orders = [
        OrderFactory(
            state=Order.State.ERRED,
            offering=offering,
            **({"attributes": attributes[i]} if attributes and i in attributes else {}),
        )
        for i in range(count)
    ]
    order_services.orders_resubmit(
        orders=Order.objects.filter(pk__in=[o.pk for o in orders]), actor=staff_user()
    )
    return list(Delivery.objects.filter(order__in=orders).order_by("pk"))


def ids(deliveries) -> list[int]:
    return [d.pk for d in deliveries]


def states(deliveries) -> list[str]:
    return [Order.objects.values_list("state", flat=True).get(pk=d.order_id) for d in deliveries]
