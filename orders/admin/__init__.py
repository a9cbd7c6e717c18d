"""The operator console: the Failed orders queue, the order page with its actions, bulk
operations, and the catalogue (organizations, offerings, resources)."""

from orders.admin.bulk import BulkOperationAdmin
from orders.admin.catalog import (
    OfferingAdmin,
    OrganizationAdmin,
    ResourceAdmin,
    offering_page_shows,
)
from orders.admin.failed import FailedOrderAdmin
from orders.admin.orders import OrderAdmin, OrderTransitionInline, ReadOnlyInline, order_page_shows

__all__ = [
    "BulkOperationAdmin",
    "FailedOrderAdmin",
    "OfferingAdmin",
    "OrderAdmin",
    "OrderTransitionInline",
    "OrganizationAdmin",
    "ReadOnlyInline",
    "ResourceAdmin",
    "offering_page_shows",
    "order_page_shows",
]
