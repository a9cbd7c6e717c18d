"""Queue: a delivery for each route of each order entering ``executing``, handed to the
workers.

``deliveries_queue`` runs inside the transaction that moved the orders to ``executing``; after
commit ``enqueue`` hands the deliveries to the ``deliver`` task in chunks, which claims, sends
and records them (``integrations.services.sending``). A delivery whose route waits for
another is made ``waiting`` and queued when that one succeeds (``deliveries_unblock``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Exists, F, IntegerField, OuterRef, Value, When
from django.utils import timezone

from core.sql import RandomKey, insert_select
from integrations.models import Delivery, Integration
from integrations.pacing import Lane
from integrations.tasks import deliver
from orders.models import Order, Trigger

PUSHED = (Integration.Backend.HTTP_PUSH, Integration.Backend.SITE_AGENT)
TASK_CHUNK = settings.REDRIVE_DELIVERIES_PER_TASK
QUEUE_FIELDS = [
    "state",
    "next_attempt_at",
    "pending_trigger",
    "pending_actor",
    "pending_incident",
    "lease_expires_at",
    "held_reason",
    "modified",
]
NEW_CYCLE_FIELDS = ["first_failed_at", "counted_attempts"]
FIRST_LANE_TRIGGERS = (Trigger.USER, Trigger.EDIT)


def orders_executing_received(
    *, order_ids: list[int], trigger: str, actor, integration_ids=None, **signal
) -> None:
    """The receiver of ``orders.signals.orders_executing`` (connected at ready())."""
    deliveries_queue(
        order_ids=order_ids, trigger=trigger, actor=actor, integration_ids=integration_ids
    )


def deliveries_queue(
    *, order_ids: list[int], trigger: str, actor, integration_ids: list[int] | None = None
) -> list[int]:
    """Queue a delivery for each route of each order to a push or agent integration (with
    ``integration_ids``, only the routes to those).

    One ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` for the whole list, built by the
    database from the orders and their offerings' routes: a new delivery gets a fresh
    idempotency key, and is ``waiting`` if its route waits for another whose delivery has not
    succeeded yet. An existing one (a retry) is queued again only if it failed, keeping its
    key: a delivery that succeeded is never sent again, one under way is left to its worker,
    one waiting to what it waits for. A person's retry (any trigger but ``automatic``) starts
    a fresh retry cycle: the give-up clock and the count restart. HTTP push deliveries are
    handed to the worker after commit, in chunks; agent deliveries wait for their agent to pull
    them. The caller holds the orders' rows (it just changed them), so no other transaction
    upserts the same deliveries meanwhile.
    """
    backends = dict(
        Integration.objects.filter(enabled=True, backend__in=PUSHED).values_list("pk", "backend")
    )
    if integration_ids is not None:
        backends = {pk: backend for pk, backend in backends.items() if pk in set(integration_ids)}
    if not backends or not order_ids:
        return []
    upserted = _upsert(order_ids, list(backends), trigger=trigger, actor=actor)
    to_send = sorted(
        pk
        for pk, integration_id, state in upserted
        if backends[integration_id] == Integration.Backend.HTTP_PUSH
        and state == Delivery.State.QUEUED
    )
    if to_send:
        lane = lane_of(trigger)
        transaction.on_commit(lambda: enqueue(to_send, lane=lane))
    return to_send


def _upsert(order_ids: list[int], integration_ids: list[int], *, trigger: str, actor):
    """The one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``; returns (delivery id,
    integration id, state) of each delivery made or queued again."""
    now = timezone.now()
    prerequisite_done = Delivery.objects.filter(
        order_id=OuterRef("pk"),
        integration_id=OuterRef("offering__routes__after__integration_id"),
        state=Delivery.State.SUCCEEDED,
    )
    values = {
        "order": F("pk"),
        "integration": F("offering__routes__integration_id"),
        "state": Case(
            When(offering__routes__after__isnull=True, then=Value(Delivery.State.QUEUED.value)),
            When(Exists(prerequisite_done), then=Value(Delivery.State.QUEUED.value)),
            default=Value(Delivery.State.WAITING.value),
        ),
        "idempotency_key": RandomKey(),
        "external_id": Value(""),
        "next_attempt_at": Value(now, output_field=DateTimeField()),
        "lease_expires_at": Value(None, output_field=DateTimeField()),
        "attempt_count": Value(0),
        "pending_trigger": Value(str(trigger)),
        "pending_actor": Value(
            actor.pk if actor is not None else None, output_field=IntegerField()
        ),
        "pending_incident": Value(None, output_field=IntegerField()),
        "first_failed_at": Value(None, output_field=DateTimeField()),
        "counted_attempts": Value(0),
        "held_reason": Value(""),
        "required": F("offering__routes__required"),
        "waits_for": F("offering__routes__after__integration_id"),
        "created": Value(now, output_field=DateTimeField()),
        "modified": Value(now, output_field=DateTimeField()),
    }
    source = (
        Order.objects.filter(pk__any=order_ids, offering__routes__integration__in=integration_ids)
        .order_by("pk", "offering__routes__position", "offering__routes__pk")
        .values_list(*values.values())
    )
    quote = connection.ops.quote_name
    column = {name: quote(Delivery._meta.get_field(name).column) for name in values}
    refreshed = QUEUE_FIELDS if trigger == Trigger.AUTOMATIC else QUEUE_FIELDS + NEW_CYCLE_FIELDS
    return insert_select(
        Delivery,
        list(values),
        source,
        on_conflict=f"ON CONFLICT ({column['order']}, {column['integration']}) DO UPDATE SET "
        + ", ".join(f"{column[name]} = EXCLUDED.{column[name]}" for name in refreshed)
        + f" WHERE {quote(Delivery._meta.db_table)}.{column['state']} = "
        f"'{Delivery.State.FAILED.value}'",
        returning=["id", "integration", "state"],
    )


def lane_of(trigger: str) -> Lane:
    """First sends and a person's action on one order go first; what the system sends again
    (retries, releases) and bulk resubmits are recovery traffic."""
    return Lane.FIRST if trigger in FIRST_LANE_TRIGGERS else Lane.RECOVERY


def enqueue(delivery_ids: list[int], *, lane: str = Lane.FIRST) -> None:
    """Hand deliveries to the workers (call after commit) on their lane's queue, all through
    one broker connection and producer rather than one checkout per task."""
    queue = settings.REDRIVE_LANE_QUEUES[Lane(lane)]
    with deliver.app.producer_or_acquire() as producer:
        for start in range(0, len(delivery_ids), TASK_CHUNK):
            chunk = delivery_ids[start : start + TASK_CHUNK]
            # argsrepr: Celery would otherwise build a printable copy of every id list.
            deliver.apply_async(
                (chunk,),
                {"lane": str(lane)},
                queue=queue,
                producer=producer,
                argsrepr=f"[{len(chunk)} deliveries]",
            )


def deliveries_unblock(*, order_ids: list[int], now=None) -> list[int]:
    """Queue the waiting deliveries of ``order_ids`` whose route's prerequisite has now
    succeeded (the ERP once the warehouse accepted), and hand them to the workers after
    commit; returns their ids. Two indexed queries whatever the number of orders, which find
    nothing where no route waits."""
    if not order_ids:
        return []
    now = now or timezone.now()
    prerequisite_done = Delivery.objects.filter(
        order_id=OuterRef("order_id"),
        integration_id=OuterRef("waits_for_id"),
        state=Delivery.State.SUCCEEDED,
    )
    ready = list(
        Delivery.objects.filter(order_id__any=order_ids, state=Delivery.State.WAITING)
        .filter(Exists(prerequisite_done))
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "integration__backend")
    )
    if not ready:
        return []
    Delivery.objects.filter(pk__any=[pk for pk, _ in ready]).update(
        state=Delivery.State.QUEUED, next_attempt_at=now, modified=now
    )
    to_send = [pk for pk, backend in ready if backend == Integration.Backend.HTTP_PUSH]
    if to_send:
        transaction.on_commit(lambda: enqueue(to_send, lane=Lane.FIRST))
    return [pk for pk, _ in ready]
