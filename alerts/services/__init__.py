"""Every write to alerts, their problems and their e-mail. Admin actions, API views, tasks,
commands and the delivery pipeline call these functions."""

from alerts.services.alerts import (
    DismissResult,
    alert_dismiss,
    alert_raise,
    alerts_dismiss,
    alerts_resolve_for,
)
from alerts.services.contacts import (
    alert_contact_create,
    alert_contact_delete,
    alert_contact_update,
    alert_contacts_refusal_clear,
)
from alerts.services.digests import DigestResult, alert_digests_send, digest_period
from alerts.services.emails import MailResult, alert_notifications_send, problem_updates_queue
from alerts.services.problems import problems_resolve_for_incident, problems_settle
from alerts.services.webhooks import (
    WebhookResult,
    integration_webhooks,
    signature,
    webhooks_queue,
    webhooks_send,
)

__all__ = [
    "DigestResult",
    "DismissResult",
    "MailResult",
    "WebhookResult",
    "alert_contact_create",
    "alert_contact_delete",
    "alert_contact_update",
    "alert_contacts_refusal_clear",
    "alert_digests_send",
    "alert_dismiss",
    "alert_notifications_send",
    "alert_raise",
    "alerts_dismiss",
    "alerts_resolve_for",
    "digest_period",
    "integration_webhooks",
    "problem_updates_queue",
    "problems_resolve_for_incident",
    "problems_settle",
    "signature",
    "webhooks_queue",
    "webhooks_send",
]
