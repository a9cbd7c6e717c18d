"""The alerts app's admin: problems first (each with its orders' alerts inside), the alerts,
who hears of them, and what was e-mailed."""

from alerts.admin.alerts import AlertAdmin, AlertInline
from alerts.admin.contacts import (
    AlertContactAdmin,
    AlertNotificationAdmin,
    WebhookDeliveryAdmin,
)
from alerts.admin.problems import ProblemAdmin

__all__ = [
    "AlertAdmin",
    "AlertContactAdmin",
    "AlertInline",
    "AlertNotificationAdmin",
    "ProblemAdmin",
    "WebhookDeliveryAdmin",
]
