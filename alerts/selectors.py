"""Reads of alerts, scoped like orders: alerts are the provider side's, consumers see none."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from alerts.models import Alert, AlertContact, Problem
from orders.models import Offering, Order, Organization
from orders.roles import may_read, provider_scope


def alert_scope(user) -> Q:
    """A filter on Alert: staff all; owners and managers the alerts of their offerings' orders
    and the order-less alerts of the integrations those offerings route to; anyone else none."""
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    offerings = Offering.objects.filter(Q(provider__owners=user) | Q(managers=user))
    return Q(order__in=Order.objects.filter(provider_scope(user)).values("pk")) | Q(
        order__isnull=True, integration__in=_routed_to(offerings)
    )


def _routed_to(offerings):
    """The integrations ``offerings`` send orders to: every route's (an offering may send to
    several systems; its main integration is one of its routes)."""
    return offerings.filter(routes__isnull=False).values("routes__integration")


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
    used = _routed_to(Offering.objects.filter(provider_id=contact.organization_id))
    return Alert.objects.filter(
        Q(order__offering__provider_id=contact.organization_id)
        | Q(order__isnull=True, integration__in=used)
    )


def contacts_for(*, alert: Alert, frequencies: list[str]) -> list[AlertContact]:
    """The contacts with one of ``frequencies`` who hear of ``alert`` and want its kind."""
    if alert.order_id:
        organizations = Offering.objects.filter(pk=alert.order.offering_id).values("provider")
    else:
        organizations = Offering.objects.filter(routes__integration_id=alert.integration_id).values(
            "provider"
        )
    contacts = AlertContact.objects.filter(
        Q(integration_id=alert.integration_id) | Q(organization__in=organizations),
        frequency__in=frequencies,
    ).select_related("user")
    return [contact for contact in contacts if contact.wants(alert.kind)]


def problem_scope(user) -> Q:
    """A filter on Problem: staff all; owners and managers the problems with an alert they may
    see (a problem spans the orders of every provider using the integration: each sees its
    own orders under it); anyone else none."""
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    return Q(Exists(Alert.objects.filter(alert_scope(user), problem=OuterRef("pk"))))


def problem_list(*, user, filters: dict | None = None) -> QuerySet[Problem]:
    """Problems ``user`` may see, newest first, for a user with ``alerts.view_alert``."""
    problems = Problem.objects.select_related("integration", "incident").order_by(
        "-last_seen_at", "-pk"
    )
    if not may_read(user, "alerts.view_alert"):
        return problems.none()
    return problems.filter(problem_scope(user)).filter(**(filters or {}))


def problems_for_contact(*, contact: AlertContact) -> QuerySet[Problem]:
    """The problems ``contact`` hears of: those with an alert it hears of."""
    if contact.integration_id:
        return Problem.objects.filter(integration_id=contact.integration_id)
    heard = alerts_for_contact(contact=contact).filter(problem=OuterRef("pk"))
    return Problem.objects.filter(Exists(heard))


def contacts_for_problem(*, problem: Problem, frequencies: list[str]) -> list[AlertContact]:
    """The contacts with one of ``frequencies`` who hear of ``problem`` and want its kind: the
    integration's, and those of the organizations whose orders are under it (every one whose
    offerings use the integration, for a problem about no order)."""
    alerts = Alert.objects.filter(problem=problem)
    offerings = Q(pk__in=alerts.filter(order__isnull=False).values("order__offering_id"))
    if alerts.filter(order__isnull=True).exists():
        offerings |= Q(integration_id=problem.integration_id)
    organizations = Offering.objects.filter(offerings).values("provider")
    contacts = AlertContact.objects.filter(
        Q(integration_id=problem.integration_id) | Q(organization__in=organizations),
        frequency__in=frequencies,
    ).select_related("user")
    return [contact for contact in contacts if contact.wants(problem.kind)]


def _integrations_owned(user) -> tuple[QuerySet, QuerySet]:
    used = Offering.objects.filter(provider__owners=user, integration__isnull=False)
    foreign = Offering.objects.filter(integration__isnull=False).exclude(provider__owners=user)
    return used.values("integration_id"), foreign.values("integration_id")


def contact_scope(user) -> Q:
    """A filter on AlertContact: those ``user`` may manage (and so see). Staff all; an owner
    those of their organizations and of the integrations used only by their organizations'
    offerings (a contact of an integration hears of every order sent to it); anyone else none."""
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    used, foreign = _integrations_owned(user)
    return Q(organization__in=Organization.objects.filter(owners=user).values("pk")) | (
        Q(integration_id__in=used) & ~Q(integration_id__in=foreign)
    )


def may_manage_contacts(user, *, organization_id=None, integration_id=None) -> bool:
    """Whether ``user`` may manage the contacts of this organization or integration."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    if organization_id is not None:
        return Organization.objects.filter(pk=organization_id, owners=user).exists()
    used, foreign = _integrations_owned(user)
    return (
        used.filter(integration_id=integration_id).exists()
        and not foreign.filter(integration_id=integration_id).exists()
    )


def alert_contact_list(*, user) -> QuerySet[AlertContact]:
    """The contacts ``user`` may manage, with what the API shows."""
    return (
        AlertContact.objects.filter(contact_scope(user))
        .select_related("user", "organization", "integration")
        .order_by("pk")
    )


def contacts_for_integration(*, integration_id: int, frequencies: list[str]) -> list[AlertContact]:
    """The contacts with one of ``frequencies`` who hear of the integration itself: its own,
    and those of the organizations whose offerings use it."""
    organizations = Offering.objects.filter(integration_id=integration_id).values("provider")
    return list(
        AlertContact.objects.filter(
            Q(integration_id=integration_id) | Q(organization__in=organizations),
            frequency__in=frequencies,
        ).select_related("user")
    )
