"""The circuit breaker and the maintenance gate: may a delivery be sent to its integration now?

States: ``closed`` (send), ``open`` (hold everything until ``breaker_probe_at``), ``half_open``
(one probe is out; hold the rest). The probe is taken with a conditional UPDATE, so among any
number of workers exactly one sends it; a probe whose worker dies is replaced once
``breaker_probe_at`` passes again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from integrations.models import (
    Attempt,
    BreakerState,
    HeldReason,
    Integration,
    MaintenanceWindow,
)

MAX_COOLDOWN = timedelta(hours=6)


def active_window(*, integration_id: int, now: datetime) -> MaintenanceWindow | None:
    return (
        MaintenanceWindow.objects.filter(
            integration_id=integration_id, starts_at__lte=now, ends_at__gt=now
        )
        .order_by("-ends_at")
        .first()
    )


def probe_timeout(integration: Integration) -> timedelta:
    return timedelta(seconds=integration.timeout_seconds * 2 + 30)


def gate(*, integration: Integration, now: datetime) -> str:
    """``""`` if a delivery may be sent now, else the ``HeldReason`` that holds it.

    ``integration`` is read in the claim's own query, so its breaker state is as fresh as the
    claim; a breaker that opens a moment later lets at most the sends already claimed through.
    """
    if not integration.enabled:
        return HeldReason.DISABLED
    if active_window(integration_id=integration.pk, now=now):
        return HeldReason.MAINTENANCE
    if integration.breaker_state == BreakerState.CLOSED:
        return ""
    took_probe = Integration.objects.filter(
        pk=integration.pk,
        breaker_state__in=[BreakerState.OPEN, BreakerState.HALF_OPEN],
        breaker_probe_at__lte=now,
    ).update(
        breaker_state=BreakerState.HALF_OPEN,
        breaker_probe_at=now + probe_timeout(integration),
    )
    return "" if took_probe else HeldReason.BREAKER


def cooldown(integration: Integration, trips: int) -> timedelta:
    """The wait before the next probe: doubled for each failed probe, at most 6 hours."""
    return min(integration.breaker_cooldown * (2**trips), MAX_COOLDOWN)


def breaker_record(*, integration: Integration, outcome: str, message: str, now: datetime) -> str:
    """Count a send's outcome; returns ``"opened"``, ``"closed"`` or ``""`` (no change).

    A success or an action-required answer proves the remote system is up: it resets the
    count and closes an open breaker. A transient failure counts; the threshold-th in a row
    opens the breaker, and a failed probe re-opens it with a longer cool-down. ``integration``
    is as read just before; on the common path (a success, closed, no failures counted) this
    writes nothing.
    """
    integration_id = integration.pk
    if outcome != Attempt.Outcome.TRANSIENT:
        if integration.breaker_state == BreakerState.CLOSED and not integration.breaker_failures:
            return ""
        closed = (
            Integration.objects.filter(pk=integration_id)
            .exclude(breaker_state=BreakerState.CLOSED)
            .update(
                breaker_state=BreakerState.CLOSED,
                breaker_since=now,
                breaker_reason="closed: a send succeeded",
                breaker_failures=0,
                breaker_trips=0,
                breaker_probe_at=None,
            )
        )
        if not closed:
            Integration.objects.filter(pk=integration_id, breaker_failures__gt=0).update(
                breaker_failures=0
            )
        return "closed" if closed else ""
    integration = Integration.objects.select_for_update().get(pk=integration_id)
    if integration.breaker_state == BreakerState.HALF_OPEN:
        integration.breaker_trips += 1
        integration.breaker_state = BreakerState.OPEN
        integration.breaker_since = now
        integration.breaker_probe_at = now + cooldown(integration, integration.breaker_trips)
        integration.breaker_reason = f"probe failed: {message}"[:2000]
        integration.save(update_fields=_BREAKER_FIELDS)
        return "opened"
    if integration.breaker_state == BreakerState.OPEN:
        return ""
    integration.breaker_failures += 1
    if integration.breaker_failures < integration.breaker_threshold:
        integration.save(update_fields=["breaker_failures"])
        return ""
    integration.breaker_state = BreakerState.OPEN
    integration.breaker_since = now
    integration.breaker_trips = 0
    integration.breaker_probe_at = now + cooldown(integration, 0)
    integration.breaker_reason = (
        f"{integration.breaker_failures} consecutive transient failures; last: {message}"
    )[:2000]
    integration.save(update_fields=_BREAKER_FIELDS)
    return "opened"


_BREAKER_FIELDS = [
    "breaker_state",
    "breaker_since",
    "breaker_trips",
    "breaker_probe_at",
    "breaker_reason",
    "breaker_failures",
]
