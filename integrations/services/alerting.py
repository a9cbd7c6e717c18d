"""What the delivery pipeline tells the alerts app, inside the transaction that recorded it.

The alerts app keeps alerts (deduplicated, reopened, resolved, e-mailed); which alert an
attempt means is decided here, where the failure codes and the decisions are known.
"""

from __future__ import annotations

from alerts import services as alert_services
from alerts.models import Alert, Kind
from integrations.codes import BreakerChange, Decision, FailureCode
from integrations.models import Attempt, Integration

ALERT_KIND_BY_CODE: dict[str, str] = {
    FailureCode.ADDRESS_INVALID: Kind.ADDRESS_INVALID,
    FailureCode.MAPPING_MISSING: Kind.MAPPING_MISSING,
    FailureCode.CREDENTIALS: Kind.CREDENTIALS,
}
"""An action-required attempt's ``error_code`` -> alert kind; any other code: validation."""


def problem_code(attempt: Attempt) -> str:
    """What tells one problem from another of the same kind at an integration: the remote
    system's error code, else its HTTP status; empty when it gave neither."""
    if attempt.error_code:
        return attempt.error_code
    return f"HTTP {attempt.remote_status}" if attempt.remote_status else ""


def alerts_for_attempt(
    *, attempt: Attempt, breaker: BreakerChange = BreakerChange.NONE, decision: Decision
) -> None:
    """Raise or resolve alerts for one recorded attempt.

    The attempt's own outcome first (``alerts_record_attempt``); then two decisions only the
    pipeline knows: the breaker opened (``unavailable``) or closed, and the retry policy was
    used up (``retry_exhausted``). A transient failure alone raises nothing.
    """
    alerts_record_attempt(attempt=attempt)
    if breaker == BreakerChange.OPENED:
        reason = Integration.objects.values_list("breaker_reason", flat=True).get(
            pk=attempt.integration_id
        )
        alert_services.alert_raise(
            integration=attempt.integration,
            kind=Kind.UNAVAILABLE,
            message=f"Circuit breaker opened: {reason or attempt.message}",
            incident_id=attempt.incident_id,
        )
        alert_services.integration_webhooks(
            integration=attempt.integration,
            event="integration.breaker_opened",
            text=f"Redrive: {attempt.integration} is unavailable, its circuit breaker opened: "
            f"{reason or attempt.message}",
            data={"reason": reason or attempt.message, "incident": attempt.incident_id},
        )
    if breaker == BreakerChange.CLOSED:
        alerts_breaker_closed(
            integration=attempt.integration, reason="circuit breaker closed: a send succeeded"
        )
    if decision == Decision.GAVE_UP:
        alert_services.alert_raise(
            integration=attempt.integration,
            order=attempt.order,
            kind=Kind.RETRY_EXHAUSTED,
            message=f"{attempt.decision}. Last error: {attempt.message}",
            code=problem_code(attempt),
            incident_id=attempt.incident_id,
        )


def alerts_record_attempt(*, attempt: Attempt) -> Alert | None:
    """What an attempt's outcome means for alerts: a success resolves the order's open alerts
    at that integration (one UPDATE); an action-required failure raises an alert whose kind
    comes from the attempt's error code; a transient failure raises nothing (``unavailable``
    and ``retry_exhausted`` come from the breaker and the give-up decision). Runs inside the
    caller's transaction: the writes join it and any e-mail is queued for after its commit.
    """
    if attempt.outcome == Attempt.Outcome.SUCCESS:
        alert_services.alerts_resolve_for(
            order=attempt.order,
            integration=attempt.integration,
            reason=f"success of order {attempt.order.number} (attempt {attempt.number})",
        )
        return None
    if attempt.outcome == Attempt.Outcome.ACTION_REQUIRED:
        message = attempt.message or (
            f"HTTP {attempt.remote_status} {attempt.error_code}".strip()
            if attempt.remote_status
            else attempt.error_code
        )
        return alert_services.alert_raise(
            integration=attempt.integration,
            kind=ALERT_KIND_BY_CODE.get(attempt.error_code, Kind.VALIDATION),
            message=message,
            order=attempt.order,
            code=problem_code(attempt),
        )
    return None


def alerts_breaker_closed(*, integration: Integration, reason: str, actor=None) -> int:
    """The remote side is back: resolve the integration's ``unavailable`` alert."""
    return alert_services.alerts_resolve_for(
        order=None, integration=integration, kinds=[Kind.UNAVAILABLE], reason=reason, actor=actor
    )
