"""Deliveries waiting for something: re-queued when their task was lost, released when their
integration may be sent to again (breaker closed, maintenance window over, a person's
release). What an incident's end sends again is ``incidents.incident_release``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import ApplicationError, Conflict, ErrorCode
from integrations.models import BreakerState, Delivery, Incident, Integration, MaintenanceWindow
from integrations.pacing import Lane, pace
from integrations.selectors import active_window
from integrations.services.alerting import alerts_breaker_closed
from integrations.services.breaker import breaker_close
from integrations.services.delivery import enqueue, lane_of
from integrations.services.incidents import held_release, incident_end, incident_release
from integrations.tasks import deliver
from orders.models import Trigger

QUEUED_GRACE = timedelta(seconds=settings.REDRIVE_QUEUED_GRACE_SECONDS)


def deliveries_reclaim_expired(*, batch_size: int = 1000, now: datetime | None = None) -> int:
    """Hand back to the workers the deliveries whose task was lost.

    Two cases: in flight past the lease (the worker died mid-send), and queued for longer than
    ``QUEUED_GRACE`` while their lane's queue on the broker is empty (the task message was
    lost, e.g. a broker restarted without persistence). A delivery queued long on a lane whose
    queue still holds messages is waiting for a busy worker, not lost, and is left alone. A
    duplicate task is harmless: the claim lets only one through. Re-queued deliveries get a
    fresh ``next_attempt_at`` so the next sweep does not hand them out again at once.
    """
    now = now or timezone.now()
    stale = Q(state=Delivery.State.IN_FLIGHT, lease_expires_at__lt=now)
    idle = [lane for lane in Lane if not lane_waiting(lane)]
    triggers = [trigger for trigger in Trigger.values if lane_of(trigger) in idle]
    if triggers:
        stale |= Q(
            state=Delivery.State.QUEUED,
            next_attempt_at__lt=now - QUEUED_GRACE,
            pending_trigger__in=triggers,
        )
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(stale, integration__backend=Integration.Backend.HTTP_PUSH)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        Delivery.objects.filter(pk__any=ids, state=Delivery.State.QUEUED).update(
            next_attempt_at=now
        )
        if ids:
            transaction.on_commit(lambda: enqueue(ids, lane=Lane.RECOVERY))
    return len(ids)


def lane_waiting(lane: Lane) -> bool:
    """Does the lane's queue on the broker hold task messages (workers are busy)? ``False``
    when the broker cannot say."""
    try:
        with deliver.app.connection_for_read() as connection:
            queue = settings.REDRIVE_LANE_QUEUES[lane]
            declared = connection.default_channel.queue_declare(queue=queue, passive=True)
            return bool(declared.message_count)
    except Exception:  # the broker could not be asked: treat the lane as idle, as before
        return False


def deliveries_release(*, integration: Integration, actor=None, limit: int | None = None) -> int:
    """Release held deliveries: all of them, or ``limit`` (the breaker's probe). Returns how
    many were queued.

    A person's release (``actor``) also closes an open breaker (they know the remote side is
    back), ends the integration's incident and sends again the orders that failed transiently
    during it; it is refused during a maintenance window. Everything released goes out on the
    recovery lane, at the integration's pace.
    """
    now = timezone.now()
    if actor is None:
        return held_release(integration=integration, limit=limit)
    if not (actor.is_staff and actor.has_perm("integrations.change_integration")):
        raise ApplicationError("Only staff can release held deliveries.", code=ErrorCode.FORBIDDEN)
    window = active_window(integration_id=integration.pk, now=now)
    if window:
        raise ApplicationError(
            f"{integration} is in a maintenance window until {window.ends_at:%Y-%m-%d %H:%M} "
            "UTC; its deliveries are released when the window ends.",
            conflict=Conflict.STATE,
        )
    with transaction.atomic():
        closed = breaker_close(
            integration_id=integration.pk,
            reason=f"closed by {actor.get_username()} (released held deliveries)",
            now=now,
        )
        if closed:
            alerts_breaker_closed(
                integration=integration,
                reason=f"circuit breaker closed by {actor.get_username()}",
                actor=actor,
            )
        incident = incident_end(integration_id=integration.pk, by=Incident.End.PERSON, now=now)
    pace().restart(integration.pk)
    return incident_release(integration=integration, incident=incident, actor=actor).held


def deliveries_release_due(*, now: datetime | None = None) -> int:
    """Release held deliveries where it is safe again: all of them where the breaker is closed
    and no window runs (what an incident's release has not taken yet); one, the probe, where
    the breaker's probe is due."""
    now = now or timezone.now()
    released = 0
    integrations = Integration.objects.filter(
        enabled=True, deliveries__state=Delivery.State.HELD
    ).distinct()
    for integration in integrations:
        if active_window(integration_id=integration.pk, now=now):
            continue
        if integration.breaker_state == BreakerState.CLOSED:
            released += deliveries_release(integration=integration)
        elif integration.breaker_probe_at and integration.breaker_probe_at <= now:
            released += deliveries_release(integration=integration, limit=1)
    return released


def windows_close_ended(*, now: datetime | None = None) -> tuple[int, int]:
    """For each window that has ended: end the integration's incident and send again at once
    what the window held and the orders that failed transiently during it. Returns how many
    windows closed and how many deliveries and orders they released."""
    now = now or timezone.now()
    closed = released = 0
    for window in MaintenanceWindow.objects.filter(
        ends_at__lte=now, released_at__isnull=True
    ).select_related("integration"):
        with transaction.atomic():
            taken = MaintenanceWindow.objects.filter(pk=window.pk, released_at__isnull=True).update(
                released_at=now
            )
            if not taken:
                continue
            incident = incident_end(
                integration_id=window.integration_id, by=Incident.End.WINDOW, now=now
            )
        if active_window(integration_id=window.integration_id, now=now):
            closed += 1  # another window follows at once: it releases when it ends
            continue
        pace().restart(window.integration_id)
        since = min(window.starts_at, incident.started_at) if incident else window.starts_at
        released += incident_release(
            integration=window.integration, incident=incident, since=since
        ).total
        closed += 1
    return closed, released


def releases_due(*, now: datetime | None = None) -> int:
    """What the release tick does every few seconds (Celery beat, ``releases-due``): end the
    windows that have ended and release what they held, and let due probes go. Cheap when
    there is nothing to do: two indexed queries."""
    closed, released = windows_close_ended(now=now)
    return closed + released + deliveries_release_due(now=now)
