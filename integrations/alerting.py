"""What the delivery pipeline tells the alerts app, inside the transaction that recorded it."""

from __future__ import annotations

from alerts import services as alert_services
from integrations.models import Attempt, Integration


def alerts_for_attempt(*, attempt: Attempt, breaker: str) -> None:
    """Raise or resolve alerts for one recorded attempt.

    The alerts app maps the attempt's own outcome (a success resolves the order's open alerts;
    an action-required answer raises its kind). Two decisions only the pipeline knows add
    theirs: the breaker opened (``unavailable``) and the retry policy was used up
    (``retry_exhausted``). A transient failure alone raises nothing.
    """
    alert_services.alerts_record_attempt(attempt=attempt)
    if breaker == "opened":
        reason = Integration.objects.values_list("breaker_reason", flat=True).get(
            pk=attempt.integration_id
        )
        alert_services.alert_raise(
            integration=attempt.integration,
            kind="unavailable",
            message=f"Circuit breaker opened: {reason or attempt.message}",
        )
    if breaker == "closed":
        alerts_breaker_closed(
            integration=attempt.integration, reason="circuit breaker closed: a send succeeded"
        )
    if attempt.decision.startswith("gave up"):
        alert_services.alert_raise(
            integration=attempt.integration,
            order=attempt.order,
            kind="retry_exhausted",
            message=f"{attempt.decision}. Last error: {attempt.message}",
        )


def alerts_breaker_closed(*, integration: Integration, reason: str, actor=None) -> int:
    """The remote side is back: resolve the integration's ``unavailable`` alert."""
    return alert_services.alerts_resolve_for(
        order=None, integration=integration, kinds=["unavailable"], reason=reason, actor=actor
    )
