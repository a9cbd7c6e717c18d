"""A cancel seen while chunks are under way stops them at their next statement: each is rolled
back whole (its orders untouched), no further chunk starts, and what committed before stays."""

import threading

import pytest
from django.db.models import Count

from orders.models import BulkOperation, BulkOperationChunk, Order
from orders.services import bulk, bulk_operation_cancel, bulk_operation_run, bulk_operation_start
from orders.services import resubmit as resubmit_service
from tests.factories import staff_user
from tests.orders.test_resubmit import erred_orders

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 5
CHUNKS = 6
DEADLINE = 10.0


def test_a_chunk_under_way_when_the_cancel_is_seen_is_rolled_back_and_no_other_starts(
    settings, monkeypatch
):
    # given: a run on two connections whose second chunk to reach its writes waits there
    settings.REDRIVE_BULK_CHUNK_SIZE = CHUNK
    settings.REDRIVE_BULK_WORKERS = 2
    orders = erred_orders(CHUNK * CHUNKS)
    actor = staff_user()
    operation = bulk_operation_start(
        actor=actor, orders=Order.objects.filter(pk__in=[o.pk for o in orders]), queue=False
    )
    held, go, seen = threading.Event(), threading.Event(), threading.Event()
    calls, lock = [], threading.Lock()
    send_again = resubmit_service.orders_send_again

    def waiting_send_again(**kwargs):
        with lock:
            calls.append(kwargs["order_ids"])
            first = len(calls) == 2
        if first:
            held.set()
            assert go.wait(DEADLINE)
        return send_again(**kwargs)

    cancel_requested = bulk._cancel_requested

    def watched(operation_id):
        found = cancel_requested(operation_id)
        if found:
            seen.set()
        return found

    monkeypatch.setattr(resubmit_service, "orders_send_again", waiting_send_again)
    monkeypatch.setattr(bulk, "_cancel_requested", watched)
    runner = threading.Thread(target=bulk_operation_run, kwargs={"operation_id": operation.pk})
    runner.start()
    assert held.wait(DEADLINE), "no chunk reached its writes"

    # when: cancelled while that chunk waits, and the run has seen it
    bulk_operation_cancel(operation_id=operation.pk, actor=actor)
    assert seen.wait(DEADLINE), "the run never looked for the cancel"
    go.set()
    runner.join(DEADLINE)
    assert not runner.is_alive()

    # then: cancelled; the waiting chunk's orders are untouched (rolled back whole), no chunk
    # started after, and the committed chunks' orders are the resubmitted ones
    operation.refresh_from_db()
    assert operation.state == BulkOperation.State.CANCELLED
    stopped = set(calls[1])
    states = dict(Order.objects.filter(pk__in=stopped).values_list("pk", "state"))
    assert set(states.values()) == {Order.State.ERRED}, states
    committed = BulkOperationChunk.objects.filter(operation=operation)
    assert committed.count() < CHUNKS
    sent = {pk for chunk in committed for pk in chunk.resubmitted_ids}
    assert not sent & stopped
    assert operation.resubmitted == len(sent) == operation.processed
    by_state = dict(
        Order.objects.filter(pk__in=[o.pk for o in orders])
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    assert by_state == {
        Order.State.EXECUTING: len(sent),
        Order.State.ERRED: CHUNK * CHUNKS - len(sent),
    }
