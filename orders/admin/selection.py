"""What an order action would do to a selection, counted in SQL for its confirmation page.

``selection_breakdown`` counts, in one aggregate query, how many selected orders the action
will act on and how many it cannot, by reason (wrong state, offering type, no permission or
out of scope: the rules the services apply), and fetches a sample of each: a fixed number of
queries whatever the size of the selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Q, Value, When

from orders.models import Order
from orders.models.changes import Condition
from orders.roles import CONSUMER_SIDE, PROVIDER_SIDE, consumer_scope, provider_scope
from orders.selectors import (
    EDIT_GRACE,
    NEEDS_PERSON,
    UNCHANGED_SINCE_FAILURE,
    resubmit_breakdown,
)

__all__ = ["EDIT_GRACE", "NEEDS_PERSON", "UNCHANGED_SINCE_FAILURE", "selection_breakdown"]

SAMPLE_SIZE = 20
S = Order.State


@dataclass(frozen=True)
class OrderAction:
    """An admin action and the transitions it runs: where it applies is read off those
    transitions (their source states and ``Condition``s), never restated here."""

    name: str
    label: str
    permission: str
    transitions: tuple[str, ...]
    warning: str
    approval: bool = False
    set_based: bool = False

    @property
    def codename(self) -> str:
        return f"orders.{self.permission}_order"

    @property
    def sources(self) -> tuple[str, ...]:
        return Order.transition_sources(*self.transitions)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return Order.transition_conditions(*self.transitions)

    def applies_to(self, order: Order) -> bool:
        """From the order's state, and every condition holds (the order page's buttons)."""
        return order.state in self.sources and all(test(order) for test in self.conditions)


ACTIONS = {
    action.name: action
    for action in [
        OrderAction(
            "retry_selected",
            "Retry",
            "retry",
            ("retry",),
            "Each order is sent again now, one at a time. Its current error (message and "
            "traceback) moves to the history and a fresh retry cycle starts.",
        ),
        OrderAction(
            "resubmit_selected",
            "Resubmit for provisioning",
            "resubmit",
            ("retry",),
            "The orders go back to executing and are sent again, in batches. Their current "
            "errors move to the history and a fresh retry cycle starts for each.",
            set_based=True,
        ),
        OrderAction(
            "mark_done_selected",
            "Mark as done",
            "mark_done",
            ("set_done",),
            "The orders are recorded as fulfilled by hand, and their resources become ok.",
        ),
        OrderAction(
            "approve_selected",
            "Approve",
            "approve",
            ("approve_by_consumer", "approve_by_provider"),
            "Each order is approved for the side whose turn it is; an order that needs no "
            "further approval goes to executing and is sent.",
            approval=True,
        ),
        OrderAction(
            "reject_selected",
            "Reject",
            "reject",
            ("reject_by_consumer", "reject_by_provider"),
            "The orders are rejected; the reason is shown to the customer.",
            approval=True,
        ),
    ]
}


@dataclass
class Breakdown:
    total: int
    actionable: int
    cannot: list[tuple[str, int]] = field(default_factory=list)
    sample: list = field(default_factory=list)
    sample_cannot: list[tuple[Order, str]] = field(default_factory=list)
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_integration: list[tuple[str, int]] = field(default_factory=list)
    by_backend: list[tuple[str, int]] = field(default_factory=list)
    needs_person: int = 0
    unchanged_needs_person: int = 0
    """Of the orders to act on: failed for a reason a person must fix, and of those, not edited
    since (sent unchanged, they will most likely fail the same way)."""
    runs: list[list[int]] | None = None
    """A set-based action's orders to act on as runs of keys, found with the breakdown (the
    confirmation's frozen set); ``runs_without_needs_person``: the same without those that
    need a person, when some but not all do."""
    runs_without_needs_person: list[list[int]] | None = None

    @property
    def cannot_count(self) -> int:
        return self.total - self.actionable

    @property
    def without_needs_person(self) -> int:
        return self.actionable - self.needs_person


def _scope(action: OrderAction, user) -> Q | None:
    """Which orders ``user`` may act on for ``action``; ``None`` for all (staff)."""
    if user.is_staff:
        return None
    if action.approval:
        return Q(state=S.PENDING_CONSUMER, pk__in=_scoped(consumer_scope(user))) | Q(
            state=S.PENDING_PROVIDER, pk__in=_scoped(provider_scope(user))
        )
    return Q(pk__in=_scoped(provider_scope(user)))


def _scoped(scope: Q):
    return Order.objects.filter(scope).values("pk")


def out_of_scope_reason(action: OrderAction) -> str:
    """Why a user with the permission may still not act on an order: whose orders they are."""
    if action.approval:
        return (
            "no permission: not your side's turn (a pending consumer order is approved by "
            f"{CONSUMER_SIDE}, a pending provider order by {PROVIDER_SIDE})"
        )
    return f"no permission: {action.label.lower()!r} is for {PROVIDER_SIDE}"


def _sources_label(action: OrderAction) -> str:
    return " or ".join(str(S(state).label).lower() for state in action.sources)


def selection_breakdown(*, queryset, action: OrderAction, user) -> Breakdown:
    """What ``action`` would do to ``queryset`` as ``user``: one aggregate and two samples."""
    in_state = Q(state__in=action.sources)
    conditions = Q()
    for condition in action.conditions:
        conditions &= condition.q
    scope = _scope(action, user)
    permitted = user.has_perm(action.codename)
    counts = {"total": Count("pk")}
    for state in S:
        if state not in action.sources:
            counts[f"state_{state}"] = Count("pk", filter=Q(state=state))
    for n, condition in enumerate(action.conditions):
        counts[f"condition_{n}"] = Count("pk", filter=in_state & ~condition.q)
    if scope is not None:
        counts["out_of_scope"] = Count("pk", filter=in_state & conditions & ~scope)
    found = queryset.order_by().aggregate(**counts)
    cannot = [
        (
            f"wrong state: {S(state).label.lower()} "
            f"({action.label.lower()} applies only to {_sources_label(action)} orders)",
            found[f"state_{state}"],
        )
        for state in S
        if state not in action.sources and found[f"state_{state}"]
    ]
    for n, condition in enumerate(action.conditions):
        if found[f"condition_{n}"]:
            cannot.append((condition.reason, found[f"condition_{n}"]))
    if found.get("out_of_scope"):
        cannot.append((out_of_scope_reason(action), found["out_of_scope"]))
    actionable = found["total"] - sum(count for _, count in cannot)
    if not permitted and actionable:
        cannot.append((f"no permission: you may not {action.label.lower()} orders", actionable))
        actionable = 0
    can = in_state & conditions & (scope if scope is not None else Q())
    rows = queryset.select_related("offering", "consumer_organization")
    result = Breakdown(total=found["total"], actionable=actionable, cannot=cannot)
    if actionable:
        result.sample = list(rows.filter(can)[:SAMPLE_SIZE])
        if "retry" in action.transitions:
            _break_down(result, queryset.filter(can), with_runs=action.set_based)
    if result.total > actionable:
        flagged = rows.annotate(
            may_act=Case(
                When(can, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        cannot_rows = flagged.exclude(can) if permitted else flagged
        for order in cannot_rows[:SAMPLE_SIZE]:
            result.sample_cannot.append((order, _reason(order, action, permitted)))
    return result


def _break_down(result: Breakdown, actionable, *, with_runs: bool) -> None:
    """The orders to send again by failure kind, integration and backend, and how many need a
    person (``orders.selectors.resubmit_breakdown``, which the API's dry run shows too); with
    ``with_runs``, their keys as runs, found in the same scan."""
    counted = resubmit_breakdown(orders=actionable, with_runs=with_runs)
    result.runs, result.runs_without_needs_person = counted.runs, counted.runs_without_needs_person
    result.by_kind, result.by_integration = counted.by_kind, counted.by_integration
    result.by_backend = counted.by_backend
    result.needs_person = counted.needs_person
    result.unchanged_needs_person = counted.unchanged_needs_person


def _reason(order: Order, action: OrderAction, permitted: bool) -> str:
    if order.state not in action.sources:
        return f"wrong state: {order.get_state_display().lower()}"
    for condition in action.conditions:
        if not condition(order):
            return condition.reason_for(order)
    if not permitted:
        return f"no permission: you may not {action.label.lower()} orders"
    if not order.may_act:
        return out_of_scope_reason(action)
    return ""
