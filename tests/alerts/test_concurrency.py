"""Two workers raising the same alert, or alerts of the same problem, at once, each in its
own transaction on PostgreSQL."""

import threading

import pytest
from django.db import transaction

from alerts.models import Alert, Kind, Problem
from alerts.services import alert_dismiss, alert_raise, alerts_resolve_for
from tests.factories import OrderFactory, staff_user
from tests.support import backends_waiting_on_a_lock, in_thread, wait_for

DEADLINE = 10.0


def race(order, message_first: str, message_second: str) -> dict:
    """The first raise holds its transaction open until the second one waits on it."""
    raised, may_commit = threading.Event(), threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            alert = alert_raise(
                integration=order.offering.integration,
                kind=Kind.ADDRESS_INVALID,
                message=message_first,
                order=order,
            )
            raised.set()
            assert may_commit.wait(DEADLINE)
        return alert.pk

    def second():
        assert raised.wait(DEADLINE)
        return alert_raise(
            integration=order.offering.integration,
            kind=Kind.ADDRESS_INVALID,
            message=message_second,
            order=order,
        ).pk

    threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
    wait_for(lambda: backends_waiting_on_a_lock() == 1, "the second raise to wait on the first")
    may_commit.set()
    for thread in threads:
        thread.join(DEADLINE)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_first_raises_at_once_make_one_alert_seen_twice():
    # given
    order = OrderFactory(state="erred")

    # when: the second insert waits on the unique index until the first commits
    results = race(order, "first", "second")

    # then
    assert results["first"] == results["second"], results
    alert = Alert.objects.get()
    assert (alert.status, alert.occurrences, alert.message) == ("open", 2, "second")


@pytest.mark.django_db(transaction=True)
def test_two_raises_reopening_a_dismissed_alert_at_once_reopen_it_once():
    # given
    order = OrderFactory(state="erred")
    alert = alert_raise(
        integration=order.offering.integration, kind=Kind.ADDRESS_INVALID, message="x", order=order
    )
    alert_dismiss(alert=alert, actor=staff_user())

    # when: the second waits on the row lock the first took to reopen it
    results = race(order, "first", "second")

    # then
    assert results["first"] == results["second"] == alert.pk, results
    alert.refresh_from_db()
    assert (alert.status, alert.occurrences, alert.reopen_count) == ("open", 3, 1)


def hold_open_raise(order, raised: threading.Event, may_commit: threading.Event) -> int:
    with transaction.atomic():
        alert = alert_raise(
            integration=order.offering.integration,
            kind=Kind.ADDRESS_INVALID,
            message=f"{order.number}: postal_code is required",
            order=order,
            code="E-ADDR",
        )
        raised.set()
        assert may_commit.wait(DEADLINE)
    return alert.problem_id


@pytest.mark.django_db(transaction=True)
def test_two_orders_failing_at_once_open_one_problem_counted_twice():
    # given
    order = OrderFactory(state="erred")
    other = OrderFactory(state="erred", offering=order.offering)
    raised, may_commit, results = threading.Event(), threading.Event(), {}

    def second():
        assert raised.wait(DEADLINE)
        return alert_raise(
            integration=order.offering.integration,
            kind=Kind.ADDRESS_INVALID,
            message="second",
            order=other,
            code="E-ADDR",
        ).problem_id

    # when: the second opening waits on the first's uncommitted problem row
    threads = [
        in_thread(lambda: hold_open_raise(order, raised, may_commit), results, "first"),
        in_thread(second, results, "second"),
    ]
    wait_for(lambda: backends_waiting_on_a_lock() == 1, "the second raise to wait on the first")
    may_commit.set()
    for thread in threads:
        thread.join(DEADLINE)

    # then
    assert results["first"] == results["second"], results
    problem = Problem.objects.get()
    assert (problem.alerts_count, problem.message) == (2, "second")
    assert Alert.objects.filter(problem=problem).count() == 2


@pytest.mark.django_db(transaction=True)
def test_many_failures_on_two_workers_count_every_order_in_one_problem():
    # given: 2 x 30 orders of one integration
    first = OrderFactory(state="erred")
    batches = [
        [first] + [OrderFactory(state="erred", offering=first.offering) for _ in range(29)],
        [OrderFactory(state="erred", offering=first.offering) for _ in range(30)],
    ]
    start, results = threading.Barrier(2), {}

    def worker(orders):
        start.wait(DEADLINE)
        for order in orders:
            with transaction.atomic():
                alert_raise(
                    integration=order.offering.integration,
                    kind=Kind.ADDRESS_INVALID,
                    message="postal_code is required",
                    order=order,
                    code="E-ADDR",
                )
        return len(orders)

    # when
    threads = [in_thread(lambda b=b: worker(b), results, str(i)) for i, b in enumerate(batches)]
    for thread in threads:
        thread.join(DEADLINE * 3)

    # then
    assert results == {"0": 30, "1": 30}, results
    problem = Problem.objects.get()
    assert problem.alerts_count == 60
    assert Alert.objects.filter(problem=problem, status="open").count() == 60


@pytest.mark.django_db(transaction=True)
def test_the_last_success_does_not_resolve_a_problem_a_new_failure_is_joining():
    # given: one order under the problem; another order's failure holds the problem row
    order = OrderFactory(state="erred")
    other = OrderFactory(state="erred", offering=order.offering)
    alert_raise(
        integration=order.offering.integration,
        kind=Kind.ADDRESS_INVALID,
        message="x",
        order=order,
        code="E-ADDR",
    )
    raised, may_commit, results = threading.Event(), threading.Event(), {}

    def resolve():
        assert raised.wait(DEADLINE)
        return alerts_resolve_for(
            order=order, integration=order.offering.integration, reason="success"
        )

    # when: the first order succeeds while the other's alert is joining the problem
    threads = [
        in_thread(lambda: hold_open_raise(other, raised, may_commit), results, "raise"),
        in_thread(resolve, results, "resolve"),
    ]
    wait_for(lambda: backends_waiting_on_a_lock() == 1, "the settle to wait on the raise")
    may_commit.set()
    for thread in threads:
        thread.join(DEADLINE)

    # then: the problem stays open with the other order under it
    assert results["resolve"] == 1, results
    problem = Problem.objects.get()
    assert (problem.status, problem.alerts_count) == ("open", 2)
