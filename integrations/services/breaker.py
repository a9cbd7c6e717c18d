"""The circuit breaker of each integration: count outcomes, open, take the probe, close.

States: ``closed`` (send), ``open`` (hold everything until ``breaker_probe_at``), ``half_open``
(one probe is out; hold the rest). The probe is taken with a conditional UPDATE, so among any
number of workers exactly one sends it; a probe whose worker dies is replaced once
``breaker_probe_at`` passes again (the send's lease). Whether an integration may be sent to
now is read by ``integrations.selectors.hold_reason``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from integrations.codes import BreakerChange
from integrations.models import Attempt, BreakerState, Incident, Integration
from integrations.services.incidents import integration_recovered

MAX_COOLDOWN = timedelta(hours=6)
MAX_COOLDOWN_GROWTH = 4
"""A failed probe doubles the wait before the next, up to this many times the integration's
``breaker_cooldown`` (and at most ``MAX_COOLDOWN``): a remote system back after a long outage is
noticed within that much of its return. A probe is one request; waiting longer between them
saves the remote side next to nothing and delays every held order by as much."""
BREAKER_FIELDS = [
    "breaker_state",
    "breaker_since",
    "breaker_trips",
    "breaker_probe_at",
    "breaker_reason",
    "breaker_failures",
]


def cooldown(integration: Integration, trips: int) -> timedelta:
    """The wait before the next probe: doubled for each failed probe, at most
    ``MAX_COOLDOWN_GROWTH`` times the first and at most 6 hours."""
    growth = min(2**trips, MAX_COOLDOWN_GROWTH)
    return min(integration.breaker_cooldown * growth, MAX_COOLDOWN)


def probe_take(*, integration: Integration, now: datetime) -> bool:
    """Take the breaker's probe if it is due: exactly one caller among all workers gets
    ``True`` and may send one delivery; the probe is then out until its lease passes."""
    return bool(
        Integration.objects.filter(
            pk=integration.pk,
            breaker_state__in=[BreakerState.OPEN, BreakerState.HALF_OPEN],
            breaker_probe_at__lte=now,
        ).update(
            breaker_state=BreakerState.HALF_OPEN,
            breaker_probe_at=now + integration.send_lease,
        )
    )


def breaker_close(*, integration_id: int, reason: str, now: datetime) -> bool:
    """Close an open or probing breaker (a send succeeded, or a person says the remote side
    is back); ``True`` if this closed it. One UPDATE, a no-op on a closed breaker."""
    return bool(
        Integration.objects.filter(pk=integration_id)
        .exclude(breaker_state=BreakerState.CLOSED)
        .update(
            breaker_state=BreakerState.CLOSED,
            breaker_since=now,
            breaker_reason=reason,
            breaker_failures=0,
            breaker_trips=0,
            breaker_probe_at=None,
        )
    )


def breaker_record(
    *, integration: Integration, outcome: str, message: str, now: datetime, throttled=False
) -> BreakerChange:
    """Count a send's outcome and say what it did to the breaker.

    A success or an action-required answer proves the remote system is up: it resets the
    count and closes an open breaker. A transient failure counts; the threshold-th in a row
    opens the breaker, and a failed probe re-opens it with a longer cool-down. ``integration``
    is as read just before; on the common path (a success, closed, no failures counted) this
    writes nothing. A 429 (``throttled``) is an answer too: the remote system is up, only
    busy (the pacing slows down), so it never counts as a failure.

    Whenever an answer closes the breaker or ends a streak of failures, the integration's
    incident ends and what it left behind is sent again (``incidents.integration_recovered``).
    """
    if outcome != Attempt.Outcome.TRANSIENT or throttled:
        return _answered(integration, now=now)
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    if integration.breaker_state == BreakerState.HALF_OPEN:
        _open(integration, now=now, trips=integration.breaker_trips + 1)
        integration.breaker_reason = f"probe failed: {message}"[:2000]
        integration.save(update_fields=BREAKER_FIELDS)
        return BreakerChange.OPENED
    if integration.breaker_state == BreakerState.OPEN:
        return BreakerChange.NONE
    integration.breaker_failures += 1
    if integration.breaker_failures < integration.breaker_threshold:
        integration.save(update_fields=["breaker_failures"])
        return BreakerChange.NONE
    _open(integration, now=now, trips=0)
    integration.breaker_reason = (
        f"{integration.breaker_failures} consecutive transient failures; last: {message}"
    )[:2000]
    integration.save(update_fields=BREAKER_FIELDS)
    return BreakerChange.OPENED


def _answered(integration: Integration, *, now: datetime) -> BreakerChange:
    """The remote side answered: close the breaker, or forget the failures counted."""
    if integration.breaker_state == BreakerState.CLOSED and not integration.breaker_failures:
        return BreakerChange.NONE
    if breaker_close(integration_id=integration.pk, reason="closed: a send succeeded", now=now):
        integration_recovered(integration=integration, by=Incident.End.ANSWERED)
        return BreakerChange.CLOSED
    if Integration.objects.filter(pk=integration.pk, breaker_failures__gt=0).update(
        breaker_failures=0
    ):
        integration_recovered(integration=integration, by=Incident.End.ANSWERED, slow_start=False)
    return BreakerChange.NONE


def _open(integration: Integration, *, now: datetime, trips: int) -> None:
    integration.breaker_state = BreakerState.OPEN
    integration.breaker_since = now
    integration.breaker_trips = trips
    integration.breaker_probe_at = now + cooldown(integration, trips)
