"""Reads of integrations, deliveries and attempts: scoped to the acting user where a person
reads them, with their status computed in SQL."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncHour

from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    HeldReason,
    Integration,
    MaintenanceWindow,
    Route,
)
from orders.models import Offering, Order
from orders.roles import may_read, provider_scope


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
    ``last_failure_at``: as staff all, else those the offerings of the organizations they own
    and the offerings they manage route orders to; for a user with
    ``integrations.view_integration``.
    A fixed number of queries for any page size.
    """
    if not may_read(user, "integrations.view_integration"):
        return Integration.objects.none()
    integrations = Integration.objects.all()
    if not user.is_staff:
        offerings = Offering.objects.filter(Q(provider__owners=user) | Q(managers=user))
        integrations = integrations.filter(
            pk__in=Route.objects.filter(offering__in=offerings).values("integration_id")
        )
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
    return hold_reasons(integrations=[integration], now=now)[integration.pk]


def hold_reasons(*, integrations: list[Integration], now: datetime) -> dict[int, str]:
    """``hold_reason`` of each of ``integrations`` (pk -> reason), with one query for the
    maintenance windows of them all (none when every one is disabled)."""
    enabled = [integration.pk for integration in integrations if integration.enabled]
    in_window = set()
    if enabled:
        in_window = set(
            MaintenanceWindow.objects.filter(
                integration_id__in=enabled, starts_at__lte=now, ends_at__gt=now
            ).values_list("integration_id", flat=True)
        )
    reasons = {}
    for integration in integrations:
        if not integration.enabled:
            reasons[integration.pk] = HeldReason.DISABLED
        elif integration.pk in in_window:
            reasons[integration.pk] = HeldReason.MAINTENANCE
        elif integration.breaker_state != BreakerState.CLOSED:
            reasons[integration.pk] = HeldReason.BREAKER
        else:
            reasons[integration.pk] = ""
    return reasons


def attempt_list(*, order: Order) -> QuerySet[Attempt]:
    """Every attempt of every delivery of ``order`` (the caller has checked it may see it)."""
    return Attempt.objects.filter(order=order).select_related("integration", "actor")


HEALTH_HOURS = 24
HOUR = timedelta(hours=1)


@dataclass
class IntegrationHealth:
    """What the dashboard's integration page shows beside the configuration."""

    integration: Integration
    held_by_reason: dict[str, int]
    in_flight: int
    queued: int
    failing_total: int
    failing_by_kind: dict[str, int]
    window: MaintenanceWindow | None
    next_window: MaintenanceWindow | None
    hours: list[dict]

    @property
    def held(self) -> int:
        return sum(self.held_by_reason.values())


def integration_health(*, user, integration: Integration, now: datetime) -> IntegrationHealth:
    """The health of ``integration`` (one ``user`` sees, from ``integration_list``): its
    deliveries by state (held by reason), ``user``'s erred orders at it by failure kind, the
    running and the next maintenance window, and the attempts of the last ``HEALTH_HOURS``
    hours by outcome per hour (UTC hours, the current one last, empty hours as zeros).

    Four queries whatever the traffic: deliveries and attempts are counted in SQL on the
    (integration, state) and (integration, started_at) indexes.
    """
    deliveries = (
        Delivery.objects.filter(
            integration=integration,
            state__in=[Delivery.State.HELD, Delivery.State.IN_FLIGHT, Delivery.State.QUEUED],
        )
        .order_by()
        .values_list("state", "held_reason")
        .annotate(count=Count("pk"))
    )
    held = dict.fromkeys(HeldReason.values, 0)
    by_state = {Delivery.State.IN_FLIGHT: 0, Delivery.State.QUEUED: 0}
    for state, reason, count in deliveries:
        if state == Delivery.State.HELD:
            held[reason or HeldReason.BREAKER] += count
        else:
            by_state[state] += count
    erred = (
        Order.objects.filter(provider_scope(user), state=Order.State.ERRED)
        .at_integration(integration.pk)
        .order_by()
        .values_list("failure_kind")
        .annotate(count=Count("pk"))
    )
    failing = dict.fromkeys(Order.FailureKind.values, 0)
    erred_total = 0
    for kind, count in erred:
        erred_total += count
        if kind in failing:
            failing[kind] += count
    windows = list(
        MaintenanceWindow.objects.filter(integration=integration, ends_at__gt=now)
        .select_related("created_by")
        .order_by("starts_at", "pk")[:2]
    )
    running = next((w for w in windows if w.starts_at <= now), None)
    upcoming = next((w for w in windows if w.starts_at > now), None)
    return IntegrationHealth(
        integration=integration,
        held_by_reason=held,
        failing_total=erred_total,
        in_flight=by_state[Delivery.State.IN_FLIGHT],
        queued=by_state[Delivery.State.QUEUED],
        failing_by_kind=failing,
        window=running,
        next_window=upcoming,
        hours=_attempts_per_hour(integration=integration, now=now),
    )


def _attempts_per_hour(*, integration: Integration, now: datetime) -> list[dict]:
    """Finished attempts per UTC hour and outcome, ``HEALTH_HOURS`` buckets, one query."""
    last = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    starts = [last - HOUR * (HEALTH_HOURS - 1 - i) for i in range(HEALTH_HOURS)]
    buckets = {
        start: {"hour_start": start, **dict.fromkeys(Attempt.Outcome.values, 0)} for start in starts
    }
    rows = (
        Attempt.objects.filter(
            integration=integration,
            started_at__gte=starts[0],
            started_at__lt=last + HOUR,
            outcome__in=Attempt.Outcome.values,
        )
        .annotate(hour=TruncHour("started_at", tzinfo=UTC))
        .order_by()
        .values_list("hour", "outcome")
        .annotate(count=Count("pk"))
    )
    for hour, outcome, count in rows:
        bucket = buckets.get(hour.astimezone(UTC))
        if bucket is not None:
            bucket[outcome] = count
    return list(buckets.values())


def delivery_list(*, order: Order) -> QuerySet[Delivery]:
    """The deliveries of ``order`` (the caller has checked it may see it), each with its last
    attempt's outcome, error code and message (by attempt number: the delivery's own index)."""
    last = Attempt.objects.filter(delivery=OuterRef("pk")).order_by("-number")
    return (
        Delivery.objects.filter(order=order)
        .select_related("integration", "waits_for")
        .annotate(
            last_outcome=Subquery(last.values("outcome")[:1]),
            last_error_code=Subquery(last.values("error_code")[:1]),
            last_message=Subquery(last.values("message")[:1]),
        )
        .order_by("pk")
    )
