"""Claims: which worker may send a delivery now, and until when.

A claim is taken in one transaction for all of a task's deliveries (``deliveries_claim``),
carries a lease that is renewed while the task works through them (``claims_renew``), and
can be given back unsent (``claims_hand_back``). Each holds an open attempt row from the start,
so a worker that dies mid-send leaves its row; the next claim closes it as abandoned.
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.db import transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from core.sql import insert_select
from integrations import backends
from integrations.codes import FailureCode
from integrations.models import Attempt, Delivery, HeldReason, Integration
from integrations.selectors import hold_reason, hold_reasons
from integrations.services.breaker import probe_take
from integrations.services.delivery import enqueue
from integrations.services.logs import logger, send_log_fields
from orders.models import Order

LEASE_GRACE = Integration.SEND_LEASE_GRACE
SENDABLE = (Order.State.EXECUTING, Order.State.ERRED, Order.State.DONE)
"""The order states a queued delivery is sent in: executing; erred, when another of the
order's deliveries failed (or a person retries one of several); done, for optional ones."""
ABANDONED = "abandoned: the worker stopped before recording a result; reclaimed after its lease"
ROW = (
    "pk",
    "state",
    "integration_id",
    "order_id",
    "idempotency_key",
    "attempt_count",
    "pending_trigger",
    "pending_actor_id",
    "pending_incident_id",
    "order__state",
    *(f"order__{name}" for name in backends.PAYLOAD_FIELDS),
    "shared",
)
NEW_ATTEMPT = [
    "delivery",
    "order",
    "integration",
    "number",
    "trigger",
    "actor",
    "started_at",
    "outcome",
    "error_code",
    "message",
    "traceback",
    "counts_toward_give_up",
    "decision",
    "incident",
]


@dataclass
class Claim:
    """A delivery a worker may send until ``lease_expires_at``: its open attempt (with the
    integration loaded), what to send and what its log lines name."""

    attempt: Attempt
    order_number: str
    order_uuid: uuid.UUID
    idempotency_key: str = ""
    payload: dict | None = None
    body: bytes = b""
    """``payload`` as sent (JSON), when the claim encoded it already."""
    lease_expires_at: datetime | None = None
    shared: bool = True
    """Does the order have other deliveries (other routes)? Only then can its completion wait
    for another delivery, or another wait for this one. Routes' deliveries are made together
    when the order is queued, so what the claim saw holds while the claim does."""

    @property
    def integration(self) -> Integration:
        return self.attempt.integration

    @classmethod
    def of(cls, attempt: Attempt) -> Claim:
        """The claim of an attempt made elsewhere (a site agent's report)."""
        return cls(attempt, attempt.order.number, attempt.order.uuid)


def deliveries_claim(*, delivery_ids: list[int]) -> list[Claim]:
    """Take the deliveries of ``delivery_ids`` that are ours to send now, in one transaction.

    ``SKIP LOCKED`` makes a second worker pass over rows the first is claiming, and the state
    check makes a second run of the same task a no-op: a succeeded delivery is never sent
    again, and an in-flight one only after its lease has expired (its worker died; its open
    attempt is closed as abandoned). A delivery whose order was canceled or rejected meanwhile
    is failed without a send; one of an order another delivery erred, or an optional one of an
    order already done, goes out (``SENDABLE``). While an integration is disabled, in
    maintenance or its breaker is open, its deliveries are held instead; a breaker whose probe
    is due lets exactly one through.
    A fixed number of queries whatever the number of deliveries.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = [
            dict(zip(ROW, row, strict=True))
            for row in Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__any=delivery_ids)
            .annotate(shared=Exists(_siblings))
            .filter(
                Q(state=Delivery.State.QUEUED)
                | Q(state=Delivery.State.IN_FLIGHT, lease_expires_at__lt=now)
            )
            .order_by("integration_id", "pk")
            .values_list(*ROW)
        ]
        if not rows:
            return []
        integrations = Integration.objects.in_bulk({row["integration_id"] for row in rows})
        # Only HTTP push deliveries are ever pushed: a site agent's wait for it to pull them.
        rows = [
            row
            for row in rows
            if integrations[row["integration_id"]].backend == Integration.Backend.HTTP_PUSH
        ]
        stale = [row for row in rows if row["order__state"] not in SENDABLE]
        if stale:
            _fail_unsent(stale, integrations, now=now)
        expired = [row["pk"] for row in rows if row["state"] == Delivery.State.IN_FLIGHT]
        if expired:
            Attempt.objects.filter(delivery_id__any=expired, outcome="").update(
                outcome=Attempt.Outcome.TRANSIENT,
                finished_at=now,
                error_code=FailureCode.ABANDONED,
                message=ABANDONED,
                counts_toward_give_up=False,
            )
        sendable = [row for row in rows if row["order__state"] in SENDABLE]
        if not sendable:
            return []
        reasons = hold_reasons(
            integrations=[integrations[pk] for pk in {row["integration_id"] for row in sendable}],
            now=now,
        )
        taken = []
        for integration_id, group in groupby(sendable, key=lambda row: row["integration_id"]):
            taken += _admit_group(
                integrations[integration_id], list(group), reason=reasons[integration_id], now=now
            )
        return _take(taken, integrations, now=now)


_siblings = Delivery.objects.filter(order_id=OuterRef("order_id")).exclude(pk=OuterRef("pk"))


def _fail_unsent(rows: list[dict], integrations: dict, *, now) -> None:
    Delivery.objects.filter(pk__any=[row["pk"] for row in rows]).update(
        state=Delivery.State.FAILED, lease_expires_at=None, modified=now
    )
    for row in rows:
        logger.info(
            "delivery %s: order %s is %s, not sent",
            row["pk"],
            row["order__number"],
            row["order__state"],
            extra=send_log_fields(
                order_number=row["order__number"],
                order_uuid=row["order__uuid"],
                delivery_id=row["pk"],
                integration_name=integrations[row["integration_id"]].name,
                attempt_number=None,
                trigger=row["pending_trigger"],
            ),
        )


def _admit_group(integration: Integration, rows: list[dict], *, reason: str, now) -> list[dict]:
    """The rows of one integration's deliveries that may be sent now; the others are held
    (the caller holds the rows). ``reason`` is the integration's ``hold_reason``."""
    allowed, reason = admitted(integration=integration, now=now, reason=reason)
    if allowed is None:
        return rows
    deliveries_hold(delivery_ids=[row["pk"] for row in rows[allowed:]], reason=reason, now=now)
    return rows[:allowed]


