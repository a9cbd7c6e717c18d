"""What each transition of an order changes beside its state, and when it may run.

One definition per transition, used alike by the transition method (one order, in memory,
saved by ``orders.services.transitions``) and by the set-based services (many orders in one
``UPDATE``: ``orders_send_again``, ``orders_complete``). A rule about which orders a transition
applies to is a ``Condition``: tested on one order by django-fsm, and as a ``Q`` by the admin's
confirmation pages, which count what an action would do without loading the orders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from orders.models.catalog import Offering
from orders.models.states import OrderState

RETRY_CLEARS: dict[str, Any] = {
    "failure_kind": "",
    "error_message": "",
    "error_traceback": "",
    "erred_at": None,
    "next_retry_at": None,
    "completed_at": None,
}
"""What a retry clears: the current error and its times (the history row keeps them)."""

FIELDS = [
    "state",
    "error_message",
    "error_traceback",
    "erred_at",
    "failure_kind",
    "next_retry_at",
    "completed_at",
    "consumer_reviewed_by",
    "consumer_reviewed_at",
    "provider_reviewed_by",
    "provider_reviewed_at",
    "rejection_reason",
    "modified",
]
"""Every field a transition may change: what saving a transitioned order writes."""


def retry() -> dict[str, Any]:
    return dict(RETRY_CLEARS)


def succeed(*, at) -> dict[str, Any]:
    return {"completed_at": at}


def set_done(*, at) -> dict[str, Any]:
    return {"completed_at": at}


def fail(
    *, at, message: str, traceback: str = "", kind: str = "", next_retry_at=None
) -> dict[str, Any]:
    return {
        "error_message": message,
        "error_traceback": traceback,
        "erred_at": at,
        "failure_kind": kind,
        "next_retry_at": next_retry_at,
    }


def reviewed(side: str, *, by, at) -> dict[str, Any]:
    """An approval or rejection records who reviewed on which side (consumer, provider)."""
    return {f"{side}_reviewed_by": by, f"{side}_reviewed_at": at}


def rejected(side: str, *, by, at, rejection_reason: str) -> dict[str, Any]:
    return reviewed(side, by=by, at=at) | {"rejection_reason": rejection_reason}


@dataclass(frozen=True)
class Condition:
    """A rule a transition checks besides its source state: on one order (``test``, what
    django-fsm calls) and on many (``q``, a filter on orders).

    ``refusal(order)`` says why an order was refused, ``reason`` labels the orders a selection
    cannot act on, ``reason_for(order)`` labels one of them.
    """

    test: Callable[[Any], bool]
    q: Q
    reason: str
    refusal: Callable[[Any], str]
    reason_for: Callable[[Any], str]

    def __call__(self, order) -> bool:
        return self.test(order)


def _is_manual(order) -> bool:
    return order.offering.type == Offering.Type.BASIC


MANUAL_OFFERING = Condition(
    test=_is_manual,
    q=Q(offering__type=Offering.Type.BASIC),
    reason="offering type: only orders of manual (basic) offerings",
    refusal=lambda order: (
        f"only orders of manual (basic) offerings can be marked done, and {order.offering} "
        f"is {order.offering.get_type_display()}"
    ),
    reason_for=lambda order: f"offering type: {order.offering.get_type_display()}",
)
"""Marking done is for what a person fulfils by hand: orders of basic offerings."""

NOTHING_SENT = Condition(
    test=lambda order: order.state != OrderState.EXECUTING or _is_manual(order),
    q=~Q(state=OrderState.EXECUTING) | Q(offering__type=Offering.Type.BASIC),
    reason="executing: only orders of manual (basic) offerings can be canceled while executing",
    refusal=lambda order: "an executing order can be canceled only for a manual (basic) offering",
    reason_for=lambda order: f"executing at {order.offering.get_type_display()}",
)
"""Canceling is for orders nothing was sent for: pending ones, and manual ones."""
