"""The checks of the fault-injection run (``bench.chaos``): nothing lost, nothing sent twice,
no attempt row missing. ``verify`` works on plain data, so the verdict itself is tested
(``tests/bench/test_chaos_verdict.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import harness


@dataclass
class Findings:
    """The checks of a run over plain data, so the verdict itself can be tested."""

    problems: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    *,
    orders: dict[str, str],
    deliveries: list[dict],
    attempts: dict[int, list[tuple[int, str]]],
    accepted: dict[str, dict],
    send_counts: dict[str, int],
) -> Findings:
    """Nothing lost, nothing twice, no attempt row missing.

    ``orders``: order uuid -> state. ``deliveries``: one dict per delivery with ``id``,
    ``order_uuid``, ``key`` (idempotency key), ``state``, ``attempt_count``, ``external_id``.
    ``attempts``: delivery id -> [(number, outcome)]. ``accepted``: the sandbox's accepted
    orders by idempotency key. ``send_counts``: the sandbox's POSTs per key.
    """
    findings = Findings()
    problem = findings.problems.append
    not_done = sorted(uuid for uuid, state in orders.items() if state != "done")
    if not_done:
        problem(f"{len(not_done)} orders are not done, e.g. {not_done[:3]}")
    by_order: dict[str, list[dict]] = {}
    for delivery in deliveries:
        by_order.setdefault(delivery["order_uuid"], []).append(delivery)
    without = sorted(set(orders) - set(by_order))
    if without:
        problem(f"{len(without)} orders have no delivery, e.g. {without[:3]}")
    several = sorted(uuid for uuid, found in by_order.items() if len(found) > 1)
    if several:
        problem(f"{len(several)} orders have several deliveries, e.g. {several[:3]}")
    keys = {d["key"]: d for d in deliveries}
    if len(accepted) != len(orders):
        problem(f"the sandbox accepted {len(accepted)} orders, expected {len(orders)}")
    unknown = sorted(set(accepted) - set(keys))
    if unknown:
        problem(f"{len(unknown)} accepted keys belong to no delivery, e.g. {unknown[:3]}")
    missing = sorted(set(keys) - set(accepted))
    if missing:
        problem(f"{len(missing)} deliveries were never accepted, e.g. {missing[:3]}")
    accepted_orders: dict[str, list[str]] = {}
    for key, entry in accepted.items():
        accepted_orders.setdefault(str(entry["order"].get("uuid")), []).append(key)
    twice = sorted(uuid for uuid, found in accepted_orders.items() if len(found) > 1)
    if twice:
        problem(f"{len(twice)} orders were accepted under several keys, e.g. {twice[:3]}")
    stray = sorted(set(send_counts) - set(keys))
    if stray:
        problem(f"{len(stray)} keys were sent that no delivery has, e.g. {stray[:3]}")
    mismatched = [
        d["key"]
        for d in deliveries
        if d["key"] in accepted and d["external_id"] != accepted[d["key"]]["id"]
    ]
    if mismatched:
        problem(f"{len(mismatched)} deliveries record another external id than the sandbox")
    not_succeeded = [d["id"] for d in deliveries if d["state"] != "succeeded"]
    if not_succeeded:
        problem(f"{len(not_succeeded)} deliveries are not succeeded, e.g. {not_succeeded[:3]}")
    gaps, open_attempts, no_success = [], [], []
    for delivery in deliveries:
        rows = attempts.get(delivery["id"], [])
        numbers = sorted(number for number, _ in rows)
        if numbers != list(range(1, delivery["attempt_count"] + 1)):
            gaps.append(delivery["id"])
        if any(outcome == "" for _, outcome in rows):
            open_attempts.append(delivery["id"])
        if "success" not in {outcome for _, outcome in rows}:
            no_success.append(delivery["id"])
    if gaps:
        problem(
            f"{len(gaps)} deliveries' attempt rows do not match attempt_count 1..n, e.g. {gaps[:3]}"
        )
    if open_attempts:
        problem(f"{len(open_attempts)} deliveries have an attempt never closed")
    if no_success:
        problem(f"{len(no_success)} deliveries have no successful attempt")
    outcomes: dict[str, int] = {}
    for rows in attempts.values():
        for _, outcome in rows:
            outcomes[outcome or "open"] = outcomes.get(outcome or "open", 0) + 1
    findings.figures = {
        "orders": len(orders),
        "done": len(orders) - len(not_done),
        "accepted": len(accepted),
        "posts": sum(send_counts.values()),
        "keys_sent_more_than_once": sum(1 for c in send_counts.values() if c > 1),
        "max_posts_per_key": max(send_counts.values(), default=0),
        "attempts": sum(len(rows) for rows in attempts.values()),
        "attempt_outcomes": outcomes,
    }
    return findings


def judge(dataset, state: dict) -> tuple[dict[str, str], Findings]:
    """The data set's orders (uuid -> state) and the verdict against the sandbox's ``state``
    (``/_sandbox/state``: the keys it accepted, the POSTs per key)."""
    order_states, deliveries, attempts = collect(dataset)
    findings = verify(
        orders=order_states,
        deliveries=deliveries,
        attempts=attempts,
        accepted=state["accepted"],
        send_counts=state["send_counts"],
    )
    return order_states, findings


def collect(dataset: harness.Dataset) -> tuple[dict, list[dict], dict]:
    from integrations.models import Attempt, Delivery
    from orders.models import Order

    orders = dict(
        Order.objects.filter(pk__gte=dataset.first_pk, pk__lte=dataset.last_pk).values_list(
            "uuid", "state"
        )
    )
    deliveries = [
        {
            "id": row["pk"],
            "order_uuid": str(row["order__uuid"]),
            "key": str(row["idempotency_key"]),
            "state": row["state"],
            "attempt_count": row["attempt_count"],
            "external_id": row["external_id"],
        }
        for row in Delivery.objects.filter(integration_id=dataset.integration_id).values(
            "pk", "order__uuid", "idempotency_key", "state", "attempt_count", "external_id"
        )
    ]
    attempts: dict[int, list[tuple[int, str]]] = {}
    for delivery_id, number, outcome in Attempt.objects.filter(
        integration_id=dataset.integration_id
    ).values_list("delivery_id", "number", "outcome"):
        attempts.setdefault(delivery_id, []).append((number, outcome))
    return {str(k): v for k, v in orders.items()}, deliveries, attempts


def progress(dataset: harness.Dataset) -> dict[str, int]:
    from django.db.models import Count

    from integrations.models import Delivery
    from orders.models import Order

    states = dict(
        Order.objects.filter(pk__gte=dataset.first_pk, pk__lte=dataset.last_pk)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    held = Delivery.objects.filter(integration_id=dataset.integration_id, state="held").count()
    return {**states, "held deliveries": held}