def _take(rows: list[dict], integrations: dict[int, Integration], *, now) -> list[Claim]:
    """Put the deliveries of ``rows`` in flight, each under its integration's lease and with a
    new open attempt: one ``UPDATE`` and one ``INSERT ... SELECT`` for the rows of every
    integration; their claims, in the order of ``rows``."""
    if not rows:
        return []
    expires = {
        pk: now + integrations[pk].send_lease for pk in {row["integration_id"] for row in rows}
    }
    if len(expires) == 1:
        lease = Value(next(iter(expires.values())), output_field=DateTimeField())
    else:
        lease = Case(
            *(When(integration_id=pk, then=Value(at)) for pk, at in expires.items()),
            output_field=DateTimeField(),
        )
    ids = [row["pk"] for row in rows]
    Delivery.objects.filter(pk__any=ids).update(
        state=Delivery.State.IN_FLIGHT,
        lease_expires_at=lease,
        held_reason="",
        attempt_count=F("attempt_count") + 1,
        modified=now,
    )
    made = insert_select(
        Attempt,
        NEW_ATTEMPT,
        Delivery.objects.filter(pk__any=ids).values_list(
            "pk",
            "order_id",
            "integration_id",
            "attempt_count",
            "pending_trigger",
            "pending_actor_id",
            Value(now, output_field=DateTimeField()),
            *(Value("") for _ in range(4)),
            Value(True),
            Value(""),
            "pending_incident_id",
        ),
        returning=["id", "delivery"],
    )
    attempt_ids = {delivery_id: attempt_id for attempt_id, delivery_id in made}
    payloads = Payloads()
    return [
        _claim(
            row,
            integrations[row["integration_id"]],
            attempt_id=attempt_ids[row["pk"]],
            expires=expires[row["integration_id"]],
            now=now,
            payloads=payloads,
        )
        for row in rows
    ]


class Payloads:
    """The payloads of one claim's deliveries, each rendered and encoded once per order and
    mapping: an order's routes to integrations without a mapping of their own (or with the
    same one) send the same bytes."""

    def __init__(self) -> None:
        self.mappings: dict[int, str | None] = {}
        self.made: dict[tuple[int, str | None], tuple[dict, bytes]] = {}

    def of(self, row: dict, integration: Integration) -> tuple[dict, bytes]:
        mapping = integration.mapping
        if integration.pk not in self.mappings:
            self.mappings[integration.pk] = (
                json.dumps(mapping, sort_keys=True, default=str) if mapping else None
            )
        key = (row["order_id"], self.mappings[integration.pk])
        made = self.made.get(key)
        if made is None:
            payload = backends.payload(
                *(row[f"order__{name}"] for name in backends.PAYLOAD_FIELDS), mapping=mapping
            )
            made = self.made[key] = (payload, backends.encoded(payload))
        return made


def _claim(
    row: dict, integration: Integration, *, attempt_id: int, expires, now, payloads: Payloads
) -> Claim:
    """The claim of a delivery just taken: its attempt in memory and the payload to send."""
    payload, body = payloads.of(row, integration)
    attempt = _open_attempt(
        id=attempt_id,
        delivery_id=row["pk"],
        order_id=row["order_id"],
        integration_id=integration.pk,
        number=row["attempt_count"] + 1,
        trigger=row["pending_trigger"],
        actor_id=row["pending_actor_id"],
        incident_id=row["pending_incident_id"],
        started_at=now,
    )
    attempt.integration = integration
    return Claim(
        attempt=attempt,
        order_number=row["order__number"],
        order_uuid=row["order__uuid"],
        idempotency_key=str(row["idempotency_key"]),
        payload=payload,
        body=body,
        lease_expires_at=expires,
        shared=row["shared"],
    )


