"""Reads of bulk operations: whose a person may see, and what became of the orders each one
sent again."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from orders.models import BulkOperation, BulkPreview, Order
from orders.roles import may_read

BULK_READ_PERMISSIONS = ("orders.view_bulkoperation", "orders.resubmit_order")


def may_read_bulk_operations(user) -> bool:
    """Reading bulk operations takes either permission, as the admin's page does: one who may
    resubmit may follow what their resubmits did."""
    return any(may_read(user, permission) for permission in BULK_READ_PERMISSIONS)


def bulk_operation_list(*, user) -> QuerySet[BulkOperation]:
    """The bulk operations ``user`` may see, newest first: as staff all, else their own. The
    selection (runs of keys) is not loaded."""
    operations = BulkOperation.objects.defer("selection")
    if not may_read_bulk_operations(user):
        return operations.none()
    if not user.is_staff:
        operations = operations.filter(requested_by=user)
    return operations.order_by("-created", "-pk")


def bulk_operation_exists(*, operation_id: int) -> bool:
    return BulkOperation.objects.filter(pk=operation_id).exists()


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
    if not operation.resubmitted:
        return []
    counts = dict(
        Order.objects.filter(pk__in=bulk_operation_resubmitted(operation_id=operation.pk))
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


def selection_runs(*, orders: QuerySet[Order]) -> list[list[int]]:
    """The keys of ``orders`` as ``[first, last]`` runs of consecutive keys, in order: what a
    bulk operation and a preview keep of a selection. Counted by the database in one query
    (gaps and islands), so a million orders are never read into Python one by one."""
    sql, params = orders.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(pk), max(pk) FROM (SELECT chosen.pk, chosen.pk - row_number() OVER "
            f"(ORDER BY chosen.pk) AS run FROM ({sql}) AS chosen) AS numbered "
            "GROUP BY run ORDER BY 1",
            params,
        )
        return [[first, last] for first, last in cursor.fetchall()]


def bulk_operation_resubmitted(*, operation_id: int) -> RawSQL:
    """The keys of the orders operation ``operation_id`` sent again, as a subquery
    (``pk__in=``): its chunks' lists, never gathered in Python."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT (jsonb_array_elements_text(resubmitted_ids))::bigint "
            "FROM orders_bulkoperationchunk WHERE operation_id = %s"
        )
    else:
        sql = (
            "SELECT sent.value FROM orders_bulkoperationchunk, "
            "json_each(orders_bulkoperationchunk.resubmitted_ids) AS sent "
            "WHERE orders_bulkoperationchunk.operation_id = %s"
        )
    return RawSQL(sql, [operation_id])


def bulk_operation_orders(*, operation_id: int) -> QuerySet[Order]:
    """The orders operation ``operation_id`` sent again."""
    return Order.objects.filter(pk__in=bulk_operation_resubmitted(operation_id=operation_id))


def preview_size(*, token: str, user) -> int | None:
    """How many orders the preview ``token`` of ``user`` froze; ``None`` if there is none."""
    found = BulkPreview.objects.filter(token=token, requested_by=user).values_list(
        "total", flat=True
    )
    return next(iter(found), None)
