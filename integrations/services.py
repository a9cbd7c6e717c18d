"""Every write to deliveries and attempts: queue, claim, send, record.

A delivery's life: ``deliveries_queue`` (inside the transaction that moved its order to
``executing``) -> the ``deliver`` task after commit -> ``delivery_send``: claim it with
``SKIP LOCKED`` and a lease, write the attempt, send outside any transaction, then record the
result and move the order to ``done`` or ``erred`` in one transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations import backends
from integrations.backends import SendResult
from integrations.models import Attempt, Delivery, Integration, Trigger
from orders import services as order_services
from orders.errors import ApplicationError
from orders.models import Order

logger = logging.getLogger(__name__)

PUSHED = (Integration.Backend.HTTP_PUSH, Integration.Backend.SITE_AGENT)
TASK_CHUNK = 20
LEASE_GRACE = timedelta(seconds=30)
ABANDONED = "abandoned: the worker stopped before recording a result; reclaimed after its lease"


def deliveries_queue(*, order_ids: list[int], trigger: str, actor) -> list[int]:
    """Queue a delivery for each order whose offering has a push or agent integration.

    One upsert for the whole list: a new delivery gets a fresh idempotency key, an existing
    one (a retry) keeps its key and goes back to ``queued``. HTTP push deliveries are handed
    to the worker after commit, in chunks; agent deliveries wait for their agent to pull them.
    """
    now = timezone.now()
    targets = list(
        Order.objects.filter(
            pk__in=order_ids,
            offering__integration__backend__in=PUSHED,
            offering__integration__enabled=True,
        ).values_list("pk", "offering__integration_id", "offering__integration__backend")
    )
    if not targets:
        return []
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                order_id=order_id,
                integration_id=integration_id,
                state=Delivery.State.QUEUED,
                next_attempt_at=now,
                pending_trigger=trigger,
                pending_actor=actor,
                lease_expires_at=None,
            )
            for order_id, integration_id, _ in targets
        ],
        update_conflicts=True,
        unique_fields=["order", "integration"],
        update_fields=[
            "state",
            "next_attempt_at",
            "pending_trigger",
            "pending_actor",
            "lease_expires_at",
            "modified",
        ],
    )
    pushed_orders = {pk for pk, _, backend in targets if backend == Integration.Backend.HTTP_PUSH}
    to_send = [d.pk for d in deliveries if d.order_id in pushed_orders]
    if to_send:
        transaction.on_commit(lambda: _enqueue(to_send))
    return to_send


def _enqueue(delivery_ids: list[int]) -> None:
    from integrations.tasks import deliver

    for start in range(0, len(delivery_ids), TASK_CHUNK):
        deliver.delay(delivery_ids[start : start + TASK_CHUNK])


def delivery_claim(*, delivery_id: int) -> Attempt | None:
    """Take a delivery for sending; ``None`` if it is not ours to send.

    ``SKIP LOCKED`` makes a second worker pass over a row the first is claiming, and the state
    check makes a second run of the same task a no-op: a succeeded delivery is never sent
    again, and an in-flight one only after its lease has expired (its worker died).
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("integration", "order")
            .filter(pk=delivery_id)
            .filter(
                Q(state=Delivery.State.QUEUED)
                | Q(state=Delivery.State.IN_FLIGHT, lease_expires_at__lt=now)
            )
            .first()
        )
        if delivery is None:
            return None
        if delivery.order.state != Order.State.EXECUTING:
            delivery.state = Delivery.State.FAILED
            delivery.save(update_fields=["state", "modified"])
            logger.info(
                "delivery %s: order %s is %s, not sent",
                delivery.pk,
                delivery.order.number,
                delivery.order.state,
            )
            return None
        if delivery.state == Delivery.State.IN_FLIGHT:
            delivery.attempts.filter(outcome="").update(
                outcome=Attempt.Outcome.TRANSIENT,
                finished_at=now,
                error_code="abandoned",
                message=ABANDONED,
            )
        lease = timedelta(seconds=delivery.integration.timeout_seconds) * 2 + LEASE_GRACE
        delivery.state = Delivery.State.IN_FLIGHT
        delivery.lease_expires_at = now + lease
        delivery.attempt_count += 1
        delivery.save(update_fields=["state", "lease_expires_at", "attempt_count", "modified"])
        return Attempt.objects.create(
            delivery=delivery,
            order=delivery.order,
            integration=delivery.integration,
            number=delivery.attempt_count,
            trigger=delivery.pending_trigger,
            actor_id=delivery.pending_actor_id,
            started_at=now,
        )


