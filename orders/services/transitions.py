"""Writes to one order at a time: place, approve, reject, cancel, mark done, retry, edit, and
the system's dispatch results.

Each service checks the model permission and the object scope, runs inside
``transaction.atomic``, records the transition, and raises ``ApplicationError`` with a message a
user can act on when a rule is violated.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from orders import dispatch
from orders.errors import ApplicationError
from orders.models import Order, OrderTransition, Resource
from orders.services.completing import orders_complete

ORDER_FIELDS_SET_BY_TRANSITIONS = [
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

VERBS = {
    "approve_by_consumer": "approve",
    "approve_by_provider": "approve",
    "reject_by_consumer": "reject",
    "reject_by_provider": "reject",
    "cancel": "cancel",
    "set_done": "mark done",
    "succeed": "complete",
    "fail": "fail",
    "retry": "retry",
}


def _allowed_sources(method) -> list[str]:  # the bound transition's source states
    return sorted(str(state) for state in method._django_fsm.transitions)


def _refusal(order: Order, name: str) -> ApplicationError:
    verb = VERBS[name]
    sources = _allowed_sources(getattr(order, name))
    if order.state in sources and name == "set_done":
        why = (
            f"only orders of manual (basic) offerings can be marked done, and {order.offering} "
            f"is {order.offering.get_type_display()}"
        )
    elif order.state in sources and name == "cancel":
        why = "an executing order can be canceled only for a manual (basic) offering"
    else:
        why = f"it is {order.state}, and this is allowed only from {', '.join(sources)}"
    return ApplicationError(
        f"Cannot {verb} order {order.number}: {why}.",
        code="conflict",
        extra={"state": order.state, "allowed_states": sources},
    )


def _apply(
    order: Order,
    name: str,
    *,
    actor,
    check_permission: bool = True,
    reason: str = "",
    details: dict[str, Any] | None = None,
    **kwargs,
) -> OrderTransition:
    """Run transition ``name`` on ``order`` as ``actor`` (``None`` is the system) and record it.

    The caller holds ``transaction.atomic``. Saving filters on the state the order was loaded
    with (ConcurrentTransitionMixin): if another transaction changed it first, our UPDATE waits
    for that transaction's row lock, then matches no row, and the caller gets a conflict.
    """
    method = getattr(order, name)
    if not can_proceed(method):
        raise _refusal(order, name)
    if check_permission and actor is not None and not has_transition_perm(method, actor):
        raise ApplicationError(
            f"You are not allowed to {VERBS[name]} order {order.number}.", code="forbidden"
        )
    source = order.state
    method(**kwargs)
    try:
        order.save(update_fields=ORDER_FIELDS_SET_BY_TRANSITIONS)
    except ConcurrentTransition as exc:
        raise ApplicationError(
            f"Order {order.number} was changed by someone else at the same time; "
            "reload it and try again.",
            code="conflict",
        ) from exc
    return OrderTransition.objects.create(
        order=order,
        transition=name,
        source_state=source,
        target_state=order.state,
        actor=actor,
        reason=reason,
        details=details or {},
    )


def _set_resource_state(order: Order, state_by_type: dict) -> None:
    if order.resource_id is None:
        return
    Resource.objects.filter(pk=order.resource_id).update(
        state=state_by_type[order.type], modified=timezone.now()
    )


def _error_snapshot(order: Order) -> dict[str, Any]:
    return {
        "error_message": order.error_message,
        "error_traceback": order.error_traceback,
        "erred_at": order.erred_at.isoformat() if order.erred_at else None,
        "completed_at": order.completed_at.isoformat() if order.completed_at else None,
    }


def _require_user(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("Authentication is required.", code="forbidden")


@transaction.atomic
def order_approve(*, order: Order, actor) -> Order:
    """Approve on the side whose turn it is: the consumer's, then the provider's."""
    _require_user(actor)
    now = timezone.now()
    if order.state == Order.State.PENDING_CONSUMER:
        _apply(
            order,
            "approve_by_consumer",
            actor=actor,
            by=actor,
            at=now,
            needs_provider_approval=order.offering.needs_provider_approval(
                order.consumer_organization_id
            ),
        )
    else:
        _apply(order, "approve_by_provider", actor=actor, by=actor, at=now)
    if order.state == Order.State.EXECUTING:
        _set_resource_state(order, Order.RESOURCE_STATE_WHEN_SENT)
        dispatch.queue([order.pk], trigger="user", actor=actor)
    return order


@transaction.atomic
def order_reject(*, order: Order, actor, reason: str) -> Order:
    """Reject a pending order; the reason is shown to the customer, so it is required."""
    _require_user(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "A reason is required to reject an order.", extra={"field": "reason"}
        )
    name = (
        "reject_by_consumer"
        if order.state == Order.State.PENDING_CONSUMER
        else "reject_by_provider"
    )
    _apply(
        order,
        name,
        actor=actor,
        reason=reason,
        by=actor,
        at=timezone.now(),
        rejection_reason=reason,
    )
    return order


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str = "") -> Order:
    _require_user(actor)
    _apply(order, "cancel", actor=actor, reason=reason)
    return order


@transaction.atomic
def order_set_done(*, order: Order, actor) -> Order:
    """A provider marks an executing order of a manual (basic) offering done."""
    _require_user(actor)
    _apply(order, "set_done", actor=actor, at=timezone.now())
    _set_resource_state(order, Order.RESOURCE_STATE_WHEN_DONE)
    return order


@transaction.atomic
def order_retry(*, order: Order, actor, trigger: str = "user") -> Order:
    """Send one erred order again; its current error moves to the history.

    ``actor=None`` is the system (a command run without ``--as``): no permission check.
    """
    if actor is not None:
        _require_user(actor)
    _apply(order, "retry", actor=actor, details=_error_snapshot(order) | {"trigger": trigger})
    _set_resource_state(order, Order.RESOURCE_STATE_WHEN_SENT)
    dispatch.queue([order.pk], trigger=trigger, actor=actor)
    return order


@transaction.atomic
def order_complete(*, order: Order, details: dict | None = None) -> Order:
    """The system records a successful delivery: the order is done, its resource ok.

    One order through the set-based ``orders_complete``, which the delivery pipeline calls for
    many; an order the ``succeed`` transition does not start from is refused.
    """
    before = orders_complete(details={order.pk: details or {}}).get(order.pk)
    if before not in Order.transition_sources("succeed"):
        order.refresh_from_db()
        raise _refusal(order, "succeed")
    order.refresh_from_db()
    return order


@transaction.atomic
def order_fail(
    *,
    order: Order,
    message: str,
    traceback: str = "",
    kind: str = "",
    next_retry_at=None,
    details: dict | None = None,
) -> Order:
    """The system records a failed delivery: the order and its resource are erred.

    ``kind`` says what happens next (``Order.FailureKind``); ``next_retry_at`` is when the
    sweep will send it again, if it will.
    """
    _apply(
        order,
        "fail",
        actor=None,
        at=timezone.now(),
        message=message,
        traceback=traceback,
        kind=kind,
        next_retry_at=next_retry_at,
        details=details,
        reason=message,
    )
    if order.resource_id:
        Resource.objects.filter(pk=order.resource_id).update(
            state=Resource.State.ERRED, modified=timezone.now()
        )
    return order
