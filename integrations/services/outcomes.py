"""Recording what the remote system answered, and deciding what happens next: the order
goes ``done``; or ``erred`` with an automatic retry at a time the policy chose, nothing until a
person acts, or given up; or the delivery is ``held`` while the integration's breaker is open
or it is in maintenance. A failed delivery errs its order only if its route is required (the
order's error names the integration, as ``ERP: HTTP 422 ...``); an optional one is retried on
its own schedule (the sweep's ``deliveries_retry_due``) and alerted, and never holds the
order. Each decision is a ``Decision``; the words the attempt shows are written from it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from integrations.backends import SendResult
from integrations.codes import BreakerChange, Decision
from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    HeldReason,
    Incident,
    Integration,
)
from integrations.pacing import Lane
from integrations.policy import next_retry
from integrations.selectors import active_window
from integrations.services.alerting import alerts_for_attempt
from integrations.services.breaker import breaker_record
from integrations.services.claims import Claim, deliveries_hold
from integrations.services.delivery import enqueue
from integrations.services.incidents import incident_ended_after, incident_failed
from integrations.services.logs import attempt_logged, attempt_observed
from integrations.services.successes import attempt_close, attempt_details, successes_record
from orders import services as order_services
from orders.models import Order, Trigger

ACTION_REQUIRED = "no automatic retry: a person must act (edit the order or fix the integration)"
THROTTLED = "rate limited: sent again at the integration's pace (not counted as a failure)"
AFTER_RECOVERY = "sent again at once: the remote system has answered again since this failure"


def hold(delivery: Delivery, reason: str) -> None:
    """``deliveries_hold`` for one delivery, keeping the instance in step."""
    deliveries_hold(delivery_ids=[delivery.pk], reason=reason)
    delivery.state = Delivery.State.HELD
    delivery.held_reason = reason
    delivery.lease_expires_at = None


def attempt_record(*, attempt: Attempt, result: SendResult) -> Attempt:
    """Close an attempt with its result and decide what happens to the delivery and order.

    If the delivery was reclaimed meanwhile (this worker outlived its lease), the result is
    still kept on the attempt, but the newer attempt decides the order. A success is recorded
    as every success is, by ``successes_record``.
    """
    if result.outcome == Attempt.Outcome.SUCCESS:
        successes_record(sent=[(Claim.of(attempt), result)])
        return attempt
    now = attempt.finished_at or timezone.now()  # when the answer came: the policy counts from it
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("integration")
            .get(pk=attempt.delivery_id)
        )
        attempt_close(attempt, result, now)
        attempt_observed(attempt=attempt)
        if delivery.attempt_count != attempt.number or delivery.state != Delivery.State.IN_FLIGHT:
            _superseded(attempt, result)
            return attempt
        late = None
        if result.outcome == Attempt.Outcome.TRANSIENT and not result.throttled:
            late = incident_ended_after(integration_id=delivery.integration_id, answered_at=now)
        # A failure answered before the remote system's return (recorded after it) is no news
        # of its state: it neither counts toward the breaker nor opens a new incident.
        breaker = BreakerChange.NONE
        if late is None:
            breaker = breaker_record(
                integration=delivery.integration,
                outcome=result.outcome,
                message=result.summary,
                now=now,
                throttled=result.throttled,
            )
        order = Order.objects.select_related("offering").get(pk=delivery.order_id)
        decision = _decide(delivery, attempt, order, result, now, breaker=breaker, late=late)
        attempt.save()
        attempt.order, attempt.integration = order, delivery.integration  # read once, above
        alerts_for_attempt(attempt=attempt, breaker=breaker, decision=decision)
    attempt_logged(attempt=attempt, order_number=order.number, order_uuid=order.uuid, result=result)
    return attempt


def _decide(delivery, attempt, order, result: SendResult, now, *, breaker, late) -> Decision:
    """What follows a failed answer: a 429 slows down, a transient failure counts in the
    incident and is retried or held, anything else waits for a person."""
    if result.throttled:
        return _throttled(delivery, attempt, now)
    if result.outcome == Attempt.Outcome.TRANSIENT:
        incident_failed(
            integration_id=delivery.integration_id,
            attempt=attempt,
            now=now,
            message=result.summary,
            late=late,
        )
        opened = breaker == BreakerChange.OPENED
        return _failed_transiently(
            delivery, attempt, order, result, now, breaker_opened=opened, late=late
        )
    _finish(delivery, Delivery.State.FAILED, result)
    attempt.decision = ACTION_REQUIRED
    _fail_order(delivery, order, attempt, result, kind=Order.FailureKind.ACTION_REQUIRED)
    return Decision.ACTION_REQUIRED


def _throttled(delivery: Delivery, attempt: Attempt, now) -> Decision:
    """A 429: the remote system is up but busy. The order stays executing and its delivery
    goes back to the queue (the recovery lane), to go out when the slowed pacing allows; the
    attempt does not count toward giving up."""
    attempt.counts_toward_give_up = False
    attempt.decision = THROTTLED
    _queue_again(delivery, now, trigger=Trigger.AUTOMATIC)
    return Decision.THROTTLED


def _send_again_after_recovery(delivery: Delivery, attempt: Attempt, now, *, incident) -> Decision:
    """Queue a late failure's delivery again at once, on the recovery lane, as its incident's
    release (the attempt counts toward giving up, as any transient failure does)."""
    attempt.decision = AFTER_RECOVERY
    delivery.pending_actor = None
    delivery.pending_incident = incident
    _queue_again(
        delivery,
        now,
        trigger=Trigger.RELEASE,
        also=["pending_actor", "pending_incident", "counted_attempts", "first_failed_at"],
    )
    Incident.objects.filter(pk=incident.pk).update(released=F("released") + 1)
    return Decision.RETRY


def _queue_again(delivery: Delivery, now, *, trigger: str, also=()) -> None:
    """Back to the queue at once, on the recovery lane (after commit), as ``trigger``;
    ``also``: the other fields the caller changed on it."""
    delivery.state = Delivery.State.QUEUED
    delivery.lease_expires_at = None
    delivery.next_attempt_at = now
    delivery.pending_trigger = trigger
    delivery.save(
        update_fields=[
            "state",
            "lease_expires_at",
            "next_attempt_at",
            "pending_trigger",
            *also,
            "modified",
        ]
    )
    transaction.on_commit(lambda: enqueue([delivery.pk], lane=Lane.RECOVERY))


def _superseded(attempt: Attempt, result: SendResult) -> None:
    """Keep the answer of an attempt whose delivery was reclaimed meanwhile; it decides
    nothing (the newer attempt does)."""
    attempt.save()
    order = attempt.order
    attempt_logged(
        attempt=attempt, order_number=order.number, order_uuid=order.uuid, result=result, late=True
    )


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


OPTIONAL = " (an optional delivery: the order does not wait for it)"


def failure_message(delivery: Delivery, result: SendResult) -> str:
    """An order's error for a failed delivery: the integration's name, then what it answered
    (``ERP: HTTP 422 ...``), whether the order goes to one system or several, so the error
    says where it failed the same way everywhere (and a second failure at another system
    reads like the first when it joins the error)."""
    return f"{delivery.integration.name}: {result.summary}"


def _fail_order(delivery, order, attempt, result, *, kind, next_retry_at=None) -> None:
    """A required delivery failed: the order is erred, its error naming the integration (an
    order already erred by another delivery adds this one to its error)."""
    if not delivery.required:
        attempt.decision += OPTIONAL
        return
    if order.state == Order.State.ERRED:
        order_services.order_error_add(order=order, message=failure_message(delivery, result))
        attempt.decision += " (the order was already erred by another delivery; added to its error)"
        return
    if order.state not in Order.transition_sources("fail"):
        attempt.decision += f" (the order was already {order.state}; left as it is)"
        return
    order_services.order_fail(
        order=order,
        message=failure_message(delivery, result),
        traceback=result.traceback,
        kind=kind,
        next_retry_at=next_retry_at,
        details=attempt_details(attempt, outcome=result.outcome, decision=attempt.decision),
    )


def _count_failure(delivery: Delivery, now) -> None:
    """A failure that counts toward give-up: the count goes up, the clock starts."""
    delivery.counted_attempts += 1
    delivery.first_failed_at = delivery.first_failed_at or now


def _failed_transiently(
    delivery, attempt, order, result, now, *, breaker_opened: bool, late=None
) -> Decision:
    """Hold the delivery (maintenance window, open breaker) or schedule the retry, or give
    up when the policy is used up. A failure recorded after its incident ended (``late``) is
    sent again at once with what that incident released, its order left executing."""
    if late is not None:  # the window it was sent in (if any) has ended since: only a new one
        window = active_window(integration_id=delivery.integration_id, now=timezone.now())
    else:
        window = active_window(
            integration_id=delivery.integration_id, now=attempt.started_at
        ) or active_window(integration_id=delivery.integration_id, now=now)
    if window:
        attempt.counts_toward_give_up = False
        attempt.decision = f"held: maintenance window until {window.ends_at:%Y-%m-%d %H:%M} UTC"
        hold(delivery, HeldReason.MAINTENANCE)
        return Decision.HELD
    integration = Integration.objects.get(pk=delivery.integration_id)
    if integration.breaker_state != BreakerState.CLOSED:
        attempt.counts_toward_give_up = breaker_opened
        attempt.decision = (
            "held: this failure opened the circuit breaker"
            if breaker_opened
            else "held: the circuit breaker is open"
        )
        if breaker_opened:
            _count_failure(delivery, now)
            delivery.save(update_fields=["counted_attempts", "first_failed_at"])
        hold(delivery, HeldReason.BREAKER)
        return Decision.HELD
    _count_failure(delivery, now)
    retry = next_retry(
        integration,
        counted_attempts=delivery.counted_attempts,
        first_failed_at=delivery.first_failed_at,
        now=now,
        retry_after_seconds=result.retry_after_seconds,
    )
    if late is not None and not retry.exhausted:
        return _send_again_after_recovery(delivery, attempt, now, incident=late)
    attempt.decision = retry.reason
    _finish(delivery, Delivery.State.FAILED, result)
    if retry.exhausted:
        _fail_order(delivery, order, attempt, result, kind=Order.FailureKind.EXHAUSTED)
        return Decision.GAVE_UP
    delivery.next_attempt_at = retry.retry_at
    delivery.save(update_fields=["next_attempt_at"])
    _fail_order(
        delivery,
        order,
        attempt,
        result,
        kind=Order.FailureKind.TRANSIENT,
        next_retry_at=retry.retry_at,
    )
    return Decision.RETRY
