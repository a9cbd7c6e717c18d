"""Reads of orders, scoped to what the acting user may see."""

from django.db.models import Q, QuerySet

from orders.models import Offering, Order, OrderTransition, Organization
from orders.roles import consumer_scope, may_read, provider_scope


def order_list(*, user, filters: dict | None = None) -> QuerySet[Order]:
    """Orders ``user`` may see, for a user with ``orders.view_order``: as staff all, else the
    provider side's and the consumer's own."""
    orders = Order.objects.select_related("offering", "consumer_organization", "resource")
    if not may_read(user, "orders.view_order"):
        return orders.none()
    if not user.is_staff:
        orders = orders.filter(provider_scope(user) | consumer_scope(user))
    return orders.filter(**(filters or {}))


def order_get(*, user, uuid) -> Order:
    """One visible order; ``Order.DoesNotExist`` for anything outside the user's scope."""
    return order_list(user=user).get(uuid=uuid)


def order_transitions(*, order: Order) -> QuerySet[OrderTransition]:
    return order.transitions.select_related("actor").order_by("created", "pk")


def organization_list(*, user) -> QuerySet[Organization]:
    """Organizations ``user`` may see: as staff all, else those they own and the providers of
    the offerings they manage; for a user with ``orders.view_organization``."""
    if not may_read(user, "orders.view_organization"):
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(pk__in=Organization.objects.filter(owners=user).values("pk"))
        | Q(pk__in=Offering.objects.filter(managers=user).values("provider_id"))
    )


def offering_list(*, user) -> QuerySet[Offering]:
    """Offerings ``user`` may see: as staff all, else those of the organizations they own, those
    they manage, and those their organizations have ordered from; for a user with
    ``orders.view_offering``."""
    offerings = Offering.objects.select_related("provider", "integration")
    if not may_read(user, "orders.view_offering"):
        return offerings.none()
    if user.is_staff:
        return offerings
    owned = Organization.objects.filter(owners=user).values("pk")
    return offerings.filter(
        Q(provider__in=owned)
        | Q(pk__in=Offering.objects.filter(managers=user).values("pk"))
        | Q(pk__in=Order.objects.filter(consumer_organization__in=owned).values("offering_id"))
    )
