"""The demo's scenes: what the product does when things go wrong, played through its own
services once per demo database (``seed_demo``).

- every kind of alert open: the failed orders' last attempts raise theirs through
  ``integrations.services.alerts_for_attempt`` (dated when they happened); the carrier's
  breaker raises ``unavailable``; ``sync_failed``, which no code path raises yet (Redrive has
  no tracking or inventory sync), through ``alerts.services.alert_raise``;
- a maintenance window that ended two days ago, with the orders it held released and
  delivered (history: the service plans only windows that are still to end), and one planned
  for tomorrow through ``maintenance_window_create``;
- the carrier's outage: its first sends go out for real to an address where nothing listens,
  the breaker opens after ``breaker_threshold`` refused connections and the rest are held;
- staff resubmit failed orders from the admin (``orders_resubmit_recorded``, as the admin does
  for a selection that runs at once), answered by the sandbox's own rules (postal codes
  required): some go done, some fail again, and the operation's page counts them;
- one alert dismissed by staff, and the alert contacts of the demo users.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, AlertNotification, Kind, Problem
from core.errors import ApplicationError
from core.sql import update_from_values
from demo import history as demo_history
from demo.orders import DemoOrders, Wanted
from demo.world import CARRIER, SANDBOX, World, contacts_ensure
from integrations import backends
from integrations import services as integration_services
from integrations.codes import Decision
from integrations.models import Attempt, BreakerState, Delivery, MaintenanceWindow
from integrations.sandbox import SandboxMode
from integrations.sandbox.state import SandboxState
from orders import services as order_services
from orders.models import BulkOperation, Order

S = Order.State
DECISION_OF_KIND = {
    Order.FailureKind.ACTION_REQUIRED: Decision.ACTION_REQUIRED,
    Order.FailureKind.EXHAUSTED: Decision.GAVE_UP,
}
EVERY_FAILURE = ["address", "mapping", "credentials", "quantity", "exhausted", "transient"]
BULK_STORIES = ["exhausted"] * 4 + ["transient"] * 2 + ["address"] * 3
WINDOW_ORDERS = 5
OUTAGE_ORDERS = 12
PAST_WINDOW_NOTE = "Sandbox database upgrade (demo: ended, its held orders released)"
PLANNED_WINDOW_NOTE = "Sandbox certificate rotation (demo: planned)"
DISMISSED_BECAUSE = "the account's quantity limit was raised; the order was placed again by hand"


@dataclass
class Played:
    orders: int = 0
    windows: int = 0
    held: int = 0
    bulk: BulkOperation | None = None
    contacts: int = 0
    notes: list[str] = field(default_factory=list)


def history_alerts(orders: list[Order]) -> int:
    """Raise the alerts the last attempts of failed ``orders`` raised when they failed (a
    person must act, or retries were used up), through the pipeline's own mapping, then date
    them (and any mail queued for them, as sent) when the attempt happened. Returns how many
    orders have one."""
    failed = {o.pk: o for o in orders if o.state == S.ERRED and o.failure_kind in DECISION_OF_KIND}
    if not failed:
        return 0
    last: dict[int, Attempt] = {}
    for attempt in (
        Attempt.objects.filter(order_id__in=list(failed))
        .select_related("integration")
        .order_by("order_id", "number")
    ):
        last[attempt.order_id] = attempt
    for order_id, attempt in last.items():
        attempt.order = failed[order_id]
        decision = DECISION_OF_KIND[failed[order_id].failure_kind]
        integration_services.alerts_for_attempt(attempt=attempt, decision=decision)
    raised = list(
        Alert.objects.filter(order_id__in=list(last), status=Alert.Status.OPEN).values_list(
            "pk", "order_id"
        )
    )
    adapt = connection.ops.adapt_datetimefield_value
    update_from_values(
        Alert,
        key="id",
        columns=("id", "first_seen_at"),
        rows=[(pk, adapt(last[order_id].finished_at)) for pk, order_id in raised],
        assign={name: "v.first_seen_at" for name in ("first_seen_at", "last_seen_at", "opened_at")},
    )
    problems = Problem.objects.filter(alerts__pk__in=[pk for pk, _ in raised]).distinct()
    for problem in problems:
        span = problem.alerts.aggregate(first=Min("first_seen_at"), last=Max("last_seen_at"))
        Problem.objects.filter(pk=problem.pk).update(
            first_seen_at=span["first"], last_seen_at=span["last"], mailed_at=span["first"]
        )
    seen = Problem.objects.filter(pk=OuterRef("problem_id")).values("first_seen_at")[:1]
    AlertNotification.objects.filter(
        problem__in=problems.values("pk"), status=AlertNotification.Status.PENDING
    ).update(status=AlertNotification.Status.SENT, created=Subquery(seen), sent_at=Subquery(seen))
    return len(raised)


def scenes_played(world: World) -> bool:
    return Order.objects.filter(offering=world.freight).exists()


def scenes_play(world: World, demo: DemoOrders, *, now: datetime) -> Played:
    """Every scene, once: a no-op (``Played()``) when the demo has them already."""
    played = Played()
    if scenes_played(world):
        return played
    sandbox_offerings = [
        o for o in world.offerings if o.integration_id == world.integrations[SANDBOX].pk
    ]
    cloud, pallet = sandbox_offerings
    rack = next(o for o in world.offerings if o.type == "site_agent")
    failures = demo.make(
        [Wanted(cloud, S.ERRED, story) for story in EVERY_FAILURE]
        + [Wanted(rack, S.ERRED, "rack_full"), Wanted(rack, S.ERRED, "agent_busy")]
    )
    bulk = demo.make([Wanted(pallet, S.ERRED, story) for story in BULK_STORIES])
    history_alerts(failures + bulk)
    window_orders = _windows(world, demo, cloud, now=now)
    outage = _outage(world, demo, now=now)
    played.bulk = _bulk_resubmit(world, bulk)
    played.held = Delivery.objects.filter(
        integration=world.integrations[CARRIER], state=Delivery.State.HELD
    ).count()
    alert_services.alert_raise(
        integration=world.integrations[SANDBOX],
        kind=Kind.SYNC_FAILED,
        product_code="PALLET-SHIPPING",
        message="Inventory sync failed: the warehouse feed answered 502 Bad Gateway",
    )
    alert_services.alert_raise(
        integration=world.integrations[CARRIER],
        kind=Kind.GIVING_UP,
        code="24h",
        message="3 orders will be given up within 24 h unless the carrier answers or they are "
        "resent.",
    )
    quantity = Alert.objects.get(order__in=failures, kind=Kind.VALIDATION, order__offering=cloud)
    alert_services.alert_dismiss(
        alert=quantity, actor=world.users["staff"], reason=DISMISSED_BECAUSE
    )
    played.contacts = contacts_ensure(world)
    played.orders = len(failures) + len(bulk) + len(window_orders) + len(outage)
    played.windows = 2
    return played


def _windows(world: World, demo: DemoOrders, offering, *, now: datetime) -> list[Order]:
    """A window that ended two days ago, whose held orders went through when it ended, and one
    planned for tomorrow."""
    sandbox, staff = world.integrations[SANDBOX], world.users["staff"]
    starts = (now - timedelta(days=2)).replace(hour=2, minute=0, second=0, microsecond=0)
    ends = starts + timedelta(hours=1)
    released = ends + timedelta(seconds=2)  # the next release tick
    MaintenanceWindow.objects.create(
        integration=sandbox,
        starts_at=starts,
        ends_at=ends,
        released_at=released,
        note=PAST_WINDOW_NOTE,
        created_by=staff,
        created=starts - timedelta(days=1),
    )
    held = demo.make(
        [
            Wanted(
                offering,
                S.DONE,
                history=demo_history.released_history(
                    released_at=released + timedelta(seconds=i), rng=demo.rng
                ),
                created=starts + timedelta(minutes=5 + 10 * i),
            )
            for i in range(WINDOW_ORDERS)
        ]
    )
    tomorrow = (now + timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
    integration_services.maintenance_window_create(
        integration=sandbox,
        actor=staff,
        starts_at=tomorrow,
        ends_at=tomorrow + timedelta(minutes=90),
        note=PLANNED_WINDOW_NOTE,
    )
    return held


def _outage(world: World, demo: DemoOrders, *, now: datetime) -> list[Order]:
    """The carrier's first sends fail for real until its breaker opens; the rest are held."""
    carrier = world.integrations[CARRIER]
    orders = demo.make(
        [
            Wanted(world.freight, S.EXECUTING, created=now - timedelta(minutes=40 - 2 * i))
            for i in range(OUTAGE_ORDERS)
        ]
    )
    ids = list(
        Delivery.objects.filter(order__in=orders).order_by("pk").values_list("pk", flat=True)
    )
    integration_services.deliveries_send(delivery_ids=ids[: carrier.breaker_threshold])
    carrier.refresh_from_db()
    if carrier.breaker_state != BreakerState.OPEN:
        raise ApplicationError(
            f"{CARRIER} at {carrier.endpoint_url} answered, so its breaker did not open; the "
            "outage URL must be one where nothing listens."
        )
    integration_services.deliveries_claim(delivery_ids=ids[carrier.breaker_threshold :])
    return orders


