"""The demo's orders, each with its resource, delivery, attempts and transitions, made with
one bulk INSERT per table (``seed_demo``)."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from demo import history as demo_history
from integrations.models import Attempt, Delivery
from orders.models import Offering, Order, OrderTransition, Organization, Resource

S = Order.State
BATCH = 2000
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


@dataclass
class World:
    offerings: list[Offering]
    consumers: list[Organization]
    users: dict = field(default_factory=dict)


class DemoOrders:
    """Every demo order with its resource, delivery, attempts and transitions, bulk-created:
    one INSERT per table and ``BATCH`` rows, not one per order."""

    def __init__(self, world: World, rng: random.Random, now: datetime):
        self.world = world
        self.rng = rng
        self.now = now
        self.transitions: list[OrderTransition] = []

    def create(self, count: int) -> int:
        plan = [self._plan(i) for i in range(count)]
        resources = Resource.objects.bulk_create(
            [
                Resource(
                    name=f"{o.offering.name} #{i}",
                    offering=o.offering,
                    organization=o.consumer_organization,
                    state=RESOURCE_STATE.get(o.state, Resource.State.CREATING),
                    created=o.created,
                )
                for i, (o, _) in enumerate(plan)
            ],
            batch_size=BATCH,
        )
        for (order, _), resource in zip(plan, resources, strict=True):
            order.resource = resource
        Order.objects.bulk_create([order for order, _ in plan], batch_size=BATCH)
        deliveries, attempts = [], []
        for order, history in plan:
            self._history(order, history, deliveries, attempts)
        Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
        Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        OrderTransition.objects.bulk_create(self.transitions, batch_size=BATCH)
        return count

    def _plan(self, i: int) -> tuple[Order, demo_history.History | None]:
        rng, now = self.rng, self.now
        offering = rng.choice(self.world.offerings)
        consumer = rng.choice(self.world.consumers)
        state = rng.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()))[0]
        if offering.type == Offering.Type.BASIC and state == S.ERRED:
            state = S.EXECUTING
        agent = offering.type == Offering.Type.SITE_AGENT
        created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 14))
        history = None
        if state == S.ERRED:
            kinds, weights = zip(*FAILURE_KIND_WEIGHTS.items(), strict=True)
            kind = rng.choices(kinds, weights)[0]
            history = demo_history.erred_history(kind=kind, agent=agent, now=now, rng=rng)
            created = history.attempts[0].started_at - timedelta(minutes=rng.randint(2, 30))
        elif state == S.DONE and offering.integration_id:
            created = now - timedelta(minutes=rng.randint(150, 60 * 24 * 14))
            sent_at = created + timedelta(minutes=rng.randint(1, 20))
            history = demo_history.done_history(agent=agent, sent_at=sent_at, rng=rng)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        order = Order(
            state=state,
            offering=offering,
            consumer_organization=consumer,
            created=created,
            customer_name=name,
            customer_email=f"{name.lower().replace(' ', '.')}.{i}@example.com",
            attributes={
                "sku": offering.name.upper().replace(" ", "-"),
                "quantity": rng.randint(1, 5),
                "shipping_method": "EXPRESS-2" if rng.random() < 0.2 else "STANDARD",
                "shipping_address": {
                    "street": f"{i} Market St",
                    "city": "Springfield",
                    "postal_code": "" if history and history.needs_postal_code else "12345",
                },
            },
        )
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
                else created + timedelta(hours=rng.randint(1, 48))
            )
        elif state == S.REJECTED:
            order.rejection_reason = rng.choice(REJECTIONS)
        return order, history

    def _record(self, order, name, source, target, at, actor=None, **details) -> None:
        self.transitions.append(
            OrderTransition(
                order=order,
                transition=name,
                source_state=source,
                target_state=target,
                actor=actor,
                reason=details.pop("reason", ""),
                details=details,
                created=at,
            )
        )

    def _history(self, order: Order, history, deliveries: list, attempts: list) -> None:
        users, at = self.world.users, order.created
        shop = users["shop"] if order.consumer_organization.name == "Globex Shop" else None
        self._record(order, "create", "", S.PENDING_CONSUMER, at, shop)
        minute = timedelta(minutes=1)
        if order.state == S.PENDING_CONSUMER:
            return
        if order.state == S.CANCELED:
            self._record(order, "cancel", S.PENDING_CONSUMER, S.CANCELED, at + minute, shop)
            return
        self._record(
            order, "approve_by_consumer", S.PENDING_CONSUMER, S.PENDING_PROVIDER, at + minute, shop
        )
        if order.state == S.PENDING_PROVIDER:
            return
        if order.state == S.REJECTED:
            reason = order.rejection_reason
            self._record(
                order,
                "reject_by_provider",
                S.PENDING_PROVIDER,
                S.REJECTED,
                at + 2 * minute,
                users["owner"],
                reason=reason,
            )
            return
        self._record(
            order,
            "approve_by_provider",
            S.PENDING_PROVIDER,
            S.EXECUTING,
            at + minute,
            users["staff"],
        )
        integration_id = order.offering.integration_id
        if integration_id is None:
            if order.state == S.DONE:
                self._record(
                    order, "set_done", S.EXECUTING, S.DONE, order.completed_at, users["staff"]
                )
            return
        delivery = Delivery(
            order=order,
            integration_id=integration_id,
            state=Delivery.State.QUEUED,
            next_attempt_at=at + minute,
            created=at + minute,
        )
        deliveries.append(delivery)
        if history is None:
            return
        self._attempts(order, delivery, history, attempts)

    def _attempts(self, order, delivery, history, attempts: list) -> None:
        staff = self.world.users["staff"]
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
            attempt = Attempt(
                delivery=delivery,
                order=order,
                integration_id=delivery.integration_id,
                number=number,
                trigger=planned.trigger,
                actor=actor,
                started_at=planned.started_at,
                finished_at=planned.finished_at,
                outcome=result.outcome,
                remote_status=result.remote_status,
                error_code=result.error_code,
                message=result.message,
                traceback=result.traceback,
                retry_after_seconds=result.retry_after_seconds,
                counts_toward_give_up=planned.counts_toward_give_up,
                decision=planned.decision,
            )
            attempts.append(attempt)
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
        succeeded = history.last.result.outcome == Attempt.Outcome.SUCCESS
        delivery.state = Delivery.State.SUCCEEDED if succeeded else Delivery.State.FAILED
        delivery.attempt_count = len(history.attempts)
        delivery.next_attempt_at = history.next_retry_at
        delivery.pending_trigger = history.last.trigger
        if succeeded:
            delivery.external_id = f"SBX-{order.number[3:]}"
        else:
            cycle = history.cycle
            delivery.first_failed_at = cycle[0].finished_at
            delivery.counted_attempts = sum(a.counts_toward_give_up for a in cycle)
