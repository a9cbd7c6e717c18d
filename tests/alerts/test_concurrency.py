"""Two workers raising the same alert at once, each in its own transaction on PostgreSQL."""

import threading

import pytest
from django.db import transaction

from alerts.models import Alert, Kind
from alerts.services import alert_dismiss, alert_raise
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
