"""Every write to alerts and their e-mail. Admin actions, API views, tasks, commands and the
delivery pipeline call these functions."""

from alerts.services.alerts import (
    DismissResult,
    alert_dismiss,
    alert_raise,
    alerts_dismiss,
    alerts_resolve_for,
)
from alerts.services.emails import (
    DigestResult,
    MailResult,
    alert_digests_send,
    alert_notifications_send,
    digest_period,
)

__all__ = [
    "DigestResult",
    "DismissResult",
    "MailResult",
    "alert_digests_send",
    "alert_dismiss",
    "alert_notifications_send",
    "alert_raise",
    "alerts_dismiss",
    "alerts_resolve_for",
    "digest_period",
]