def delivery_send(*, delivery_id: int, client=None) -> Attempt | None:
    """Claim, send and record one delivery. Safe to run twice or on several workers."""
    attempt = delivery_claim(delivery_id=delivery_id)
    if attempt is None:
        return None
    delivery = attempt.delivery
    order = Order.objects.select_related("offering", "consumer_organization").get(
        pk=delivery.order_id
    )
    result = backends.http_push(
        delivery.integration,
        backends.order_payload(order),
        str(delivery.idempotency_key),
        client=client,
    )
    return attempt_record(attempt=attempt, result=result)


def attempt_record(*, attempt: Attempt, result: SendResult) -> Attempt:
    """Close an attempt with its result and move the delivery and the order accordingly.

    If the delivery was reclaimed meanwhile (this worker outlived its lease), the result is
    still kept on the attempt, but the newer attempt decides the order.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=attempt.delivery_id)
        attempt.finished_at = now
        attempt.outcome = result.outcome
        attempt.remote_status = result.remote_status
        attempt.error_code = result.error_code
        attempt.message = result.message
        attempt.traceback = result.traceback
        attempt.retry_after_seconds = result.retry_after_seconds
        attempt.save()
        if delivery.attempt_count != attempt.number or delivery.state != Delivery.State.IN_FLIGHT:
            logger.warning(
                "delivery %s: attempt %s finished after it was reclaimed",
                delivery.pk,
                attempt.number,
            )
            return attempt
        success = result.outcome == Attempt.Outcome.SUCCESS
        delivery.state = Delivery.State.SUCCEEDED if success else Delivery.State.FAILED
        delivery.lease_expires_at = None
        delivery.next_attempt_at = None
        if result.external_id:
            delivery.external_id = result.external_id
        delivery.save(
            update_fields=[
                "state",
                "lease_expires_at",
                "next_attempt_at",
                "external_id",
                "modified",
            ]
        )
        order = Order.objects.select_related("offering").get(pk=delivery.order_id)
        details = {"attempt": attempt.pk, "outcome": result.outcome, "trigger": attempt.trigger}
        if order.state != Order.State.EXECUTING:
            logger.info(
                "delivery %s: order %s is %s; result kept on the attempt only",
                delivery.pk,
                order.number,
                order.state,
            )
        elif success:
            order_services.order_complete(order=order, details=details)
        else:
            order_services.order_fail(
                order=order,
                message=result.summary,
                traceback=result.traceback,
                kind=result.outcome,
                details=details,
            )
    logger.info(
        "attempt %s of delivery %s (order %s %s): %s %s",
        attempt.number,
        delivery.pk,
        order.number,
        order.uuid,
        result.outcome,
        result.summary,
    )
    return attempt


def agent_report(*, integration: Integration, order: Order, result: SendResult) -> Attempt:
    """A site agent reports the result of an order it fulfilled."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(order=order, integration=integration)
            .first()
        )
        if (
            delivery is None
            or order.state != Order.State.EXECUTING
            or delivery.state
            not in (
                Delivery.State.QUEUED,
                Delivery.State.IN_FLIGHT,
            )
        ):
            raise ApplicationError(
                f"Order {order.number} is {order.state}: there is nothing to report for it.",
                code="conflict",
            )
        delivery.state = Delivery.State.IN_FLIGHT
        delivery.attempt_count += 1
        delivery.save(update_fields=["state", "attempt_count", "modified"])
        attempt = Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=integration,
            number=delivery.attempt_count,
            trigger=Trigger.AGENT,
            started_at=now,
        )
        return attempt_record(attempt=attempt, result=result)
