"""The orders app's models: the catalogue (organizations, offerings, resources), the order
with its state machine (``changes`` says what each transition changes) and history, and bulk
operations."""

from orders.models.bulk import BulkOperation, BulkOperationChunk, BulkPreview
from orders.models.catalog import Offering, Organization, Resource
from orders.models.order import (
    NUMBER_ALPHABET,
    FailedOrder,
    Order,
    OrderQuerySet,
    OrderTransition,
    new_order_number,
)
from orders.models.states import FailureKind, OrderState, OrderType, Trigger

__all__ = [
    "NUMBER_ALPHABET",
    "BulkOperation",
    "BulkOperationChunk",
    "BulkPreview",
    "FailedOrder",
    "FailureKind",
    "Offering",
    "Order",
    "OrderQuerySet",
    "OrderState",
    "OrderTransition",
    "OrderType",
    "Organization",
    "Resource",
    "Trigger",
    "new_order_number",
]
