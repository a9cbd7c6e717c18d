"""The integrations' part of the console: the integration page, the offering page's routes,
the records of deliveries and attempts (with the order page's deliveries, their Retry, and
its attempt history), and the admin index's failure overview."""

from integrations.admin.incidents import IncidentAdmin
from integrations.admin.integration import IntegrationAdmin, MaintenanceWindowInline
from integrations.admin.records import AgentTokenAdmin, AttemptAdmin, AttemptInline, DeliveryAdmin
from integrations.admin.routes import RouteInline

__all__ = [
    "AgentTokenAdmin",
    "AttemptAdmin",
    "AttemptInline",
    "DeliveryAdmin",
    "IncidentAdmin",
    "IntegrationAdmin",
    "MaintenanceWindowInline",
    "RouteInline",
]
