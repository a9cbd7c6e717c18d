"""A large resubmit sends its batches at once on several connections (PostgreSQL, outside a
transaction of the caller's), with the same outcome as one by one."""

import threading

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import override_settings

from core.parallel import in_parallel
from orders import services
from orders.models import Order, OrderTransition
from tests.factories import OfferingFactory, OrderFactory, manager_of
from tests.orders.test_resubmit import erred_orders


@pytest.fixture
def batch_threads():
    """The names of the threads that opened a database connection meanwhile."""
    names = []

    def record(sender, **kwargs):
        names.append(threading.current_thread().name)

    connection_created.connect(record)
    yield names
    connection_created.disconnect(record)


@pytest.mark.django_db(transaction=True)
@override_settings(REDRIVE_BULK_WORKERS=2)
def test_a_resubmit_of_many_batches_runs_them_at_once_with_the_same_outcome(batch_threads):
    # given: 45 erred orders of a managed offering, 5 outside it, 5 not erred, batches of 10
    offering = OfferingFactory()
    erred = erred_orders(45, offering=offering)
    elsewhere = erred_orders(5)
    done = [OrderFactory(offering=offering, state=Order.State.DONE) for _ in range(5)]
    selection = Order.objects.filter(pk__in=[o.pk for o in erred + elsewhere + done])
    progress = []

    # when
    result = services.orders_resubmit(
        orders=selection, actor=manager_of(offering), batch_size=10, on_batch=progress.append
    )

    # then
    assert (result.matched, result.resubmitted) == (55, 45)
    assert result.skipped_by_reason == {services.OUT_OF_SCOPE: 5, services.NOT_ERRED: 5}
    assert sum(progress) == 55 and len(progress) == 6
    executing = Order.objects.filter(state=Order.State.EXECUTING)
    assert set(executing.values_list("pk", flat=True)) == {o.pk for o in erred}
    assert OrderTransition.objects.filter(transition="retry").count() == 45
    assert {"batch-0", "batch-1"} <= set(batch_threads)


@pytest.mark.django_db
@override_settings(REDRIVE_BULK_WORKERS=2)
def test_inside_a_transaction_the_batches_run_one_by_one(batch_threads):
    orders = erred_orders(30)
    result = services.orders_resubmit(
        orders=Order.objects.filter(pk__in=[o.pk for o in orders]), actor=None, batch_size=10
    )
    assert result.resubmitted == 30
    assert not any(name.startswith("batch-") for name in batch_threads)


@pytest.mark.django_db(transaction=True)
def test_in_parallel_gives_every_result_and_closes_its_connections():
    def work(batch):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int * 2", [batch])
            return cursor.fetchone()[0]

    results = dict(in_parallel(range(20), work, workers=3))

    assert results == {n: n * 2 for n in range(20)}
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-")]


@pytest.mark.django_db(transaction=True)
def test_in_parallel_stops_at_the_first_failure_and_raises_it():
    started = []

    def work(batch):
        started.append(batch)
        if batch == 3:
            raise ValueError("batch 3 is bad")
        return batch

    with pytest.raises(ValueError, match="batch 3 is bad"):
        list(in_parallel(range(1000), work, workers=2))

    assert 3 in started and len(started) < 1000
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-")]
