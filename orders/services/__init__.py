"""Every write to orders. Admin actions, API views, tasks and commands call these functions;
a rule lives here once.

- ``transitions``: one order's state changes (approve, reject, cancel, mark done, retry, and the
  system's dispatch results);
- ``placing``: placing an order and editing it;
- ``resubmit``: set-based resubmits and the sweep's automatic retries;
- ``completing``: set-based completion of many orders the pipeline delivered;
- ``history``: the history row a retry writes, alone or in bulk;
- ``bulk``: every resubmit as a bulk operation, run in the background with progress, cancel
  and resume, confirmed from a frozen preview;
- ``bulk_edit``: edit many, then resend (a JSON Merge Patch on the attributes of a bulk
  resubmit's orders, checked and audited per order);
- ``resources``: a resource follows its order.

What each transition changes is defined in ``orders.models.changes``; an order entering
``executing`` is announced with ``orders.signals.orders_to_send``.
"""

from orders.services.bulk import (
    GONE,
    background_threshold,
    bulk_operation_cancel,
    bulk_operation_run,
    bulk_operation_start,
    bulk_operations_resume,
    bulk_preview_create,
    orders_resubmit_recorded,
)
from orders.services.completing import orders_complete
from orders.services.placing import EDITABLE_FIELDS, order_create, order_edit
from orders.services.resubmit import (
    CHANGED_MEANWHILE,
    CHANGED_SINCE_PREVIEW,
    NOT_ERRED,
    OUT_OF_SCOPE,
    ROW_FIELDS,
    ResubmitResult,
    SkippedOrder,
    orders_resubmit,
    orders_send_again,
)
from orders.services.transitions import (
    RESEND_STATES,
    order_approve,
    order_cancel,
    order_complete,
    order_deliveries_resend,
    order_error_add,
    order_fail,
    order_reject,
    order_retry,
    order_set_done,
    refusal,
)

__all__ = [
    "CHANGED_MEANWHILE",
    "CHANGED_SINCE_PREVIEW",
    "EDITABLE_FIELDS",
    "GONE",
    "NOT_ERRED",
    "OUT_OF_SCOPE",
    "RESEND_STATES",
    "ROW_FIELDS",
    "ResubmitResult",
    "SkippedOrder",
    "background_threshold",
    "bulk_operation_cancel",
    "bulk_operation_run",
    "bulk_operation_start",
    "bulk_operations_resume",
    "bulk_preview_create",
    "order_approve",
    "order_cancel",
    "order_complete",
    "order_create",
    "order_deliveries_resend",
    "order_edit",
    "order_error_add",
    "order_fail",
    "order_reject",
    "order_retry",
    "order_set_done",
    "orders_complete",
    "orders_resubmit",
    "orders_resubmit_recorded",
    "orders_send_again",
    "refusal",
]