@functools.cache
def _attempt_layout() -> tuple[list[str], dict, list]:
    """Attempt's concrete fields in order, the constant defaults, the fields whose default is
    made by a call."""
    fields = Attempt._meta.concrete_fields
    constant = {f.attname: f.get_default() for f in fields if not callable(f.default)}
    return [f.attname for f in fields], constant, [f for f in fields if callable(f.default)]


def _open_attempt(**values) -> Attempt:
    """``Attempt(**values)`` as a positional call over every field, the rest their defaults:
    a third of the keyword form's cost, paid for every delivery a worker sends."""
    names, constant, made = _attempt_layout()
    values = constant | values
    for field in made:
        if field.attname not in values:
            values[field.attname] = field.get_default()
    return Attempt(*[values[name] for name in names])


def admitted(*, integration: Integration, now, reason: str | None = None) -> tuple[int | None, str]:
    """How many deliveries of ``integration`` may be sent now, and why the others wait:
    all (``None``); one, the breaker's probe, which this caller has just taken; or none (the
    integration is disabled, in maintenance, or its breaker is open). ``reason``: its
    ``hold_reason`` if the caller has read it already."""
    if reason is None:
        reason = hold_reason(integration=integration, now=now)
    if not reason:
        return None, ""
    if reason == HeldReason.BREAKER and probe_take(integration=integration, now=now):
        return 1, reason
    return 0, reason


def deliveries_hold(*, delivery_ids: list[int], reason: str, now=None) -> None:
    """Hold deliveries until their integration may be sent to again (the sweep releases)."""
    if delivery_ids:
        Delivery.objects.filter(pk__any=delivery_ids).update(
            state=Delivery.State.HELD,
            held_reason=reason,
            lease_expires_at=None,
            modified=now or timezone.now(),
        )


def claims_renew(claims: list[Claim]) -> list[Claim]:
    """Extend the lease of claims not sent yet; returns those still ours (a claim whose lease
    ran out and that another worker took is dropped, never sent by both)."""
    if not claims:
        return []
    now = timezone.now()
    with transaction.atomic():
        ours = _still_ours(claims)
        for _, group in groupby(ours, key=lambda claim: claim.integration.pk):
            group = list(group)
            expires = now + group[0].integration.send_lease
            Delivery.objects.filter(pk__any=[c.attempt.delivery_id for c in group]).update(
                lease_expires_at=expires
            )
            for claim in group:
                claim.lease_expires_at = expires
    return ours


def claims_hand_back(claims: list[Claim], *, reason: str) -> None:
    """Hold claims that were not sent after all: their attempt rows are removed (no attempt
    took place) and the attempt counts go back, so the history shows only real sends."""
    if not claims:
        return
    with transaction.atomic():
        ours = _still_ours(claims)
        Attempt.objects.filter(pk__any=[c.attempt.pk for c in ours], outcome="").delete()
        Delivery.objects.filter(pk__any=[c.attempt.delivery_id for c in ours]).update(
            attempt_count=F("attempt_count") - 1
        )
        deliveries_hold(delivery_ids=[c.attempt.delivery_id for c in ours], reason=reason)


def claims_requeue(claims: list[Claim], *, lane: str) -> None:
    """Queue again claims that were not sent (a recovery slice ended first): their attempt
    rows are removed, the attempt counts go back, and a task of their own takes them after
    commit. A claim no longer ours is left to whoever has it."""
    if not claims:
        return
    now = timezone.now()
    with transaction.atomic():
        ours = _still_ours(claims)
        ids = [c.attempt.delivery_id for c in ours]
        Attempt.objects.filter(pk__any=[c.attempt.pk for c in ours], outcome="").delete()
        Delivery.objects.filter(pk__any=ids).update(
            state=Delivery.State.QUEUED,
            attempt_count=F("attempt_count") - 1,
            lease_expires_at=None,
            next_attempt_at=now,
            modified=now,
        )
        if ids:
            transaction.on_commit(lambda: enqueue(ids, lane=lane))


def _still_ours(claims: list[Claim]) -> list[Claim]:
    """Lock the claims' deliveries; the claims whose delivery is still in flight with their
    attempt as its latest."""
    current = dict(
        (pk, (state, count))
        for pk, state, count in Delivery.objects.select_for_update()
        .filter(pk__any=[claim.attempt.delivery_id for claim in claims])
        .order_by("pk")
        .values_list("pk", "state", "attempt_count")
    )
    owned = Delivery.State.IN_FLIGHT
    return [c for c in claims if current.get(c.attempt.delivery_id) == (owned, c.attempt.number)]
