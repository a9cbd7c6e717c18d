"""Recording successful sends, many at once: the common path of the pipeline.

A worker sends a task's deliveries and records each run of successes in one transaction with a
fixed number of queries, whatever its length: finish the deliveries that are still this
worker's (one ``UPDATE`` that checks and changes them), complete their orders
(``orders.services.orders_complete``) but those that still wait for another required delivery
(one query, once the orders are locked: two last deliveries of an order recorded at once by
two workers see each other), queue the deliveries that waited for these
(``deliveries_unblock``), close the attempts (one ``UPDATE``), resolve the open alerts of the
few orders that have any, and count the successes on each breaker. Failures
are recorded one by one (``outcomes.attempt_record``), in the order they happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from alerts.models import Alert
from core.sql import update_from_values
from integrations.backends import SendResult
from integrations.codes import BreakerChange, Decision
from integrations.models import Attempt, Delivery, Integration
from integrations.services.alerting import alerts_breaker_closed, alerts_for_attempt
from integrations.services.breaker import breaker_record
from integrations.services.delivery import deliveries_unblock
from integrations.services.logs import attempt_logged, attempt_observed
from orders import services as order_services
from orders.models import Order

if TYPE_CHECKING:
    from integrations.services.claims import Claim

Sent = tuple["Claim", SendResult]
RESULT_COLUMNS = (
    "id",
    "started_at",
    "finished_at",
    "remote_status",
    "error_code",
    "message",
    "decision",
)


def attempt_details(attempt: Attempt, *, outcome: str, decision: str) -> dict:
    """What the order's history row says of the attempt that decided it (success or failure)."""
    return {
        "attempt": attempt.pk,
        "outcome": outcome,
        "trigger": attempt.trigger,
        "decision": decision,
    }


def successes_record(*, sent: list[Sent]) -> None:
    """Record successful sends: each attempt closed, its delivery succeeded, its order done
    once every required delivery of it has succeeded.

    An attempt whose delivery was reclaimed meanwhile (this worker outlived its lease) keeps
    its result, but the newer attempt decides the order.
    """
    if not sent:
        return
    now = timezone.now()
    with transaction.atomic():
        finished = _deliveries_finish(sent, now=now)
        ours = [(c, r) for c, r in sent if c.attempt.delivery_id in finished]
        order_ids = list({claim.attempt.order_id for claim, _ in ours})
        # Only an order with other deliveries can wait for one, or have one wait for it.
        shared = {claim.attempt.order_id for claim, _ in ours if claim.shared}
        held_back: set[int] = set()

        def waiting(locked: list[int]) -> set[int]:
            held_back.update(_orders_waiting_for_others([pk for pk in locked if pk in shared]))
            return held_back

        before = order_services.orders_complete(
            details={
                claim.attempt.order_id: attempt_details(
                    claim.attempt, outcome=result.outcome, decision=Decision.DONE
                )
                for claim, result in ours
            },
            now=now,
            waiting=waiting,
        )
        deliveries_unblock(order_ids=[pk for pk in order_ids if pk in shared], now=now)
        for claim, result in sent:
            attempt_close(claim.attempt, result, now)
            if claim.attempt.delivery_id in finished:
                claim.attempt.decision = _decision(
                    required=finished[claim.attempt.delivery_id],
                    state_before=before.get(claim.attempt.order_id),
                    held_back=claim.attempt.order_id in held_back,
                )
        _attempts_close([claim.attempt for claim, _ in sent], outcome=Attempt.Outcome.SUCCESS)
        _alerts_resolve(ours)
        _breakers_record(ours, now=now)
    for claim, result in sent:
        attempt_observed(attempt=claim.attempt)
        attempt_logged(
            attempt=claim.attempt,
            order_number=claim.order_number,
            order_uuid=claim.order_uuid,
            result=result,
            late=claim.attempt.delivery_id not in finished,
        )


WAITS_FOR_OTHERS = "done; the order waits for its other required deliveries"
OPTIONAL_DONE = "done (an optional delivery: the order does not wait for it)"


def _decision(*, required: bool, state_before: str | None, held_back: bool) -> str:
    """The words of a success's decision, from the state its order was in."""
    if held_back:
        return WAITS_FOR_OTHERS
    if state_before in Order.transition_sources("succeed"):
        return Decision.DONE.value
    if not required:
        return OPTIONAL_DONE
    return f"done remotely; the order was already {state_before}"


