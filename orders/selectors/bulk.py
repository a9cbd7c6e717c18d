"""Reads of bulk operations: whose a person may see, and what became of the orders each one
sent again."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from orders.models import BulkOperation, Order
from orders.roles import may_read

BULK_READ_PERMISSIONS = ("orders.view_bulkoperation", "orders.resubmit_order")


def may_read_bulk_operations(user) -> bool:
    """Reading bulk operations takes either permission, as the admin's page does: one who may
    resubmit may follow what their resubmits did."""
    return any(may_read(user, permission) for permission in BULK_READ_PERMISSIONS)


def bulk_operation_list(*, user) -> QuerySet[BulkOperation]:
    """The bulk operations ``user`` may see, newest first: as staff all, else their own. The
    order keys (``ids``, ``resubmitted_ids``: many thousand for a large run) are not loaded."""
    operations = BulkOperation.objects.defer("ids", "resubmitted_ids")
    if not may_read_bulk_operations(user):
        return operations.none()
    if not user.is_staff:
        operations = operations.filter(requested_by=user)
    return operations.order_by("-created", "-pk")


def bulk_operation_resubmitted_ids(*, operation_id: int) -> list[int] | None:
    """The keys of the orders operation ``operation_id`` sent again; ``None`` if it does not
    exist."""
    found = BulkOperation.objects.filter(pk=operation_id).values_list("resubmitted_ids", flat=True)
    return next(iter(found), None)


@dataclass(frozen=True)
class Outcome:
    """What became of a bulk operation's resubmitted orders, by what they are now."""

    label: str
    state: str
    count: int


OUTCOME_LABELS = {
    Order.State.DONE: "done",
    Order.State.ERRED: "failed again",
    Order.State.EXECUTING: "still in flight",
}


def bulk_operation_outcomes(*, operation) -> list[Outcome]:
    """The orders ``operation`` sent again, counted by their state now (done, failed again,
    still in flight, then any other), in one grouped query."""
    if not operation.resubmitted_ids:
        return []
    counts = dict(
        Order.objects.filter(pk__any=operation.resubmitted_ids)
        .order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
    )
    known = [Outcome(label, state, counts.pop(state, 0)) for state, label in OUTCOME_LABELS.items()]
    others = [
        Outcome(Order.State(state).label.lower(), state, count)
        for state, count in sorted(counts.items())
    ]
    return known + others
