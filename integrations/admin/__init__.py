"""The integrations' part of the console: the integration page, the records of deliveries and
attempts (with the order page's attempt history), and the admin index's failure overview."""

from integrations.admin.integration import IntegrationAdmin, MaintenanceWindowInline
from integrations.admin.records import AgentTokenAdmin, AttemptAdmin, AttemptInline, DeliveryAdmin

__all__ = [
    "AgentTokenAdmin",
    "AttemptAdmin",
    "AttemptInline",
    "DeliveryAdmin",
    "IntegrationAdmin",
    "MaintenanceWindowInline",
]
