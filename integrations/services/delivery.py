"""Queue, claim and send: a delivery from its order entering ``executing`` to the remote
system's answer.

``deliveries_queue`` runs inside the transaction that moved the orders to ``executing``; the
``deliver`` task calls ``delivery_send`` after commit: claim the delivery with ``SKIP LOCKED``
and a lease, write the attempt, send outside any transaction, then record the result
(``integrations.services.outcomes``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import NotSupportedError, connection, transaction
from django.db.models import DateTimeField, F, Func, IntegerField, Q, UUIDField, Value
from django.utils import timezone

from integrations import backends
from integrations.breaker import gate
from integrations.models import Attempt, Delivery, Integration, Trigger
from integrations.services.outcomes import attempt_record, hold, send_log_fields
from orders.models import Order

logger = logging.getLogger("integrations.services")  # one logger name for every send line

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
                extra=send_log_fields(delivery, delivery.order, None),
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
            hold(delivery, held)
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