def _bulk_resubmit(world: World, orders: list[Order]) -> BulkOperation:
    """Staff resubmit failed orders in bulk from the admin; the sandbox (postal codes
    required) takes those with an address and refuses the others again."""
    _, operation = order_services.orders_resubmit_recorded(
        orders=Order.objects.filter(pk__in=[o.pk for o in orders]),
        actor=world.users["staff"],
        source=BulkOperation.Source.ADMIN,
        filters={"state": S.ERRED, "offering__id__exact": str(orders[0].offering_id)},
    )
    ids = list(
        Delivery.objects.filter(order__in=orders).order_by("pk").values_list("pk", flat=True)
    )
    sandbox = SandboxState(token=None, mode=SandboxMode(require_postal_code=True))
    answered = [
        (claim, _sandbox_answer(sandbox, claim))
        for claim in integration_services.deliveries_claim(delivery_ids=ids)
    ]
    integration_services.successes_record(
        sent=[(c, r) for c, r in answered if r.outcome == Attempt.Outcome.SUCCESS]
    )
    for claim, result in answered:
        if result.outcome != Attempt.Outcome.SUCCESS:
            claim.attempt.finished_at = timezone.now()
            integration_services.attempt_record(attempt=claim.attempt, result=result)
    operation.refresh_from_db()
    return operation


def _sandbox_answer(sandbox: SandboxState, claim) -> backends.SendResult:
    """What the sandbox answers this send, classified as the HTTP backend classifies it."""
    response = sandbox.respond(
        idempotency_key=claim.idempotency_key,
        authorization=None,
        body=json.dumps(claim.payload).encode(),
        forced=None,
    )
    return backends.classify(
        response.status, headers=dict(response.headers), body=json.dumps(response.body).encode()
    )
