"""Writes to one order at a time: approve, reject, cancel, mark done, retry, and the system's
dispatch results.

Each service checks the model permission and the object scope, runs inside
``transaction.atomic``, records the transition, and raises ``ApplicationError`` with a message a
user can act on when a rule is violated. What each transition changes is defined once, in
``orders.models.changes``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from core.errors import ApplicationError, Conflict, ErrorCode
from orders.models import Order, OrderTransition, Resource, Trigger, changes
from orders.services.completing import orders_complete
from orders.services.history import retries_record
from orders.signals import orders_to_send

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


def refusal(order: Order, name: str) -> ApplicationError:
    """Why transition ``name`` may not run on ``order``: its state, or a condition."""
    sources = list(Order.transition_sources(name))
    failing = [c for c in Order.transition_conditions(name) if not c(order)]
    if order.state in sources and failing:
        why = failing[0].refusal(order)
    else:
        why = f"it is {order.state}, and this is allowed only from {', '.join(sources)}"
    return ApplicationError(
        f"Cannot {VERBS[name]} order {order.number}: {why}.",
        conflict=Conflict.STATE,
        extra={"state": order.state, "allowed_states": sources},
    )


def _check(order: Order, name: str, *, actor, check_permission: bool = True) -> None:
    """May transition ``name`` run on ``order`` as ``actor`` (``None`` is the system)?"""
    method = getattr(order, name)
    if not can_proceed(method):
        raise refusal(order, name)
    if check_permission and actor is not None and not has_transition_perm(method, actor):
        permission = method._django_fsm.get_transition(order.state).permission
        rule = getattr(permission, "rule", "")
        raise ApplicationError(
            f"You are not allowed to {VERBS[name]} order {order.number}"
            + (f": {rule}." if rule else "."),
            code=ErrorCode.FORBIDDEN,
        )


def _transition(order: Order, name: str, **kwargs) -> str:
    """Run transition ``name`` and save the order; returns the state it left.

    The caller holds ``transaction.atomic``. Saving filters on the state the order was loaded
    with (ConcurrentTransitionMixin): if another transaction changed it first, our UPDATE waits
    for that transaction's row lock, then matches no row, and the caller gets a conflict.
    """
    source = order.state
    getattr(order, name)(**kwargs)
    try:
        order.save(update_fields=changes.FIELDS)
    except ConcurrentTransition as exc:
        raise ApplicationError(
            f"Order {order.number} was changed by someone else at the same time; "
            "reload it and try again.",
            conflict=Conflict.CHANGED,
        ) from exc
    return source


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
    """Check, run and record transition ``name`` (see ``_check`` and ``_transition``)."""
    _check(order, name, actor=actor, check_permission=check_permission)
    source = _transition(order, name, **kwargs)
    return OrderTransition.objects.create(
        order=order,
        transition=name,
        source_state=source,
        target_state=order.state,
        actor=actor,
        reason=reason,
        details=details or {},
    )


def retry_and_send(
    order: Order,
    *,
    actor,
    trigger: str,
    reason: str = "",
    check_permission: bool = True,
    integration_ids: list[int] | None = None,
) -> None:
    """Retry one erred order: record the error it clears (the same history row a bulk
    resubmit writes), move it to executing, its resource along, and send its failed
    deliveries (with ``integration_ids``, only those to these integrations)."""
    _check(order, "retry", actor=actor, check_permission=check_permission)
    retries_record(
        order_ids=[order.pk], actor=actor, trigger=trigger, reason=reason, now=timezone.now()
    )
    _transition(order, "retry")
    _set_resource_state(order, Order.RESOURCE_STATE_WHEN_SENT)
    orders_to_send([order.pk], trigger=trigger, actor=actor, integration_ids=integration_ids)


def _set_resource_state(order: Order, state_by_type: dict) -> None:
    if order.resource_id is None:
        return
    Resource.objects.filter(pk=order.resource_id).update(
        state=state_by_type[order.type], modified=timezone.now()
    )


def require_user(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("Authentication is required.", code=ErrorCode.FORBIDDEN)


@transaction.atomic
def order_approve(*, order: Order, actor) -> Order:
    """Approve on the side whose turn it is: the consumer's, then the provider's."""
    require_user(actor)
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
        orders_to_send([order.pk], trigger=Trigger.USER, actor=actor)
    return order


@transaction.atomic
def order_reject(*, order: Order, actor, reason: str) -> Order:
    """Reject a pending order; the reason is shown to the customer, so it is required."""
    require_user(actor)
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
    require_user(actor)
    _apply(order, "cancel", actor=actor, reason=reason)
    return order


@transaction.atomic
def order_set_done(*, order: Order, actor) -> Order:
    """A provider marks an executing order of a manual (basic) offering done."""
    require_user(actor)
    _apply(order, "set_done", actor=actor, at=timezone.now())
    _set_resource_state(order, Order.RESOURCE_STATE_WHEN_DONE)
    return order


@transaction.atomic
def order_retry(
    *, order: Order, actor, trigger: str = Trigger.USER, integration_ids: list[int] | None = None
) -> Order:
    """Send one erred order again; its current error moves to the history. Only its failed
    deliveries are sent (with ``integration_ids``, only those to these integrations; if
    another required delivery of it failed too, the order stays erred and only these go).

    ``actor=None`` is the system (a command run without ``--as``): no permission check.
    """
    if actor is not None:
        require_user(actor)
    if (
        integration_ids is not None
        and order.state == Order.State.ERRED
        and Order.objects.filter(pk=order.pk).failing_elsewhere(integration_ids).exists()
    ):
        # other failures stand: the order stays erred, only these deliveries go again
        return order_deliveries_resend(
            order=order, actor=actor, integration_ids=integration_ids, trigger=trigger
        )
    retry_and_send(order, actor=actor, trigger=trigger, integration_ids=integration_ids)
    return order


RESEND_STATES = (Order.State.EXECUTING, Order.State.ERRED, Order.State.DONE)
"""Where a failed delivery is sent again without the order's retry: an erred order with
other failures still standing, and an optional delivery of an executing or done order."""


@transaction.atomic
def order_deliveries_resend(
    *, order: Order, actor, integration_ids: list[int], trigger: str = Trigger.USER
) -> Order:
    """Send again the failed deliveries of ``order`` to ``integration_ids`` while the order
    stays as it is (the caller, integrations' ``delivery_retry``, decided the order's retry
    is not wanted). The same permission and scope as retrying the order; ``actor=None`` is
    the system."""
    if actor is not None:
        require_user(actor)
        permission = Order.retry._django_fsm.get_transition(Order.State.ERRED).permission
        if not permission(order, actor):
            raise ApplicationError(
                f"You are not allowed to retry order {order.number}: {permission.rule}.",
                code=ErrorCode.FORBIDDEN,
            )
    if order.state not in RESEND_STATES:
        raise ApplicationError(
            f"Cannot send order {order.number} again: it is {order.state}.",
            conflict=Conflict.STATE,
            extra={"state": order.state, "allowed_states": list(RESEND_STATES)},
        )
    orders_to_send([order.pk], trigger=trigger, actor=actor, integration_ids=integration_ids)
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
        raise refusal(order, "succeed")
    order.refresh_from_db()
    return order


@transaction.atomic
def order_error_add(*, order: Order, message: str) -> Order:
    """The system records another failed send of an erred order (an order sent to several
    systems failed at a second one): its message joins the order's error, so the error names
    every failure. An order no longer erred is left as it is."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk, state=Order.State.ERRED).exclude(
        error_message__contains=message
    ).update(error_message=Concat(F("error_message"), Value("\n" + message)), modified=now)
    order.refresh_from_db(fields=["error_message", "modified"])
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
