"""Deliveries waiting for something: re-queued when their task was lost, released when their
integration may be sent to again (breaker closed, maintenance window over)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import ApplicationError, Conflict, ErrorCode
from integrations.models import BreakerState, Delivery, Integration, MaintenanceWindow
from integrations.selectors import active_window
from integrations.services.alerting import alerts_breaker_closed
from integrations.services.breaker import breaker_close
from integrations.services.delivery import enqueue
from orders.models import Order, Trigger

QUEUED_GRACE = timedelta(seconds=settings.REDRIVE_QUEUED_GRACE_SECONDS)


def deliveries_reclaim_expired(*, batch_size: int = 1000, now: datetime | None = None) -> int:
    """Hand back to the workers the deliveries whose task was lost.

    Two cases: in flight past the lease (the worker died mid-send), and queued for longer than
    ``QUEUED_GRACE`` (the task message was lost, e.g. a broker restarted without persistence).
    A duplicate task is harmless: the claim lets only one through. Re-queued deliveries get a
    fresh ``next_attempt_at`` so the next sweep does not hand them out again at once.
    """
    now = now or timezone.now()
    stale = Q(state=Delivery.State.IN_FLIGHT, lease_expires_at__lt=now) | Q(
        state=Delivery.State.QUEUED, next_attempt_at__lt=now - QUEUED_GRACE
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
            transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def deliveries_release(*, integration: Integration, actor=None, limit: int | None = None) -> int:
    """Queue up to ``limit`` (default: the integration's release rate) held deliveries.

    A person's release also closes an open breaker (they know the remote side is back); it is
    refused during a maintenance window.
    """
    now = timezone.now()
    if actor is not None and not (
        actor.is_staff and actor.has_perm("integrations.change_integration")
    ):
        raise ApplicationError("Only staff can release held deliveries.", code=ErrorCode.FORBIDDEN)
    window = active_window(integration_id=integration.pk, now=now)
    if window and actor is not None:
        raise ApplicationError(
            f"{integration} is in a maintenance window until {window.ends_at:%Y-%m-%d %H:%M} "
            "UTC; its deliveries are released when the window ends.",
            conflict=Conflict.STATE,
        )
    with transaction.atomic():
        if actor is not None:
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
        ids = list(
            Delivery.objects.filter(integration=integration, state=Delivery.State.HELD)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: limit or integration.release_per_minute]
        )
        Delivery.objects.filter(pk__any=ids).update(
            state=Delivery.State.QUEUED,
            held_reason="",
            next_attempt_at=now,
            pending_trigger=Trigger.AUTOMATIC if actor is None else Trigger.USER,
            pending_actor=actor,
            modified=now,
        )
        if ids:
            transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def deliveries_release_due(*, now: datetime | None = None) -> int:
    """Release held deliveries where it is safe again, at each integration's bounded rate.

    Closed breaker and no window: release up to ``release_per_minute``. Breaker open with its
    probe due: release one delivery, which becomes the probe.
    """
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


def windows_close_ended(*, now: datetime | None = None) -> int:
    """For each window that has ended: schedule at once the orders that failed transiently
    during it (their held deliveries are released by ``deliveries_release_due``)."""
    now = now or timezone.now()
    closed = 0
    for window in MaintenanceWindow.objects.filter(ends_at__lte=now, released_at__isnull=True):
        with transaction.atomic():
            taken = MaintenanceWindow.objects.filter(pk=window.pk, released_at__isnull=True).update(
                released_at=now
            )
            if not taken:
                continue
            Order.objects.filter(
                state=Order.State.ERRED,
                failure_kind=Order.FailureKind.TRANSIENT,
                erred_at__gte=window.starts_at,
                erred_at__lte=window.ends_at,
                deliveries__integration=window.integration_id,
            ).update(next_retry_at=now)
            closed += 1
    return closed
