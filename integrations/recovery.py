"""Automatic recovery: the sweep that sends due retries, releases held deliveries and closes
maintenance windows, and the resends that follow a person's fix.

Every step claims its rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` inside a short
transaction, so any number of sweeps on any number of hosts can run at once: each row is taken
by exactly one of them, and none waits for another.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from config import metrics
from config.sql import insert_values
from integrations.alerting import alerts_breaker_closed
from integrations.breaker import active_window
from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    Integration,
    MaintenanceWindow,
    RetryClaim,
    Trigger,
)
from integrations.services import enqueue
from orders import services as order_services
from orders.errors import ApplicationError
from orders.models import Order

logger = logging.getLogger(__name__)

QUEUED_GRACE = timedelta(seconds=settings.REDRIVE_QUEUED_GRACE_SECONDS)
RETRY_CLAIM_LEASE = timedelta(seconds=settings.REDRIVE_RETRY_CLAIM_SECONDS)
CREDENTIAL_CODES = ("credentials",)
MAPPING_CODES = ("mapping_missing",)
CONFIGURATION_CODES = ("configuration",)
RESEND_ON_CHANGE = {
    "credential_env_var": CREDENTIAL_CODES,
    "endpoint_url": CREDENTIAL_CODES + CONFIGURATION_CODES,
    "mapping": MAPPING_CODES,
}


@dataclass
class SweepResult:
    claimed: int = 0  # due retries claimed and handed to the workers
    reclaimed: int = 0
    released: int = 0
    windows_closed: int = 0

    def __str__(self) -> str:
        return (
            f"claimed {self.claimed} due retries for the workers, "
            f"re-queued {self.reclaimed} deliveries whose task was lost, "
            f"released {self.released} held deliveries, "
            f"closed {self.windows_closed} maintenance windows"
        )


@metrics.observe_duration(metrics.SWEEP_SECONDS)
def sweep_due(
    *, batch_size: int = 1000, max_batches: int = 100, now: datetime | None = None
) -> SweepResult:
    """One pass of the sweep (Celery beat runs it every minute; ``manage.py retry_due``)."""
    result = SweepResult()
    for _ in range(max_batches):
        claimed = retries_claim_due(batch_size=batch_size, now=now)
        result.claimed += claimed
        if claimed < batch_size:
            break
    # A lapsed claim means nothing (an order still due was just claimed afresh): drop them.
    RetryClaim.objects.filter(expires_at__lte=now or timezone.now()).delete()
    result.reclaimed = deliveries_reclaim_expired(batch_size=batch_size, now=now)
    result.windows_closed = windows_close_ended(now=now)
    result.released = deliveries_release_due(now=now)
    if result.claimed or result.reclaimed or result.released or result.windows_closed:
        logger.info("sweep: %s", result)
    return result


def retries_claim_due(*, batch_size: int = 1000, now: datetime | None = None) -> int:
    """Claim up to ``batch_size`` erred orders whose automatic retry is due, for the workers.

    One short transaction: the query walks the partial index ``order_retry_due`` in due order,
    passes over orders another sweep has claimed and not yet let lapse, and skips rows another
    transaction holds (``SKIP LOCKED``); each order found gets a claim until
    ``RETRY_CLAIM_LEASE`` from now. After commit the batch is handed to the workers
    (``retries_hand_out``), one of which sends it again (``retries_send``). Sending them
    again here would make a sweep's batch of 1,000 as slow as a bulk resubmit of 1,000, on
    one process; the workers do it on every host at once.
    """
    now = now or timezone.now()
    claimed = RetryClaim.objects.filter(order=OuterRef("pk"), expires_at__gt=now)
    with transaction.atomic():
        due = list(
            Order.objects.filter(state=Order.State.ERRED, next_retry_at__lte=now)
            .filter(~Exists(claimed))
            .order_by("next_retry_at")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        if due:
            expires = connection.ops.adapt_datetimefield_value(now + RETRY_CLAIM_LEASE)
            quote = connection.ops.quote_name
            insert_values(
                RetryClaim,
                ["order", "expires_at"],
                [(pk, expires) for pk in due],
                on_conflict=f"ON CONFLICT ({quote('order_id')}) DO UPDATE SET "
                f"{quote('expires_at')} = EXCLUDED.{quote('expires_at')}",
            )
            transaction.on_commit(lambda: retries_hand_out(due))
    return len(due)


def retries_hand_out(order_ids: list[int]) -> None:
    """Give a batch of claimed retries to the workers (call after commit): one task, which
    sends them again in one set-based transaction, as a bulk resubmit does."""
    from integrations.tasks import send_again

    send_again.apply_async((order_ids,), argsrepr=f"[{len(order_ids)} orders]")


def retries_send(*, order_ids: list[int], now: datetime | None = None) -> int:
    """A worker sends again the claimed retries of ``order_ids`` that are still due, and
    removes their claims; returns how many it sent. An order a person retried meanwhile is
    left alone; one another transaction holds goes back to the sweep (its claim is removed
    too, so the next sweep finds it)."""
    now = now or timezone.now()
    with transaction.atomic():
        sent = order_services.orders_send_again(
            order_ids=order_ids, actor=None, trigger=Trigger.AUTOMATIC, due_by=now
        )
        RetryClaim.objects.filter(order_id__any=order_ids).delete()
    return len(sent)


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
        raise ApplicationError("Only staff can release held deliveries.", code="forbidden")
    window = active_window(integration_id=integration.pk, now=now)
    if window and actor is not None:
        raise ApplicationError(
            f"{integration} is in a maintenance window until {window.ends_at:%Y-%m-%d %H:%M} "
            "UTC; its deliveries are released when the window ends.",
            code="conflict",
        )
    with transaction.atomic():
        if actor is not None:
            closed = (
                Integration.objects.filter(pk=integration.pk)
                .exclude(breaker_state=BreakerState.CLOSED)
                .update(
                    breaker_state=BreakerState.CLOSED,
                    breaker_since=now,
                    breaker_reason=f"closed by {actor.get_username()} (released held deliveries)",
                    breaker_failures=0,
                    breaker_trips=0,
                    breaker_probe_at=None,
                )
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


def orders_waiting_on(*, integration: Integration, error_codes: tuple[str, ...]):
    """Erred, action-required orders whose last attempt at ``integration`` failed with one of
    ``error_codes``."""
    last_code = (
        Attempt.objects.filter(order=OuterRef("pk"), integration=integration)
        .order_by("-started_at", "-pk")
        .values("error_code")[:1]
    )
    return (
        Order.objects.filter(
            state=Order.State.ERRED,
            failure_kind=Order.FailureKind.ACTION_REQUIRED,
            offering__integration=integration,
        )
        .annotate(last_error_code=Subquery(last_code))
        .filter(last_error_code__in=error_codes)
    )


def integration_fixed(*, integration: Integration, changed: set[str], actor=None) -> int:
    """An integration's credentials, endpoint or mapping changed: resend the orders that
    were waiting on that kind of error. Returns how many were sent again."""
    codes = tuple(sorted({code for name in changed for code in RESEND_ON_CHANGE.get(name, ())}))
    if not codes:
        return 0
    result = order_services.orders_resubmit(
        orders=orders_waiting_on(integration=integration, error_codes=codes),
        actor=None,
        trigger=Trigger.EDIT,
    )
    logger.info(
        "integration %s changed (%s): resent %s orders waiting on %s",
        integration.pk,
        ", ".join(sorted(changed)),
        result.resubmitted,
        ", ".join(codes),
    )
    return result.resubmitted


__all__ = [
    "RETRY_CLAIM_LEASE",
    "SweepResult",
    "deliveries_release",
    "integration_fixed",
    "orders_waiting_on",
    "retries_claim_due",
    "retries_hand_out",
    "retries_send",
    "sweep_due",
]
