"""Due automatic retries: the sweep finds and claims them, a worker sends them again; an
optional delivery's own retry is queued by the sweep (``deliveries_retry_due``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.sql import insert_values
from integrations.models import Delivery, Integration, RetryClaim
from integrations.pacing import Lane
from integrations.services.delivery import enqueue
from integrations.tasks import send_again
from orders import services as order_services
from orders.models import Order, Trigger

RETRY_CLAIM_LEASE = timedelta(seconds=settings.REDRIVE_RETRY_CLAIM_SECONDS)


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


def deliveries_retry_due(*, batch_size: int = 1000, now: datetime | None = None) -> int:
    """Queue again the optional deliveries whose automatic retry is due, on the recovery lane
    (a required delivery is retried with its order, by ``retries_claim_due``). One short
    transaction on the partial index ``delivery_optional_retry_due``; rows another transaction
    holds are left to the next sweep. Returns how many were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.filter(
                state=Delivery.State.FAILED, required=False, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", "integration__backend")[:batch_size]
        )
        if not due:
            return 0
        Delivery.objects.filter(pk__any=[pk for pk, _ in due]).update(
            state=Delivery.State.QUEUED,
            next_attempt_at=now,
            lease_expires_at=None,
            pending_trigger=Trigger.AUTOMATIC,
            pending_actor=None,
            pending_incident=None,
            modified=now,
        )
        to_send = [pk for pk, backend in due if backend == Integration.Backend.HTTP_PUSH]
        if to_send:
            transaction.on_commit(lambda: enqueue(to_send, lane=Lane.RECOVERY))
    return len(due)
