"""Every write to orders. Admin actions, API views, tasks and commands call these functions.

Each service checks the model permission and the object scope, runs inside
``transaction.atomic``, records the transition, and raises ``ApplicationError`` with a message a
user can act on when a rule is violated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from config import metrics
from orders import dispatch
from orders.errors import ApplicationError
from orders.models import Offering, Order, OrderTransition, Organization, Resource
from orders.roles import provider_scope

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
def order_create(
    *,
    actor,
    offering: Offering,
    consumer_organization: Organization,
    type: str = Order.Type.CREATE,
    attributes: dict | None = None,
    customer_name: str = "",
    customer_email: str = "",
    resource: Resource | None = None,
) -> Order:
    """Place an order for ``consumer_organization``; it waits for the consumer's approval."""
    _require_user(actor)
    if not actor.has_perm("orders.add_order"):
        raise ApplicationError("You are not allowed to place orders.", code="forbidden")
    if not (actor.is_staff or consumer_organization.owners.filter(pk=actor.pk).exists()):
        raise ApplicationError(
            f"You cannot place orders for {consumer_organization}.", code="forbidden"
        )
    if type not in Order.Type.values:
        raise ApplicationError(f"Unknown order type {type!r}; use one of {Order.Type.values}.")
    if not isinstance(attributes or {}, dict):
        raise ApplicationError("Order attributes must be a JSON object.")
    if type == Order.Type.CREATE:
        if resource is not None:
            raise ApplicationError("A create order makes a new resource; do not name one.")
        resource = Resource.objects.create(
            name=(attributes or {}).get("name") or f"{offering.name} for {consumer_organization}",
            offering=offering,
            organization=consumer_organization,
        )
    elif resource is None:
        raise ApplicationError(f"An {type} order needs the resource it changes.")
    elif (
        resource.offering_id != offering.pk or resource.organization_id != consumer_organization.pk
    ):
        raise ApplicationError(
            f"Resource {resource} does not belong to this offering and organization."
        )
    order = Order.objects.create(
        offering=offering,
        consumer_organization=consumer_organization,
        resource=resource,
        type=type,
        attributes=attributes or {},
        customer_name=customer_name,
        customer_email=customer_email,
    )
    OrderTransition.objects.create(
        order=order,
        transition="create",
        source_state="",
        target_state=order.state,
        actor=actor,
    )
    return order


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
    """The system records a successful delivery: the order is done, its resource ok."""
    _apply(order, "succeed", actor=None, at=timezone.now(), details=details)
    _set_resource_state(order, Order.RESOURCE_STATE_WHEN_DONE)
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


@dataclass
class SkippedOrder:
    uuid: str
    number: str
    reason: str


@dataclass
class ResubmitResult:
    """What a bulk resubmit did (or, with ``dry_run``, would do)."""

    matched: int = 0
    resubmitted: int = 0
    skipped_count: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedOrder] = field(default_factory=list)
    dry_run: bool = False

    def skip(self, row: dict, reason: str, limit: int) -> None:
        self.skipped_count += 1
        self.skipped_by_reason[reason] = self.skipped_by_reason.get(reason, 0) + 1
        if len(self.skipped) < limit:
            self.skipped.append(SkippedOrder(str(row["uuid"]), row["number"], reason))


NOT_ERRED = "not erred: only erred orders can be resubmitted"
OUT_OF_SCOPE = "not allowed: the order is outside your organizations and offerings"
CHANGED_MEANWHILE = "changed by someone else during the resubmit"
ROW_FIELDS = ("pk", "uuid", "number", "state")


@metrics.observe_duration(metrics.BULK_RESUBMIT_SECONDS, unless="dry_run")
def orders_resubmit(
    *,
    orders: QuerySet[Order],
    actor,
    dry_run: bool = False,
    trigger: str = "bulk",
    batch_size: int = 1000,
    skipped_limit: int = 1000,
    on_batch: Callable[[int], None] | None = None,
) -> ResubmitResult:
    """Resubmit every erred order of ``orders`` that ``actor`` may act on, set-based.

    Orders go in batches of ``batch_size`` by primary key, each batch in its own transaction
    with a fixed number of queries whatever its size: read the batch, check the scope, lock the
    still-erred rows with ``SKIP LOCKED``, update them, update their resources (one query per
    order type), insert the history rows, queue the dispatch after commit. A batch is applied
    whole or not at all; a run cut short is safe to repeat, as resubmitted orders are no longer
    erred. A row another transaction holds is skipped, not waited for.

    ``actor=None`` is the system (a command run without ``--as``).
    """
    if actor is not None and not actor.has_perm("orders.resubmit_order"):
        raise ApplicationError("You are not allowed to resubmit orders.", code="forbidden")
    scope = None if actor is None or actor.is_staff else provider_scope(actor)
    result = ResubmitResult(dry_run=dry_run)
    last_pk = 0
    base = orders.order_by().order_by("pk")
    while True:
        rows = list(base.filter(pk__gt=last_pk).values(*ROW_FIELDS)[:batch_size])
        if not rows:
            break
        last_pk = rows[-1]["pk"]
        result.matched += len(rows)
        in_scope = (
            None
            if scope is None
            else set(
                Order.objects.filter(scope, pk__in=[r["pk"] for r in rows]).values_list(
                    "pk", flat=True
                )
            )
        )
        candidates = []
        for row in rows:
            if in_scope is not None and row["pk"] not in in_scope:
                result.skip(row, OUT_OF_SCOPE, skipped_limit)
            elif row["state"] != Order.State.ERRED:
                result.skip(row, NOT_ERRED, skipped_limit)
            else:
                candidates.append(row)
        if dry_run:
            result.resubmitted += len(candidates)
        elif candidates:
            done = set(
                orders_send_again(
                    order_ids=[row["pk"] for row in candidates], actor=actor, trigger=trigger
                )
            )
            result.resubmitted += len(done)
            for row in candidates:
                if row["pk"] not in done:
                    result.skip(row, CHANGED_MEANWHILE, skipped_limit)
        if on_batch:
            on_batch(len(rows))
    return result


