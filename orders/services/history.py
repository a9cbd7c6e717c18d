"""The transition history of orders: what a retry keeps of the error it clears.

One builder for a retry's history row, whether one order is retried or thousands are
resubmitted at once: an ``INSERT ... SELECT`` that the database fills from the order rows
themselves before they change (no error or traceback travels through Python), so the row of an
order retried alone and of one resubmitted in bulk are the same.
"""

from __future__ import annotations

from django.db.models import DateTimeField, F, IntegerField, Value
from django.db.models.functions import JSONObject

from core.sql import IsoFormat, insert_select
from orders.models import Order, OrderTransition, Trigger, changes

DETAIL_KEYS = {"next_retry_at": "due"}
RETRY_DETAILS = {DETAIL_KEYS.get(field, field): field for field in changes.RETRY_CLEARS}
"""A retry's ``details``: key -> the field whose value it had (every field the retry clears;
the next automatic retry that was due is ``due``)."""


def retry_reason(trigger: str, reason: str = "") -> str:
    return reason or ("automatic retry" if trigger == Trigger.AUTOMATIC else "")


def retries_record(*, order_ids: list[int], actor, trigger: str, reason: str = "", now) -> None:
    """One ``retry`` history row per order, carrying the error it is about to lose. Runs
    before the orders change; the caller holds their rows."""
    details = JSONObject(
        **{key: _as_json(field) for key, field in RETRY_DETAILS.items()},
        trigger=Value(str(trigger)),
    )
    source = Order.objects.filter(pk__any=order_ids).values_list(
        "pk",
        Value("retry"),
        F("state"),
        Value(Order.transition_target("retry")),
        Value(actor.pk if actor is not None else None, output_field=IntegerField()),
        Value(retry_reason(trigger, reason)),
        details,
        Value(now, output_field=DateTimeField()),
    )
    insert_select(OrderTransition, OrderTransition.ROW_FIELDS, source)


def _as_json(field: str):
    """A field's value as the JSON holds it: datetimes as ``isoformat()`` text."""
    if isinstance(Order._meta.get_field(field), DateTimeField):
        return IsoFormat(F(field))
    return F(field)
