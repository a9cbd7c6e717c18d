"""Recording what the remote system answered, and deciding what happens next: the order
goes ``done``; or ``erred`` with an automatic retry at a time the policy chose, nothing until a
person acts, or given up; or the delivery is ``held`` while the integration's breaker is open
or it is in maintenance. Site agents report through ``agent_report``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from config import metrics
from integrations.backends import SendResult
from integrations.breaker import active_window, breaker_record
from integrations.models import Attempt, Delivery, HeldReason, Integration, Trigger
from integrations.policy import next_retry
from integrations.services.claims import Claim, deliveries_hold
from integrations.services.logs import attempt_logged
from integrations.services.successes import attempt_close, successes_record
from orders import services as order_services
from orders.errors import ApplicationError
from orders.models import Order


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
        metrics.attempt_observed(attempt=attempt)
        if delivery.attempt_count != attempt.number or delivery.state != Delivery.State.IN_FLIGHT:
            attempt.save()
            order = attempt.order
            attempt_logged(
                attempt=attempt,
                order_number=order.number,
                order_uuid=order.uuid,
                result=result,
                late=True,
            )
            return attempt
        breaker = breaker_record(
            integration=delivery.integration,
            outcome=result.outcome,
            message=result.summary,
            now=now,
        )
        order = Order.objects.select_related("offering").get(pk=delivery.order_id)
        if result.outcome == Attempt.Outcome.TRANSIENT:
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
    attempt_logged(attempt=attempt, order_number=order.number, order_uuid=order.uuid, result=result)
    return attempt


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
        hold(delivery, HeldReason.MAINTENANCE)
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
        hold(delivery, HeldReason.BREAKER)
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
