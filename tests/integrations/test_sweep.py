"""The sweep under concurrency, and a remote system's bad hour end to end."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connections, transaction
from django.utils import timezone

from integrations import services as recovery
from integrations.models import Attempt, Delivery, RetryClaim
from orders import services as order_services
from orders.models import Offering, Order, OrderTransition
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    manager_of,
    staff_user,
)

DEADLINE = 30.0


def due_orders(count: int) -> list[Order]:
    offering = OfferingFactory(type=Offering.Type.REMOTE)
    orders = [OrderFactory(state=Order.State.ERRED, offering=offering) for _ in range(count)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        failure_kind="transient", next_retry_at=timezone.now() - timedelta(minutes=1)
    )
    return orders


def claimed_now() -> set[int]:
    return set(RetryClaim.objects.values_list("order_id", flat=True))


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
                claimed["a"] = claimed_now()
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
        claimed["b"] = claimed_now()
    finally:
        a_may_commit.set()
        thread.join(DEADLINE)

    # then: B skipped A's rows without waiting; together they took every order once
    assert len(claimed["a"]) == 4 and b_count == 6
    assert claimed["a"].isdisjoint(claimed["b"])
    assert claimed["a"] | claimed["b"] == {o.pk for o in orders} == claimed_now()
    assert recovery.retries_claim_due(batch_size=100) == 0  # claimed: no third sweep takes them

    # and the workers send each one again, once
    assert recovery.retries_send(order_ids=sorted(claimed["a"] | claimed["b"])) == 10
    assert Order.objects.filter(transitions__transition="retry").count() == 10
    assert not RetryClaim.objects.exists()


@pytest.mark.django_db
def test_a_claim_the_workers_never_sent_lapses_and_the_next_sweep_takes_it_again():
    # given: a due order claimed, whose task was lost
    [order] = due_orders(1)
    assert recovery.retries_claim_due() == 1

    # when / then: within the lease nothing; after it, claimed again
    assert recovery.retries_claim_due() == 0
    later = timezone.now() + recovery.RETRY_CLAIM_LEASE + timedelta(seconds=1)
    with time_machine.travel(later):
        assert recovery.retries_claim_due() == 1
        assert RetryClaim.objects.get(order=order).expires_at > later


@pytest.mark.django_db
def test_a_sweep_pass_drops_the_claims_that_lapsed_for_orders_no_longer_due():
    # given: a claimed order that a person retried, and whose worker task was lost
    [order] = due_orders(1)
    assert recovery.retries_claim_due() == 1
    order_services.order_retry(order=Order.objects.get(pk=order.pk), actor=staff_user())

    # when / then: kept while it may still be worked on, dropped once lapsed
    recovery.sweep_due()
    assert RetryClaim.objects.filter(order=order).exists()
    with time_machine.travel(timezone.now() + recovery.RETRY_CLAIM_LEASE + timedelta(seconds=1)):
        assert recovery.sweep_due().claimed == 0
    assert not RetryClaim.objects.exists()


@pytest.mark.django_db
def test_sending_a_claim_again_leaves_orders_a_person_retried_or_not_due():
    # given: three claimed orders; then a person retries one, and one is due later after all
    retried, rescheduled, due = due_orders(3)
    assert recovery.retries_claim_due() == 3
    order_services.order_retry(order=Order.objects.get(pk=retried.pk), actor=staff_user())
    Order.objects.filter(pk=rescheduled.pk).update(
        next_retry_at=timezone.now() + timedelta(hours=1)
    )

    # when: the worker's task runs, twice
    first = recovery.retries_send(order_ids=[retried.pk, rescheduled.pk, due.pk])
    second = recovery.retries_send(order_ids=[retried.pk, rescheduled.pk, due.pk])

    # then: only the still-due one was sent again, once; no claim is left
    assert (first, second) == (1, 0)
    assert Order.objects.get(pk=rescheduled.pk).state == Order.State.ERRED
    automatic = OrderTransition.objects.filter(transition="retry", reason="automatic retry")
    assert list(automatic.values_list("order_id", flat=True)) == [due.pk]
    assert not RetryClaim.objects.exists()


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
