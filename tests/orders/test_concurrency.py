"""Races between real transactions on PostgreSQL (each thread has its own connection)."""

import threading

import pytest
from django.db import transaction

from core.errors import ApplicationError
from orders import services
from orders.models import Order, OrderTransition
from tests.factories import OrderFactory, staff_user
from tests.support import backends_waiting_on_a_lock, in_thread, wait_for

DEADLINE = 10.0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_one_wins_the_other_gets_a_conflict():
    # given: two people loaded the same erred order
    order = OrderFactory(state=Order.State.ERRED)
    alice, bob = staff_user(username="alice"), staff_user(username="bob")
    alices_copy = Order.objects.get(pk=order.pk)
    bobs_copy = Order.objects.get(pk=order.pk)
    alice_updated, alice_may_commit = threading.Event(), threading.Event()
    results = {}

    def alice_retries():
        with transaction.atomic():
            services.order_retry(order=alices_copy, actor=alice)
            alice_updated.set()
            assert alice_may_commit.wait(DEADLINE)
        return "ok"

    def bob_retries():
        assert alice_updated.wait(DEADLINE)
        services.order_retry(order=bobs_copy, actor=bob)
        return "ok"

    # when: Bob's save waits on Alice's row lock; then Alice commits
    threads = [in_thread(alice_retries, results, "alice"), in_thread(bob_retries, results, "bob")]
    wait_for(lambda: backends_waiting_on_a_lock() == 1, "Bob's update to wait for Alice's lock")
    alice_may_commit.set()
    for thread in threads:
        thread.join(DEADLINE)

    # then
    assert results["alice"] == "ok"
    assert isinstance(results["bob"], ApplicationError)
    assert results["bob"].code == "conflict"
    assert "changed by someone else" in results["bob"].message
    assert OrderTransition.objects.filter(order=order, transition="retry").count() == 1
    assert Order.objects.get(pk=order.pk).state == Order.State.EXECUTING


@pytest.mark.django_db(transaction=True)
def test_retry_after_the_other_committed_is_refused_by_state():
    order = OrderFactory(state=Order.State.ERRED)
    user = staff_user()
    services.order_retry(order=Order.objects.get(pk=order.pk), actor=user)
    with pytest.raises(ApplicationError) as refused:
        services.order_retry(order=Order.objects.get(pk=order.pk), actor=user)
    assert refused.value.code == "conflict"
    assert OrderTransition.objects.filter(order=order, transition="retry").count() == 1


@pytest.mark.django_db(transaction=True)
def test_bulk_resubmit_skips_a_row_another_transaction_holds():
    # given: three erred orders, one locked by someone else's open transaction
    orders = [OrderFactory(state=Order.State.ERRED) for _ in range(3)]
    held = orders[0]
    locked, release = threading.Event(), threading.Event()
    results = {}

    def hold_lock():
        with transaction.atomic():
            Order.objects.select_for_update().get(pk=held.pk)
            locked.set()
            assert release.wait(DEADLINE)
        return "ok"

    thread = in_thread(hold_lock, results, "holder")
    assert locked.wait(DEADLINE)

    # when
    try:
        result = services.orders_resubmit(orders=Order.objects.all(), actor=staff_user())
    finally:
        release.set()
        thread.join(DEADLINE)

    # then
    assert (result.matched, result.resubmitted) == (3, 2)
    assert result.skipped_by_reason == {services.CHANGED_MEANWHILE: 1}
    assert result.skipped[0].number == held.number
    assert Order.objects.get(pk=held.pk).state == Order.State.ERRED
