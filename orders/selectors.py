"""Reads of orders, scoped to what the acting user may see."""

from django.db.models import QuerySet

from orders.models import Order, OrderTransition
from orders.roles import consumer_scope, provider_scope


def order_list(*, user, filters: dict | None = None) -> QuerySet[Order]:
    """Orders ``user`` may see: as staff all, else the provider side's and the consumer's own."""
    orders = Order.objects.select_related("offering", "consumer_organization", "resource")
    if not (user and user.is_authenticated and user.is_active):
        return orders.none()
    if not user.is_staff:
        orders = orders.filter(provider_scope(user) | consumer_scope(user))
    return orders.filter(**(filters or {}))


def order_get(*, user, uuid) -> Order:
    """One visible order; ``Order.DoesNotExist`` for anything outside the user's scope."""
    return order_list(user=user).get(uuid=uuid)


def order_transitions(*, order: Order) -> QuerySet[OrderTransition]:
    return order.transitions.select_related("actor").order_by("created", "pk")
