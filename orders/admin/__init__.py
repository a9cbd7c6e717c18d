"""The operator console: the Failed orders queue, the order page with its actions, bulk
operations, and the catalogue (organizations, offerings, resources)."""

from orders.admin.bulk import BulkOperationAdmin
from orders.admin.catalog import OfferingAdmin, OrganizationAdmin, ResourceAdmin
from orders.admin.failed import FailedOrderAdmin
from orders.admin.orders import AttemptInline, OrderAdmin, OrderTransitionInline

__all__ = [
    "AttemptInline",
    "BulkOperationAdmin",
    "FailedOrderAdmin",
    "OfferingAdmin",
    "OrderAdmin",
    "OrderTransitionInline",
    "OrganizationAdmin",
    "ResourceAdmin",
]