def _history_of_sending_again(order_ids: list[int], *, actor, trigger: str, now) -> None:
    """One ``INSERT ... SELECT``: a ``retry`` history row per order, carrying the error it is
    about to lose, built by the database from the order rows themselves (no order, error or
    traceback travels through Python). Runs before the orders are updated."""
    details = JSONObject(
        failure_kind=F("failure_kind"),
        error_message=F("error_message"),
        error_traceback=F("error_traceback"),
        erred_at=F("erred_at"),
        completed_at=F("completed_at"),
        due=F("next_retry_at"),
        trigger=Value(trigger),
    )
    source = Order.objects.filter(pk__in=order_ids).values_list(
        "pk",
        Value("retry"),
        Value(Order.State.ERRED.value),
        Value(Order.State.EXECUTING.value),
        Value(actor.pk if actor is not None else None, output_field=IntegerField()),
        Value("automatic retry" if trigger == "automatic" else ""),
        details,
        Value(now, output_field=DateTimeField()),
    )
    fields = [
        "order",
        "transition",
        "source_state",
        "target_state",
        "actor",
        "reason",
        "details",
        "created",
    ]
    columns = ", ".join(
        connection.ops.quote_name(OrderTransition._meta.get_field(name).column) for name in fields
    )
    select, params = source.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(OrderTransition._meta.db_table)} "
            f"({columns}) {select}",
            params,
        )


@transaction.atomic
def orders_send_again(*, order_ids: list[int], actor, trigger: str) -> list[int]:
    """Move the still-erred orders of ``order_ids`` to executing at once, set-based.

    The caller has checked permission and scope (a person's resubmit) or is the system (the
    retry sweep). Returns the primary keys it moved; an order another transaction holds, or
    no longer erred, is left out. A fixed number of queries whatever the batch size: lock,
    history, update, one resource update per order type, the deliveries.
    """
    now = timezone.now()
    locked = list(
        Order.objects.filter(pk__in=order_ids, state=Order.State.ERRED)
        .order_by("pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    if not locked:
        return locked
    _history_of_sending_again(locked, actor=actor, trigger=trigger, now=now)
    Order.objects.filter(pk__in=locked).update(
        state=Order.State.EXECUTING,
        error_message="",
        error_traceback="",
        erred_at=None,
        failure_kind="",
        next_retry_at=None,
        completed_at=None,
        modified=now,
    )
    for order_type, resource_state in Order.RESOURCE_STATE_WHEN_SENT.items():
        Resource.objects.filter(
            pk__in=Order.objects.filter(pk__in=locked, type=order_type).values("resource_id")
        ).update(state=resource_state, modified=now)
    dispatch.queue(locked, trigger=trigger, actor=actor)
    return locked


EDITABLE_FIELDS = ("attributes", "customer_name", "customer_email")


@transaction.atomic
def order_edit(*, order: Order, actor, changes: dict[str, Any]) -> Order:
    """Change what is ordered or who it is for; state and history are not editable.

    Editing the attributes of an order that failed for a reason a person had to fix (a bad
    address, an unmapped ship method) sends it again at once, with the trigger ``edit``.
    """
    _require_user(actor)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ApplicationError(
            f"Cannot edit {', '.join(unknown)}; editable fields: {', '.join(EDITABLE_FIELDS)}."
        )
    if not (
        actor.has_perm("orders.change_order")
        and (actor.is_staff or Order.objects.filter(provider_scope(actor), pk=order.pk).exists())
    ):
        raise ApplicationError(
            f"You are not allowed to edit order {order.number}.", code="forbidden"
        )
    if "attributes" in changes and not isinstance(changes["attributes"], dict):
        raise ApplicationError(
            "Order attributes must be a JSON object.", extra={"field": "attributes"}
        )
    for name, value in changes.items():
        setattr(order, name, value)
    order.save(update_fields=[*changes, "modified"])
    if (
        "attributes" in changes
        and order.state == Order.State.ERRED
        and order.failure_kind == Order.FailureKind.ACTION_REQUIRED
    ):
        _apply(
            order,
            "retry",
            actor=actor,
            check_permission=False,
            reason="attributes edited",
            details=_error_snapshot(order) | {"trigger": "edit"},
        )
        _set_resource_state(order, Order.RESOURCE_STATE_WHEN_SENT)
        dispatch.queue([order.pk], trigger="edit", actor=actor)
    return order
