"""Every write to deliveries and attempts: queue, claim, send, record.

A delivery's life: ``deliveries_queue`` (inside the transaction that moved its order to
``executing``) -> the ``deliver`` task after commit -> ``delivery_send``: claim it with
``SKIP LOCKED`` and a lease, write the attempt, send outside any transaction, then record the
result in one transaction: the order goes ``done``, or ``erred`` with what happens next (an
automatic retry at a time the policy chose, nothing until a person acts, or given up), or the
delivery is ``held`` while the integration's breaker is open or it is in maintenance.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import NotSupportedError, connection, transaction
from django.db.models import DateTimeField, F, Func, IntegerField, Q, UUIDField, Value
from django.utils import timezone

from config import metrics
from integrations import backends
from integrations.backends import SendResult
from integrations.breaker import active_window, breaker_record, gate
from integrations.models import Attempt, Delivery, HeldReason, Integration, Trigger
from integrations.policy import next_retry
from orders import services as order_services
from orders.errors import ApplicationError
from orders.models import Order

logger = logging.getLogger(__name__)

PUSHED = (Integration.Backend.HTTP_PUSH, Integration.Backend.SITE_AGENT)
TASK_CHUNK = 20
LEASE_GRACE = timedelta(seconds=30)
ABANDONED = "abandoned: the worker stopped before recording a result; reclaimed after its lease"
QUEUE_FIELDS = [
    "state",
    "next_attempt_at",
    "pending_trigger",
    "pending_actor",
    "lease_expires_at",
    "held_reason",
    "modified",
]
NEW_CYCLE_FIELDS = ["first_failed_at", "counted_attempts"]


class RandomKey(Func):
    """A fresh random 128-bit idempotency key, made by the database for each row."""

    output_field = UUIDField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"No random key function for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra):
        return "gen_random_uuid()", []

    def as_sqlite(self, compiler, connection, **extra):
        return "lower(hex(randomblob(16)))", []


def deliveries_queue(*, order_ids: list[int], trigger: str, actor) -> list[int]:
    """Queue a delivery for each order whose offering has a push or agent integration.

    One ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` for the whole list, built by the
    database from the orders: a new delivery gets a fresh idempotency key, an existing one (a
    retry) keeps its key and goes back to ``queued``. A person's retry (any trigger but
    ``automatic``) starts a fresh retry cycle: the give-up clock and the count restart. HTTP
    push deliveries are handed to the worker after commit, in chunks; agent deliveries wait
    for their agent to pull them. The caller holds the orders' rows (it just changed them), so
    no other transaction upserts the same deliveries meanwhile.
    """
    now = timezone.now()
    backends = dict(
        Integration.objects.filter(enabled=True, backend__in=PUSHED).values_list("pk", "backend")
    )
    if not backends or not order_ids:
        return []
    values = {
        "order": F("pk"),
        "integration": F("offering__integration_id"),
        "state": Value(Delivery.State.QUEUED.value),
        "idempotency_key": RandomKey(),
        "external_id": Value(""),
        "next_attempt_at": Value(now, output_field=DateTimeField()),
        "lease_expires_at": Value(None, output_field=DateTimeField()),
        "attempt_count": Value(0),
        "pending_trigger": Value(str(trigger)),
        "pending_actor": Value(
            actor.pk if actor is not None else None, output_field=IntegerField()
        ),
        "first_failed_at": Value(None, output_field=DateTimeField()),
        "counted_attempts": Value(0),
        "held_reason": Value(""),
        "created": Value(now, output_field=DateTimeField()),
        "modified": Value(now, output_field=DateTimeField()),
    }
    source = (
        Order.objects.filter(pk__in=order_ids, offering__integration__in=list(backends))
        .order_by()
        .values_list(*values.values())
    )
    select, params = source.query.sql_with_params()
    quote = connection.ops.quote_name
    column = {name: quote(Delivery._meta.get_field(name).column) for name in values}
    refreshed = QUEUE_FIELDS if trigger == Trigger.AUTOMATIC else QUEUE_FIELDS + NEW_CYCLE_FIELDS
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Delivery._meta.db_table)} ({', '.join(column.values())}) "
            f"{select} ON CONFLICT ({column['order']}, {column['integration']}) DO UPDATE SET "
            + ", ".join(f"{column[name]} = EXCLUDED.{column[name]}" for name in refreshed)
            + f" RETURNING {quote('id')}, {column['integration']}",
            params,
        )
        upserted = cursor.fetchall()
    to_send = sorted(
        pk
        for pk, integration_id in upserted
        if backends[integration_id] == Integration.Backend.HTTP_PUSH
    )
    if to_send:
        transaction.on_commit(lambda: enqueue(to_send))
    return to_send


def enqueue(delivery_ids: list[int]) -> None:
    """Hand deliveries to the workers (call after commit), all through one broker
    connection and producer rather than one checkout per task."""
    from integrations.tasks import deliver

    with deliver.app.producer_or_acquire() as producer:
        for start in range(0, len(delivery_ids), TASK_CHUNK):
            deliver.apply_async((delivery_ids[start : start + TASK_CHUNK],), producer=producer)


def _hold(delivery: Delivery, reason: str) -> None:
    delivery.state = Delivery.State.HELD
    delivery.held_reason = reason
    delivery.lease_expires_at = None
    delivery.save(update_fields=["state", "held_reason", "lease_expires_at", "modified"])


def delivery_claim(*, delivery_id: int) -> Attempt | None:
    """Take a delivery for sending; ``None`` if it is not ours to send now.

    ``SKIP LOCKED`` makes a second worker pass over a row the first is claiming, and the state
    check makes a second run of the same task a no-op: a succeeded delivery is never sent
    again, and an in-flight one only after its lease has expired (its worker died). While the
    integration is in maintenance or its breaker is open, the delivery is held instead.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("integration", "order__offering", "order__consumer_organization")
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
                extra={
                    "order_number": delivery.order.number,
                    "order_uuid": str(delivery.order.uuid),
                    "delivery": delivery.pk,
                    "integration": delivery.integration.name,
                    "attempt": None,
                    "trigger": delivery.pending_trigger,
                },
            )
            return None
        if delivery.state == Delivery.State.IN_FLIGHT:
            delivery.attempts.filter(outcome="").update(
                outcome=Attempt.Outcome.TRANSIENT,
                finished_at=now,
                error_code="abandoned",
                message=ABANDONED,
                counts_toward_give_up=False,
            )
        held = gate(integration=delivery.integration, now=now)
        if held:
            _hold(delivery, held)
            return None
        lease = timedelta(seconds=delivery.integration.timeout_seconds) * 2 + LEASE_GRACE
        delivery.state = Delivery.State.IN_FLIGHT
        delivery.lease_expires_at = now + lease
        delivery.held_reason = ""
        delivery.attempt_count += 1
        delivery.save(
            update_fields=["state", "lease_expires_at", "held_reason", "attempt_count", "modified"]
        )
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
    order = delivery.order
    result = backends.http_push(
        delivery.integration,
        backends.order_payload(order, mapping=delivery.integration.mapping),
        str(delivery.idempotency_key),
        client=client,
    )
    return attempt_record(attempt=attempt, result=result)


def attempt_record(*, attempt: Attempt, result: SendResult) -> Attempt:
    """Close an attempt with its result and decide what happens to the delivery and order.

    If the delivery was reclaimed meanwhile (this worker outlived its lease), the result is
    still kept on the attempt, but the newer attempt decides the order.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("integration")
            .get(pk=attempt.delivery_id)
        )
        _close(attempt, result, now)
        metrics.attempt_observed(attempt=attempt)
        if delivery.attempt_count != attempt.number or delivery.state != Delivery.State.IN_FLIGHT:
            attempt.save()
            logger.warning(
                "delivery %s: attempt %s finished after it was reclaimed",
                delivery.pk,
                attempt.number,
                extra={
                    "order_number": attempt.order.number,
                    "order_uuid": str(attempt.order.uuid),
                    "delivery": delivery.pk,
                    "integration": delivery.integration.name,
                    "attempt": attempt.number,
                    "trigger": attempt.trigger,
                    "outcome": result.outcome,
                },
            )
            return attempt
        breaker = breaker_record(
            integration=delivery.integration,
            outcome=result.outcome,
            message=result.summary,
            now=now,
        )
        order = Order.objects.select_related("offering").get(pk=delivery.order_id)
        if result.outcome == Attempt.Outcome.SUCCESS:
            _succeeded(delivery, attempt, order, result)
        elif result.outcome == Attempt.Outcome.TRANSIENT:
            _failed_transiently(
                delivery, attempt, order, result, now, breaker_opened=breaker == "opened"
            )
        else:
            _finish(delivery, Delivery.State.FAILED, result)
            attempt.decision = (
                "no automatic retry: a person must act (edit the order or fix the integration)"
            )
            _fail_order(order, attempt, result, kind=Order.FailureKind.ACTION_REQUIRED)
        attempt.save()
        _notify(attempt, breaker=breaker)
        if breaker == "closed":
            from integrations.recovery import deliveries_release

            deliveries_release(integration=delivery.integration, actor=None)
    logger.info(
        "attempt %s of delivery %s (order %s %s, integration %s, trigger %s): %s %s; %s",
        attempt.number,
        delivery.pk,
        order.number,
        order.uuid,
        delivery.integration_id,
        attempt.trigger,
        result.outcome,
        result.summary,
        attempt.decision,
        extra={
            "order_number": order.number,
            "order_uuid": str(order.uuid),
            "delivery": delivery.pk,
            "integration": delivery.integration.name,
            "attempt": attempt.number,
            "trigger": attempt.trigger,
            "outcome": result.outcome,
        },
    )
    return attempt


def _close(attempt: Attempt, result: SendResult, now) -> None:
    attempt.finished_at = now
    attempt.outcome = result.outcome
    attempt.remote_status = result.remote_status
    attempt.error_code = result.error_code
    attempt.message = result.message
    attempt.traceback = result.traceback
    attempt.retry_after_seconds = result.retry_after_seconds


def _finish(delivery: Delivery, state: str, result: SendResult) -> None:
    delivery.state = state
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
            "first_failed_at",
            "counted_attempts",
            "modified",
        ]
    )


def _details(attempt: Attempt, result: SendResult) -> dict:
    return {
        "attempt": attempt.pk,
        "outcome": result.outcome,
        "trigger": attempt.trigger,
        "decision": attempt.decision,
    }


def _succeeded(delivery, attempt, order, result) -> None:
    delivery.first_failed_at = None
    delivery.counted_attempts = 0
    _finish(delivery, Delivery.State.SUCCEEDED, result)
    attempt.decision = "done"
    if order.state == Order.State.EXECUTING:
        order_services.order_complete(order=order, details=_details(attempt, result))
    else:
        attempt.decision = f"done remotely; the order was already {order.state}"


def _fail_order(order, attempt, result, *, kind, next_retry_at=None) -> None:
    if order.state != Order.State.EXECUTING:
        attempt.decision += f" (the order was already {order.state}; left as it is)"
        return
    order_services.order_fail(
        order=order,
        message=result.summary,
        traceback=result.traceback,
        kind=kind,
        next_retry_at=next_retry_at,
        details=_details(attempt, result),
    )


def _failed_transiently(delivery, attempt, order, result, now, *, breaker_opened: bool) -> None:
    window = active_window(integration_id=delivery.integration_id, now=attempt.started_at) or (
        active_window(integration_id=delivery.integration_id, now=now)
    )
    if window:
        attempt.counts_toward_give_up = False
        attempt.decision = f"held: maintenance window until {window.ends_at:%Y-%m-%d %H:%M} UTC"
        _hold(delivery, HeldReason.MAINTENANCE)
        return
    integration = Integration.objects.get(pk=delivery.integration_id)
    if integration.breaker_state != "closed":
        attempt.counts_toward_give_up = breaker_opened
        attempt.decision = (
            "held: this failure opened the circuit breaker"
            if breaker_opened
            else "held: the circuit breaker is open"
        )
        if breaker_opened:
            delivery.counted_attempts += 1
            delivery.first_failed_at = delivery.first_failed_at or now
            delivery.save(update_fields=["counted_attempts", "first_failed_at"])
        _hold(delivery, HeldReason.BREAKER)
        return
    delivery.counted_attempts += 1
    delivery.first_failed_at = delivery.first_failed_at or now
    decision = next_retry(
        integration,
        counted_attempts=delivery.counted_attempts,
        first_failed_at=delivery.first_failed_at,
        now=now,
        retry_after_seconds=result.retry_after_seconds,
    )
    attempt.decision = decision.reason
    _finish(delivery, Delivery.State.FAILED, result)
    if decision.exhausted:
        _fail_order(order, attempt, result, kind=Order.FailureKind.EXHAUSTED)
    else:
        delivery.next_attempt_at = decision.retry_at
        delivery.save(update_fields=["next_attempt_at"])
        _fail_order(
            order,
            attempt,
            result,
            kind=Order.FailureKind.TRANSIENT,
            next_retry_at=decision.retry_at,
        )


def _notify(attempt: Attempt, *, breaker: str) -> None:
    """Alerts for what a person should know; see the alerts app."""
    from integrations.alerting import alerts_for_attempt

    alerts_for_attempt(attempt=attempt, breaker=breaker)


def agent_report(*, integration: Integration, order: Order, result: SendResult) -> Attempt:
    """A site agent reports the result of an order it fulfilled."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(order=order, integration=integration)
            .first()
        )
        reportable = (Delivery.State.QUEUED, Delivery.State.IN_FLIGHT)
        if (
            delivery is None
            or order.state != Order.State.EXECUTING
            or delivery.state not in reportable
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