def _orders_waiting_for_others(order_ids: list[int]) -> set[int]:
    """The orders of ``order_ids`` with a required delivery that has not succeeded (one
    query on the deliveries' (order, integration) index)."""
    if not order_ids:
        return set()
    return set(
        Delivery.objects.filter(order_id__any=order_ids, required=True)
        .exclude(state=Delivery.State.SUCCEEDED)
        .values_list("order_id", flat=True)
        .distinct()
    )


def _deliveries_finish(sent: list[Sent], *, now) -> dict[int, bool]:
    """Mark succeeded the deliveries still in flight with this attempt (one UPDATE that checks
    and changes them); returns their ids, each with whether it is required."""
    adapt = connection.ops.adapt_datetimefield_value
    return {
        pk: required
        for (pk, required) in update_from_values(
            Delivery,
            key="id",
            columns=("id", "attempt_count", "external_id"),
            rows=[
                (claim.attempt.delivery_id, claim.attempt.number, result.external_id)
                for claim, result in sent
            ],
            assign={
                "state": "%s",
                "lease_expires_at": "NULL",
                "next_attempt_at": "NULL",
                "first_failed_at": "NULL",
                "counted_attempts": "0",
                "external_id": "CASE WHEN v.external_id = '' THEN t.external_id "
                "ELSE v.external_id END",
                "modified": "%s",
            },
            condition="t.state = %s AND t.attempt_count = v.attempt_count",
            params=[Delivery.State.SUCCEEDED, adapt(now), Delivery.State.IN_FLIGHT],
            returning=["id", "required"],
        )
    }


def attempt_close(attempt: Attempt, result: SendResult, now) -> None:
    """The answer on the attempt (in memory): when it came, what it was."""
    attempt.finished_at = attempt.finished_at or now
    attempt.outcome = result.outcome
    attempt.remote_status = result.remote_status
    attempt.error_code = result.error_code
    attempt.message = result.message
    attempt.traceback = result.traceback
    attempt.retry_after_seconds = result.retry_after_seconds


def _attempts_close(attempts: list[Attempt], *, outcome: str) -> None:
    """Close the attempts with their answers (a success carries no traceback or retry time)."""
    adapt = connection.ops.adapt_datetimefield_value
    update_from_values(
        Attempt,
        key="id",
        columns=RESULT_COLUMNS,
        rows=[
            (
                attempt.pk,
                adapt(attempt.started_at),
                adapt(attempt.finished_at),
                attempt.remote_status,
                attempt.error_code,
                attempt.message,
                attempt.decision,
            )
            for attempt in attempts
        ],
        assign={"outcome": "%s", "traceback": "''", "retry_after_seconds": "NULL"}
        | {name: f"v.{name}" for name in RESULT_COLUMNS[1:]},
        params=[outcome],
    )


def _alerts_resolve(ours: list[Sent]) -> None:
    """A success resolves the order's open alerts at that integration. Most orders have none:
    one query finds the few that do, and each of those is resolved as a single success is."""
    if not ours:
        return
    with_alerts = set(
        Alert.objects.filter(
            status=Alert.Status.OPEN,
            integration_id__in={claim.attempt.integration_id for claim, _ in ours},
            order_id__any=[claim.attempt.order_id for claim, _ in ours],
        ).values_list("integration_id", "order_id")
    )
    for claim, _ in ours:
        if (claim.attempt.integration_id, claim.attempt.order_id) in with_alerts:
            alerts_for_attempt(attempt=claim.attempt, decision=Decision.DONE)


def _breakers_record(ours: list[Sent], *, now) -> None:
    """Count the successes on each integration's breaker (read afresh: another worker may have
    counted failures meanwhile); a breaker this closes resolves its alert (and its incident's
    release follows: ``breaker_record``)."""
    ids = {claim.attempt.integration_id for claim, _ in ours}
    for integration in Integration.objects.filter(pk__in=ids) if ids else []:
        change = breaker_record(
            integration=integration, outcome=Attempt.Outcome.SUCCESS, message="", now=now
        )
        if change == BreakerChange.CLOSED:
            alerts_breaker_closed(
                integration=integration, reason="circuit breaker closed: a send succeeded"
            )
