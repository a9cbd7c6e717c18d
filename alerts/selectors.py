"""Reads of alerts, scoped like orders: alerts are the provider side's, consumers see none."""

from django.db.models import Q, QuerySet

from alerts.models import Alert, AlertContact
from orders.models import Offering, Order
from orders.roles import may_read, provider_scope


def alert_scope(user) -> Q:
    """A filter on Alert: staff all; owners and managers the alerts of their offerings' orders
    and the order-less alerts of the integrations those offerings use; anyone else none."""
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    offerings = Offering.objects.filter(Q(provider__owners=user) | Q(managers=user))
    return Q(order__in=Order.objects.filter(provider_scope(user)).values("pk")) | Q(
        order__isnull=True,
        integration__in=offerings.filter(integration__isnull=False).values("integration"),
    )


def alert_list(*, user, filters: dict | None = None) -> QuerySet[Alert]:
    """Alerts ``user`` may see: those in scope, for a user with ``alerts.view_alert``."""
    alerts = Alert.objects.select_related(
        "integration", "order", "resolved_by", "dismissed_by"
    ).order_by("-last_seen_at", "-pk")
    if not may_read(user, "alerts.view_alert"):
        return alerts.none()
    return alerts.filter(alert_scope(user)).filter(**(filters or {}))


def alert_get(*, user, pk) -> Alert:
    """One visible alert; ``Alert.DoesNotExist`` for anything outside the user's scope."""
    return alert_list(user=user).get(pk=pk)


def alerts_for_contact(*, contact: AlertContact) -> QuerySet[Alert]:
    """The alerts ``contact`` hears of: its integration's, or its organization's offerings'
    orders' and the order-less alerts of the integrations those offerings use."""
    if contact.integration_id:
        return Alert.objects.filter(integration_id=contact.integration_id)
    used = Offering.objects.filter(
        provider_id=contact.organization_id, integration__isnull=False
    ).values("integration")
    return Alert.objects.filter(
        Q(order__offering__provider_id=contact.organization_id)
        | Q(order__isnull=True, integration__in=used)
    )


def contacts_for(*, alert: Alert, frequencies: list[str]) -> list[AlertContact]:
    """The contacts with one of ``frequencies`` who hear of ``alert`` and want its kind."""
    if alert.order_id:
        organizations = Offering.objects.filter(pk=alert.order.offering_id).values("provider")
    else:
        organizations = Offering.objects.filter(integration_id=alert.integration_id).values(
            "provider"
        )
    contacts = AlertContact.objects.filter(
        Q(integration_id=alert.integration_id) | Q(organization__in=organizations),
        frequency__in=frequencies,
    ).select_related("user")
    return [contact for contact in contacts if contact.wants(alert.kind)]
