"""Incidents: an integration's outage from its first transient failure until it answers again,
and what its end sends again.

A transient failure opens the integration's incident, or counts in the open one
(``incident_failed``); the attempt records it. The incident ends when the remote system
answers again (a probe or any send succeeds), a maintenance window ends, or a person releases
the integration (``incident_end``). Then everything it left behind is sent again at once
(``incident_release``): the held deliveries and every order of the integration that failed
transiently since it began, those that failed before the breaker opened included, each
attempt carrying the incident and the trigger ``release``. Orders that failed for other reasons
(action required, given up) stay as they are. The pacing narrows to one request in flight and
widens with every success, so the drain starts slowly and speeds up while answers succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from alerts import services as alert_services
from integrations.models import Delivery, Incident, Integration
from integrations.pacing import Lane, pace
from integrations.services.delivery import enqueue
from orders import services as order_services
from orders.models import Order, Trigger

RELEASE_BATCH = 1000


@dataclass
class Released:
    held: int = 0
    orders: int = 0

    @property
    def total(self) -> int:
        return self.held + self.orders


def incident_ended_after(*, integration_id: int, answered_at: datetime) -> Incident | None:
    """The integration's latest incident if it ended at or after ``answered_at``: a transient
    failure answered then but recorded only now (its worker had many answers to record, say)
    is that incident's, not the start of a new one: the remote system has answered again
    since. One query on the incidents' (integration, started_at) index."""
    latest = Incident.objects.filter(integration_id=integration_id).order_by("-started_at").first()
    if latest is not None and latest.ended_at is not None and latest.ended_at >= answered_at:
        return latest
    return None


def incident_failed(
    *, integration_id: int, attempt, now: datetime, message: str, late: Incident | None = None
) -> int:
    """Count a transient failure in the integration's open incident, opening one if there is
    none; the attempt records it. A failure recorded after its incident ended (``late``, from
    ``incident_ended_after``) counts in that one. Safe against concurrent failures (one open
    incident per integration, by a partial unique constraint)."""
    if late is not None:
        Incident.objects.filter(pk=late.pk).update(failures=F("failures") + 1)
        attempt.incident_id = late.pk
        return late.pk
    open_incident = Incident.objects.filter(integration_id=integration_id, ended_at__isnull=True)
    for _ in range(3):
        pk = open_incident.values_list("pk", flat=True).first()
        if pk is not None:
            Incident.objects.filter(pk=pk).update(failures=F("failures") + 1)
            break
        try:
            with transaction.atomic():
                pk = Incident.objects.create(
                    integration_id=integration_id,
                    started_at=now,
                    first_error=message[:2000],
                    failures=1,
                ).pk
            break
        except IntegrityError:  # another worker opened it first: count in that one
            continue
    attempt.incident_id = pk
    return pk


def incident_end(*, integration_id: int, by: str, now: datetime | None = None) -> Incident | None:
    """End the integration's open incident, if it has one; returns it (ended)."""
    now = now or timezone.now()
    incident = (
        Incident.objects.select_for_update()
        .filter(integration_id=integration_id, ended_at__isnull=True)
        .first()
    )
    if incident is None:
        return None
    incident.ended_at, incident.ended_by = now, by
    incident.save(update_fields=["ended_at", "ended_by"])
    alert_services.problems_resolve_for_incident(
        incident_id=incident.pk, reason=f"the outage ended ({incident.get_ended_by_display()})"
    )
    alert_services.integration_webhooks(
        integration=incident.integration,
        event="integration.recovered",
        text=f"Redrive: {incident.integration} recovered ({incident.get_ended_by_display()}); "
        "what the outage left behind is being sent again.",
        data={
            "incident": {
                "id": incident.pk,
                "started_at": incident.started_at,
                "ended_at": incident.ended_at,
                "ended_by": incident.ended_by,
                "failures": incident.failures,
            }
        },
    )
    return incident


def integration_recovered(
    *, integration: Integration, by: str, slow_start: bool = True
) -> Incident | None:
    """The remote system answered again: end the incident, release its held deliveries now
    (one UPDATE, in the transaction that recorded the answer) and, right after commit, send
    again the orders that failed during it (in batches of their own, so that this transaction
    stays short). After an outage (``slow_start``: the breaker had opened) the pacing starts
    again from one request in flight; after a few failures that never opened it, sends went on
    all along and keep their pace."""
    incident = incident_end(integration_id=integration.pk, by=by)
    if slow_start:
        pace().restart(integration.pk)
    held = held_release(integration=integration, incident=incident)
    if incident is not None:
        Incident.objects.filter(pk=incident.pk).update(released=F("released") + held)
        transaction.on_commit(
            lambda: incident_release(integration=integration, incident=incident, held=False)
        )
    return incident


def incident_release(
    *,
    integration: Integration,
    incident: Incident | None = None,
    since: datetime | None = None,
    actor=None,
    held: bool = True,
) -> Released:
    """Send again what an incident (or a maintenance window from ``since``) left behind: its
    held deliveries, and the orders of the integration that failed transiently since it
    began (``held=False``: the orders only). Each batch is its own transaction."""
    since = since or (incident.started_at if incident else None)
    released = Released()
    if held:
        released.held = held_release(integration=integration, actor=actor, incident=incident)
    if since is not None:
        released.orders = _failed_release(integration, since=since, incident=incident)
    if incident is not None:
        Incident.objects.filter(pk=incident.pk).update(released=F("released") + released.total)
    return released


def held_release(
    *, integration: Integration, actor=None, incident: Incident | None = None, limit=None
) -> int:
    """Queue the integration's held deliveries (up to ``limit``: the breaker's probe) on the
    recovery lane, as a release (or a person's, ``actor``): what waited out an outage is
    recovery traffic, and new orders keep the first lane. A site agent's go back to its queue
    for it to pull."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(integration=integration, state=Delivery.State.HELD)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__any=ids).update(
            state=Delivery.State.QUEUED,
            held_reason="",
            next_attempt_at=now,
            pending_trigger=Trigger.RELEASE if actor is None else Trigger.USER,
            pending_actor=actor,
            pending_incident=incident,
            modified=now,
        )
        if ids and integration.backend == Integration.Backend.HTTP_PUSH:
            transaction.on_commit(lambda: enqueue(ids, lane=Lane.RECOVERY))
    return len(ids)


def _failed_release(integration: Integration, *, since: datetime, incident) -> int:
    """The orders whose delivery to ``integration`` failed transiently since ``since``: those
    deliveries sent again now in batches (they remember the incident); an order's deliveries
    to other integrations are not this incident's."""
    failed = (
        Order.objects.filter(
            state=Order.State.ERRED,
            failure_kind=Order.FailureKind.TRANSIENT,
            erred_at__gte=since,
        )
        .at_integration(integration.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent, last = 0, 0
    while batch := list(failed.filter(pk__gt=last)[:RELEASE_BATCH]):
        last = batch[-1]
        with transaction.atomic():
            moved = order_services.orders_send_again(
                order_ids=batch,
                actor=None,
                trigger=Trigger.RELEASE,
                integration_ids=[integration.pk],
            )
            if incident is not None and moved:
                Delivery.objects.filter(order_id__any=moved, integration=integration).update(
                    pending_incident=incident
                )
        sent += len(moved)
    return sent
