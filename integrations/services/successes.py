"""Recording successful sends, many at once: the common path of the pipeline.

A worker sends a task's deliveries one after another and records each run of successes in one
transaction with a fixed number of queries, whatever its length: finish the deliveries that
are still this worker's (one ``UPDATE`` that checks and changes them), complete their orders
(``orders.services.orders_complete``), close the attempts (one ``UPDATE``), resolve the open
alerts of the few orders that have any, and count the successes on each breaker. Failures
are recorded one by one (``outcomes.attempt_record``), in the order they happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from config import metrics
from config.sql import update_from_values
from integrations.backends import SendResult
from integrations.breaker import breaker_record
from integrations.models import Attempt, Delivery, Integration
from integrations.services.logs import attempt_logged
from orders import services as order_services
from orders.models import Order

if TYPE_CHECKING:
    from integrations.services.claims import Claim

RESULT_COLUMNS = (
    "id",
    "started_at",
    "finished_at",
    "remote_status",
    "error_code",
    "message",
    "decision",
)


def successes_record(*, sent: list[tuple[Claim, SendResult]]) -> None:
    """Record successful sends: each attempt closed, its delivery succeeded, its order done.

    An attempt whose delivery was reclaimed meanwhile (this worker outlived its lease) keeps
    its result, but the newer attempt decides the order.
    """
    if not sent:
        return
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic():
        finished = {
            pk
            for (pk,) in update_from_values(
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
                returning=["id"],
            )
        }
        ours = [(c, r) for c, r in sent if c.attempt.delivery_id in finished]
        before = order_services.orders_complete(
            details={
                claim.attempt.order_id: {
                    "attempt": claim.attempt.pk,
                    "outcome": result.outcome,
                    "trigger": claim.attempt.trigger,
                    "decision": "done",
                }
                for claim, result in ours
            },
            now=now,
        )
        sources = Order.transition_sources("succeed")
        for claim, result in sent:
            attempt = claim.attempt
            attempt_close(attempt, result, now)
            if attempt.delivery_id in finished:
                state = before.get(attempt.order_id)
                attempt.decision = (
                    "done" if state in sources else f"done remotely; the order was already {state}"
                )
        _attempts_close([claim.attempt for claim, _ in sent], outcome=Attempt.Outcome.SUCCESS)
        _alerts_resolve(ours)
        closed = _breakers_record(ours, now=now)
    for claim, result in sent:
        metrics.attempt_observed(attempt=claim.attempt)
        attempt_logged(
            attempt=claim.attempt,
            order_number=claim.order_number,
            order_uuid=claim.order_uuid,
            result=result,
            late=claim.attempt.delivery_id not in finished,
        )
    for integration in closed:
        from integrations.recovery import deliveries_release

        deliveries_release(integration=integration, actor=None)


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


def _alerts_resolve(ours: list[tuple[Claim, SendResult]]) -> None:
    """A success resolves the order's open alerts at that integration. Most orders have none:
    one query finds the few that do, and each of those is resolved as a single success is."""
    from alerts.models import Alert
    from integrations.alerting import alerts_for_attempt

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
            alerts_for_attempt(attempt=claim.attempt, breaker="")


def _breakers_record(ours: list[tuple[Claim, SendResult]], *, now) -> list[Integration]:
    """Count the successes on each integration's breaker (read afresh: another worker may have
    counted failures meanwhile); returns the integrations whose breaker this closed."""
    from integrations.alerting import alerts_breaker_closed

    closed = []
    ids = {claim.attempt.integration_id for claim, _ in ours}
    for integration in Integration.objects.filter(pk__in=ids) if ids else []:
        if breaker_record(integration=integration, outcome="success", message="", now=now):
            alerts_breaker_closed(
                integration=integration, reason="circuit breaker closed: a send succeeded"
            )
            closed.append(integration)
    return closed
