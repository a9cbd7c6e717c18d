"""The integrations app's models: integrations with their incidents, routes, deliveries and
attempts, retry claims, agent tokens and maintenance windows."""

from integrations.models.access import AgentToken, MaintenanceWindow
from integrations.models.delivery import Attempt, Delivery, HeldReason, RetryClaim, Route
from integrations.models.integration import BreakerState, Incident, Integration, RetryPolicy

__all__ = [
    "AgentToken",
    "Attempt",
    "BreakerState",
    "Delivery",
    "HeldReason",
    "Incident",
    "Integration",
    "MaintenanceWindow",
    "RetryClaim",
    "RetryPolicy",
    "Route",
]
