"""The sweep under concurrency, and a remote system's bad hour end to end."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from integrations import recovery
from integrations.models import Attempt, Delivery
from orders import services as order_services
from orders.models import Offering, Order
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory, manager_of

DEADLINE = 30.0


def due_orders(count: int) -> list[Order]:
    offering = OfferingFactory(type=Offering.Type.REMOTE)
    orders = [OrderFactory(state=Order.State.ERRED, offering=offering) for _ in range(count)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        failure_kind="transient", next_retry_at=timezone.now() - timedelta(minutes=1)
    )
    return orders


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_claim_disjoint_orders():
    # given: 10 due orders; sweep A claims 4 and holds its transaction open
    orders = due_orders(10)
    a_claimed, a_may_commit = threading.Event(), threading.Event()
    claimed = {}

    def sweep_a():
        try:
            with transaction.atomic():
                recovery.retries_claim_due(batch_size=4)
                claimed["a"] = set(
                    Order.objects.filter(state=Order.State.EXECUTING).values_list("pk", flat=True)
                )
                a_claimed.set()
                assert a_may_commit.wait(DEADLINE)
        finally:
            connections.close_all()

    thread = threading.Thread(target=sweep_a)
    thread.start()
    assert a_claimed.wait(DEADLINE)

    # when: sweep B runs meanwhile in its own transaction
    try:
        b_count = recovery.retries_claim_due(batch_size=100)
        claimed["b"] = set(
            Order.objects.filter(state=Order.State.EXECUTING).values_list("pk", flat=True)
        )
    finally:
        a_may_commit.set()
        thread.join(DEADLINE)

    # then: B skipped A's rows without waiting; together they took every order once
    assert len(claimed["a"]) == 4 and b_count == 6
    assert claimed["a"].isdisjoint(claimed["b"])
    assert claimed["a"] | claimed["b"] == {o.pk for o in orders}
    retries = Order.objects.filter(transitions__transition="retry").count()
    assert retries == 10


@pytest.mark.django_db(transaction=True)
def test_maintenance_for_a_while_then_normal_every_order_ends_done(sandbox, celery_worker):
    # given: fast retries, a breaker, and a sandbox in maintenance
    integration = IntegrationFactory(
        endpoint_url=sandbox.orders_url,
        timeout_seconds=2,
        retry_policy="exponential",
        backoff_base=timedelta(milliseconds=200),
        backoff_cap=timedelta(seconds=1),
        backoff_jitter=0.5,
        breaker_threshold=4,
        breaker_cooldown=timedelta(milliseconds=500),
        max_attempts=50,
    )
    offering = OfferingFactory(type=Offering.Type.REMOTE, integration=integration)
    orders = [
        OrderFactory(state=Order.State.PENDING_PROVIDER, offering=offering) for _ in range(12)
    ]
    sandbox.set_mode(maintenance=True, maintenance_retry_after=None)
    manager = manager_of(offering)

    # when: the provider approves them while the remote side is down, and the sweep runs
    for order in orders:
        order_services.order_approve(order=Order.objects.get(pk=order.pk), actor=manager)
    end = time.monotonic() + DEADLINE
    remote_back = False
    while Order.objects.filter(pk__in=[o.pk for o in orders], state=Order.State.DONE).count() < 12:
        states = Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
        assert time.monotonic() < end, f"timed out; order states: {sorted(states)}"
        if not remote_back and sum(sandbox.send_counts().values()) >= 8:
            sandbox.set_mode(maintenance=False)
            remote_back = True
        recovery.sweep_due()
        time.sleep(0.05)

    # then
    keys = {
        str(k)
        for k in Delivery.objects.filter(order__in=orders).values_list("idempotency_key", flat=True)
    }
    assert set(sandbox.accepted()) == keys
    assert sandbox.state()["accepted_count"] == 12
    assert not Order.objects.filter(
        pk__in=[o.pk for o in orders], failure_kind="exhausted"
    ).exists()
    assert not Attempt.objects.filter(order__in=orders, decision__startswith="gave up").exists()
    assert Attempt.objects.filter(order__in=orders, outcome="success").count() == 12
