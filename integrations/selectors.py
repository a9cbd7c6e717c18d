"""Reads of integrations, deliveries and attempts: scoped to the acting user where a person
reads them, with their status computed in SQL."""

from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    HeldReason,
    Integration,
    MaintenanceWindow,
)
from orders.models import Offering, Order
from orders.roles import may_read


def _last_attempt_finished(*, outcomes: list[str]) -> Subquery:
    """When the latest attempt with one of ``outcomes`` finished; walks the
    (integration, started_at) index backwards."""
    return Subquery(
        Attempt.objects.filter(integration=OuterRef("pk"), outcome__in=outcomes)
        .order_by("-started_at", "-pk")
        .values("finished_at")[:1]
    )


def integration_list(*, user) -> QuerySet[Integration]:
    """Integrations ``user`` may see, each with ``held_deliveries``, ``last_success_at`` and
    ``last_failure_at``: as staff all, else those used by the offerings of the organizations
    they own and by the offerings they manage; for a user with ``integrations.view_integration``.
    A fixed number of queries for any page size.
    """
    if not may_read(user, "integrations.view_integration"):
        return Integration.objects.none()
    integrations = Integration.objects.all()
    if not user.is_staff:
        offerings = Offering.objects.filter(Q(provider__owners=user) | Q(managers=user))
        integrations = integrations.filter(pk__in=offerings.values("integration_id"))
    held = (
        Delivery.objects.filter(integration=OuterRef("pk"), state=Delivery.State.HELD)
        .order_by()
        .values("integration")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return integrations.annotate(
        held_deliveries=Coalesce(Subquery(held), Value(0)),
        last_success_at=_last_attempt_finished(outcomes=[Attempt.Outcome.SUCCESS]),
        last_failure_at=_last_attempt_finished(
            outcomes=[Attempt.Outcome.TRANSIENT, Attempt.Outcome.ACTION_REQUIRED]
        ),
    )


def integration_get(*, user, pk) -> Integration:
    """One visible integration; ``Integration.DoesNotExist`` for anything outside the scope."""
    return integration_list(user=user).get(pk=pk)


def maintenance_window_list(*, integration: Integration) -> QuerySet[MaintenanceWindow]:
    return integration.maintenance_windows.select_related("created_by").order_by("starts_at", "pk")


def agent_pending_deliveries(*, integration: Integration) -> QuerySet[Delivery]:
    """What a site agent of ``integration`` is to fulfil: its deliveries not yet reported, of
    orders still executing."""
    return Delivery.objects.filter(
        integration=integration,
        state__in=[Delivery.State.QUEUED, Delivery.State.IN_FLIGHT],
        order__state=Order.State.EXECUTING,
    )


def active_window(*, integration_id: int, now: datetime) -> MaintenanceWindow | None:
    """The maintenance window ``integration_id`` is in at ``now``, if any."""
    return (
        MaintenanceWindow.objects.filter(
            integration_id=integration_id, starts_at__lte=now, ends_at__gt=now
        )
        .order_by("-ends_at")
        .first()
    )


def hold_reason(*, integration: Integration, now: datetime) -> str:
    """``""`` if ``integration`` may be sent to now, else the ``HeldReason`` that holds its
    deliveries: disabled, in a maintenance window, or its breaker not closed (a due probe
    may still let one through: ``breaker.probe_take``).

    ``integration`` is read in the claim's own query, so its breaker state is as fresh as the
    claim; a breaker that opens a moment later lets at most the sends already claimed through.
    """
    if not integration.enabled:
        return HeldReason.DISABLED
    if active_window(integration_id=integration.pk, now=now):
        return HeldReason.MAINTENANCE
    if integration.breaker_state != BreakerState.CLOSED:
        return HeldReason.BREAKER
    return ""


def attempt_list(*, order: Order) -> QuerySet[Attempt]:
    """Every attempt of every delivery of ``order`` (the caller has checked it may see it)."""
    return Attempt.objects.filter(order=order).select_related("integration", "actor")


def delivery_list(*, order: Order) -> QuerySet[Delivery]:
    """The deliveries of ``order`` (the caller has checked it may see it), each with its last
    attempt's outcome, error code and message (by attempt number: the delivery's own index)."""
    last = Attempt.objects.filter(delivery=OuterRef("pk")).order_by("-number")
    return (
        Delivery.objects.filter(order=order)
        .select_related("integration")
        .annotate(
            last_outcome=Subquery(last.values("outcome")[:1]),
            last_error_code=Subquery(last.values("error_code")[:1]),
            last_message=Subquery(last.values("message")[:1]),
        )
        .order_by("pk")
    )
