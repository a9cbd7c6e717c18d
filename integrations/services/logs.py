"""The one logger of every send line, the identifiers each line carries, and the metrics of
each attempt."""

from __future__ import annotations

import logging

from core import metrics
from orders.models import Trigger

logger = logging.getLogger("integrations.services")


def send_log_fields(
    *,
    order_number: str,
    order_uuid,
    delivery_id: int,
    integration_name: str,
    attempt_number: int | None,
    trigger: str,
    outcome: str | None = None,
) -> dict:
    """The identifiers every log line about a send carries (both formatters render them)."""
    fields = {
        "order_number": order_number,
        "order_uuid": str(order_uuid),
        "delivery": delivery_id,
        "integration": integration_name,
        "attempt": attempt_number,
        "trigger": trigger,
    }
    if outcome is not None:
        fields["outcome"] = outcome
    return fields


def attempt_logged(*, attempt, order_number: str, order_uuid, result, late: bool = False) -> None:
    """The line of a recorded attempt: what came back and what was decided; a warning if the
    delivery was reclaimed meanwhile (the newer attempt decides)."""
    if not logger.isEnabledFor(logging.WARNING if late else logging.INFO):
        return  # nothing built for a line no one reads (LOG_LEVEL=WARNING: every success)
    extra = send_log_fields(
        order_number=order_number,
        order_uuid=order_uuid,
        delivery_id=attempt.delivery_id,
        integration_name=attempt.integration.name,
        attempt_number=attempt.number,
        trigger=attempt.trigger,
        outcome=result.outcome,
    )
    if late:
        logger.warning(
            "delivery %s: attempt %s finished after it was reclaimed",
            attempt.delivery_id,
            attempt.number,
            extra=extra,
        )
        return
    logger.info(
        "attempt %s of delivery %s (order %s %s, integration %s, trigger %s): %s %s; %s",
        attempt.number,
        attempt.delivery_id,
        order_number,
        order_uuid,
        attempt.integration_id,
        attempt.trigger,
        result.outcome,
        result.summary,
        attempt.decision,
        extra=extra,
    )


def attempt_observed(*, attempt) -> None:
    """Count a finished attempt. Its latency is observed for sends made here, not for a site
    agent's report (the agent did the work elsewhere)."""
    integration = attempt.integration.name
    metrics.ATTEMPTS.labels(integration=integration, outcome=attempt.outcome or "unknown").inc()
    if attempt.trigger != Trigger.AGENT and attempt.started_at and attempt.finished_at:
        seconds = (attempt.finished_at - attempt.started_at).total_seconds()
        metrics.SEND_SECONDS.labels(integration=integration).observe(max(seconds, 0.0))
