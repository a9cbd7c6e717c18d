"""What an order action would do to a selection, counted in SQL for its confirmation page.

``selection_breakdown`` counts, in one aggregate query, how many selected orders the action
will act on and how many it cannot, by reason (wrong state, offering type, no permission or
out of scope: the rules the services apply), and fetches a sample of each: a fixed number of
queries whatever the size of the selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Q, Value, When

from orders.models import Offering, Order
from orders.roles import consumer_scope, provider_scope

SAMPLE_SIZE = 20
S = Order.State


@dataclass(frozen=True)
class OrderAction:
    name: str
    label: str
    permission: str
    sources: tuple[str, ...]
    warning: str
    manual_only: bool = False
    approval: bool = False
    set_based: bool = False

    @property
    def codename(self) -> str:
        return f"orders.{self.permission}_order"


ACTIONS = {
    action.name: action
    for action in [
        OrderAction(
            "retry_selected",
            "Retry",
            "retry",
            Order.transition_sources("retry"),
            "Each order is sent again now, one at a time. Its current error (message and "
            "traceback) moves to the history and a fresh retry cycle starts.",
        ),
        OrderAction(
            "resubmit_selected",
            "Resubmit for provisioning",
            "resubmit",
            Order.transition_sources("retry"),
            "The orders go back to executing and are sent again, in batches. Their current "
            "errors move to the history and a fresh retry cycle starts for each.",
            set_based=True,
        ),
        OrderAction(
            "mark_done_selected",
            "Mark as done",
            "mark_done",
            Order.transition_sources("set_done"),
            "The orders are recorded as fulfilled by hand, and their resources become ok.",
            manual_only=True,
        ),
        OrderAction(
            "approve_selected",
            "Approve",
            "approve",
            Order.transition_sources("approve_by_consumer", "approve_by_provider"),
            "Each order is approved for the side whose turn it is; an order that needs no "
            "further approval goes to executing and is sent.",
            approval=True,
        ),
        OrderAction(
            "reject_selected",
            "Reject",
            "reject",
            Order.transition_sources("reject_by_consumer", "reject_by_provider"),
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

    @property
    def cannot_count(self) -> int:
        return self.total - self.actionable


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


def _sources_label(action: OrderAction) -> str:
    return " or ".join(str(S(state).label).lower() for state in action.sources)


def selection_breakdown(*, queryset, action: OrderAction, user) -> Breakdown:
    """What ``action`` would do to ``queryset`` as ``user``: one aggregate and two samples."""
    in_state = Q(state__in=action.sources)
    right_type = Q(offering__type=Offering.Type.BASIC) if action.manual_only else Q()
    scope = _scope(action, user)
    permitted = user.has_perm(action.codename)
    counts = {"total": Count("pk")}
    for state in S:
        if state not in action.sources:
            counts[f"state_{state}"] = Count("pk", filter=Q(state=state))
    if action.manual_only:
        counts["wrong_type"] = Count("pk", filter=in_state & ~right_type)
    if scope is not None:
        counts["out_of_scope"] = Count("pk", filter=in_state & right_type & ~scope)
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
    if found.get("wrong_type"):
        cannot.append(
            ("offering type: only orders of manual (basic) offerings", found["wrong_type"])
        )
    if found.get("out_of_scope"):
        cannot.append(
            ("no permission: outside your organizations and offerings", found["out_of_scope"])
        )
    actionable = found["total"] - sum(count for _, count in cannot)
    if not permitted and actionable:
        cannot.append((f"no permission: you may not {action.label.lower()} orders", actionable))
        actionable = 0
    can = in_state & right_type & (scope if scope is not None else Q())
    rows = queryset.select_related("offering", "consumer_organization")
    result = Breakdown(total=found["total"], actionable=actionable, cannot=cannot)
    if actionable:
        result.sample = list(rows.filter(can)[:SAMPLE_SIZE])
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


def _reason(order: Order, action: OrderAction, permitted: bool) -> str:
    if order.state not in action.sources:
        return f"wrong state: {order.get_state_display().lower()}"
    if action.manual_only and order.offering.type != Offering.Type.BASIC:
        return f"offering type: {order.offering.get_type_display()}"
    if not permitted or not order.may_act:
        return "no permission / out of scope"
    return ""
