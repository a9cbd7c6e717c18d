"""The demo's orders, each with its resource, delivery, attempts and transitions, written in
bulk (``seed_demo``): one INSERT per table and batch, not one per order.

Every time written is in the past, except where the history ends in a scheduled automatic
retry (``demo.history``).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from demo import history as demo_history
from demo.rows import rows_insert, rows_insert_returning
from demo.world import World
from integrations.models import Attempt, Delivery
from orders.models import Offering, Order, OrderTransition, Resource

S = Order.State
STATE_WEIGHTS = {
    S.PENDING_CONSUMER: 5,
    S.PENDING_PROVIDER: 8,
    S.EXECUTING: 7,
    S.DONE: 55,
    S.ERRED: 15,
    S.CANCELED: 5,
    S.REJECTED: 5,
}
FAILURE_KIND_WEIGHTS = {"transient": 5, "action_required": 4, "exhausted": 1}
FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus", "Radia"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton"]
REJECTIONS = ["Out of stock until next quarter", "Quota exceeded for this organization"]
RESOURCE_STATE = {
    S.DONE: Resource.State.OK,
    S.ERRED: Resource.State.ERRED,
}
MINUTE = timedelta(minutes=1)
TWO_WEEKS = 60 * 24 * 14


@dataclass
class Wanted:
    """An order a scene needs: of ``offering``, in ``state``, with the failure ``story`` (see
    ``demo.history``) or a ready ``history``, created at ``created`` (or drawn)."""

    offering: Offering
    state: str
    story: str = ""
    history: demo_history.History | None = None
    created: datetime | None = None


class DemoOrders:
    """Orders with their resources, deliveries, attempts and transitions, bulk-created.

    ``first`` numbers the orders' resources and e-mail addresses, so that orders added to an
    existing demo do not repeat those of the orders before them.
    """

    def __init__(self, world: World, rng: random.Random, now: datetime, *, first: int = 0):
        self.world = world
        self.rng = rng
        self.now = now
        self.first = first
        self.transitions: list[dict] = []
        self.attempts: list[dict] = []
        self.deliveries: list[dict] = []

    def create(self, count: int) -> list[Order]:
        """``count`` orders of the demo's offerings, in states drawn from ``STATE_WEIGHTS``."""
        return self.make([self._draw() for _ in range(count)])

    def make(self, wanted: list[Wanted]) -> list[Order]:
        """The orders of ``wanted``, with everything that happened to them."""
        numbers = range(self.first, self.first + len(wanted))
        plan = [self._plan(i, w) for i, w in zip(numbers, wanted, strict=True)]
        self.first += len(plan)
        resources = [
            {
                "name": f"{o.offering.name} #{i}",
                "offering_id": o.offering_id,
                "organization_id": o.consumer_organization_id,
                "state": RESOURCE_STATE.get(o.state, Resource.State.CREATING),
                "created": o.created,
            }
            for i, (o, _) in zip(numbers, plan, strict=True)
        ]
        for (order, _), pk in zip(
            plan, rows_insert_returning(Resource, resources, key="name"), strict=True
        ):
            order.resource_id = pk
        orders = [order for order, _ in plan]
        fields = [f.attname for f in Order._meta.concrete_fields if not f.primary_key]
        rows = [{name: getattr(order, name) for name in fields} for order in orders]
        for order, pk in zip(orders, rows_insert_returning(Order, rows, key="number"), strict=True):
            order.pk = pk
            order._state.adding = False
        sent = []
        for order, history in plan:
            delivery = self._history(order)
            if delivery is not None and history is not None:
                _delivery_after(delivery, order, history)
                sent.append((order, delivery, history))
            if delivery is not None:
                self.deliveries.append(delivery)
        for delivery, pk in zip(
            self.deliveries,
            rows_insert_returning(Delivery, self.deliveries, key="order_id"),
            strict=True,
        ):
            delivery["id"] = pk
        for order, delivery, history in sent:
            self._attempts(order, delivery, history)
        rows_insert(Attempt, self.attempts)
        rows_insert(OrderTransition, self.transitions)
        self.attempts, self.transitions, self.deliveries = [], [], []
        return orders

    def _draw(self) -> Wanted:
        rng = self.rng
        offering = rng.choice(self.world.offerings)
        state = rng.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()))[0]
        if offering.type == Offering.Type.BASIC and state == S.ERRED:
            state = S.EXECUTING
        story = ""
        if state == S.ERRED:
            kinds, weights = zip(*FAILURE_KIND_WEIGHTS.items(), strict=True)
            kind = rng.choices(kinds, weights)[0]
            agent = offering.type == Offering.Type.SITE_AGENT
            story = demo_history.story_for(kind=kind, agent=agent, rng=rng)
        return Wanted(offering, state, story)

    def _plan(self, i: int, wanted: Wanted) -> tuple[Order, demo_history.History | None]:
        rng, now = self.rng, self.now
        offering, state, history = wanted.offering, wanted.state, wanted.history
        consumer = rng.choice(self.world.consumers)
        created = wanted.created or now - timedelta(minutes=rng.randint(5, TWO_WEEKS))
        if state == S.ERRED and history is None:
            history = demo_history.erred_history(story=wanted.story, now=now, rng=rng)
        if state == S.ERRED:
            created = history.attempts[0].started_at - timedelta(minutes=rng.randint(2, 30))
        elif state == S.DONE and offering.integration_id and history is None:
            created = now - timedelta(minutes=rng.randint(150, TWO_WEEKS))
            sent_at = created + timedelta(minutes=rng.randint(2, 20))
            agent = offering.type == Offering.Type.SITE_AGENT
            history = demo_history.done_history(agent=agent, sent_at=sent_at, rng=rng)
        elif state == S.DONE and history is None:  # done by hand, within two days
            created = wanted.created or now - timedelta(minutes=rng.randint(60 * 49, TWO_WEEKS))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        quantity = rng.randint(1, 3)
        if history and history.quantity:
            quantity = history.quantity
        order = Order(
            state=state,
            offering=offering,
            consumer_organization=consumer,
            created=created,
            customer_name=name,
            customer_email=f"{name.lower().replace(' ', '.')}.{i}@example.com",
            attributes={
                "sku": offering.name.upper().replace(" ", "-"),
                "quantity": quantity,
                "shipping_method": "EXPRESS-2" if rng.random() < 0.2 else "STANDARD",
                "shipping_address": {
                    "street": f"{i} Market St",
                    "city": "Springfield",
                    "postal_code": "" if history and history.needs_postal_code else "12345",
                },
            },
        )
        self._reviews(order)
        if history and state == S.ERRED:
            last = history.last
            order.error_message = last.result.summary
            order.error_traceback = last.result.traceback
            order.erred_at = last.finished_at
            order.failure_kind = history.failure_kind
            order.next_retry_at = history.next_retry_at
        elif state == S.DONE:
            order.completed_at = (
                history.last.finished_at
                if history
                else created + timedelta(minutes=rng.randint(60, 60 * 48))
            )
        elif state == S.REJECTED:
            order.rejection_reason = rng.choice(REJECTIONS)
        return order, history

    def _reviews(self, order: Order) -> None:
        """Who approved or rejected it, on each side, when ``_history`` says they did."""
        users = self.world.users
        if order.state in (S.PENDING_CONSUMER, S.CANCELED):
            return
        order.consumer_reviewed_by = self._shop(order)
        order.consumer_reviewed_at = order.created + MINUTE
        if order.state == S.PENDING_PROVIDER:
            return
        order.provider_reviewed_by = users["owner" if order.state == S.REJECTED else "staff"]
        order.provider_reviewed_at = order.created + 2 * MINUTE

    def _shop(self, order: Order):
        """The consumer's demo user, where the consumer has one."""
        globex = order.consumer_organization.name == "Globex Shop"
        return self.world.users["shop"] if globex else None

    def _record(self, order, name, source, target, at, actor=None, **details) -> None:
        self.transitions.append(
            {
                "order": order.pk,
                "transition": name,
                "source_state": source,
                "target_state": target,
                "actor": actor.pk if actor else None,
                "reason": details.pop("reason", ""),
                "details": json.dumps(details),
                "created": connection.ops.adapt_datetimefield_value(at),
            }
        )

    def _history(self, order: Order) -> dict | None:
        """The order's way to its state; its delivery's row, if it has one."""
        users, at = self.world.users, order.created
        shop = self._shop(order)
        self._record(order, "create", "", S.PENDING_CONSUMER, at, shop)
        if order.state == S.PENDING_CONSUMER:
            return None
        if order.state == S.CANCELED:
            self._record(order, "cancel", S.PENDING_CONSUMER, S.CANCELED, at + MINUTE, shop)
            return None
        self._record(
            order, "approve_by_consumer", S.PENDING_CONSUMER, S.PENDING_PROVIDER, at + MINUTE, shop
        )
        if order.state == S.PENDING_PROVIDER:
            return None
        if order.state == S.REJECTED:
            reason = order.rejection_reason
            self._record(
                order,
                "reject_by_provider",
                S.PENDING_PROVIDER,
                S.REJECTED,
                at + 2 * MINUTE,
                users["owner"],
                reason=reason,
            )
            return None
        self._record(
            order,
            "approve_by_provider",
            S.PENDING_PROVIDER,
            S.EXECUTING,
            at + 2 * MINUTE,
            users["staff"],
        )
        integration_id = order.offering.integration_id
        if integration_id is None:
            if order.state == S.DONE:
                self._record(
                    order, "set_done", S.EXECUTING, S.DONE, order.completed_at, users["staff"]
                )
            return None
        return {
            "order_id": order.pk,
            "integration_id": integration_id,
            "state": Delivery.State.QUEUED,
            "next_attempt_at": at + 2 * MINUTE,
            "created": at + 2 * MINUTE,
        }

    def _attempts(self, order: Order, delivery: dict, history: demo_history.History) -> None:
        staff = self.world.users["staff"]
        adapt = connection.ops.adapt_datetimefield_value
        for number, planned in enumerate(history.attempts, start=1):
            actor = staff if planned.by_person else None
            if number > 1:
                self._record(
                    order,
                    "retry",
                    S.ERRED,
                    S.EXECUTING,
                    planned.started_at,
                    actor,
                    trigger=planned.trigger,
                )
            result = planned.result
            self.attempts.append(
                {
                    "delivery": delivery["id"],
                    "order": order.pk,
                    "integration": delivery["integration_id"],
                    "number": number,
                    "trigger": planned.trigger,
                    "actor": actor.pk if actor else None,
                    "started_at": adapt(planned.started_at),
                    "finished_at": adapt(planned.finished_at),
                    "outcome": result.outcome,
                    "remote_status": result.remote_status,
                    "error_code": result.error_code,
                    "message": result.message,
                    "traceback": result.traceback,
                    "retry_after_seconds": result.retry_after_seconds,
                    "counts_toward_give_up": planned.counts_toward_give_up,
                    "decision": planned.decision,
                }
            )
            succeeded = result.outcome == Attempt.Outcome.SUCCESS
            self._record(
                order,
                "succeed" if succeeded else "fail",
                S.EXECUTING,
                S.DONE if succeeded else S.ERRED,
                planned.finished_at,
                reason="" if succeeded else result.summary,
                outcome=result.outcome,
                trigger=planned.trigger,
            )


def _delivery_after(delivery: dict, order: Order, history: demo_history.History) -> None:
    """The delivery's row as its attempts left it."""
    succeeded = history.last.result.outcome == Attempt.Outcome.SUCCESS
    delivery["state"] = Delivery.State.SUCCEEDED if succeeded else Delivery.State.FAILED
    delivery["attempt_count"] = len(history.attempts)
    delivery["next_attempt_at"] = history.next_retry_at
    delivery["pending_trigger"] = history.last.trigger
    if succeeded:
        delivery["external_id"] = f"SBX-{order.number[3:]}"
    else:
        cycle = history.cycle
        delivery["first_failed_at"] = cycle[0].finished_at
        delivery["counted_attempts"] = sum(a.counts_toward_give_up for a in cycle)
