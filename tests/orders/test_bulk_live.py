"""Live control of a bulk operation with a real Celery worker in a process of its own: cancel
takes effect within a second (what was sent stays sent, the rest is untouched), a run whose
worker is SIGKILLed resumes on another worker from its last committed chunk, sending nothing
twice, and what it releases goes out on the recovery lane within the integration's limits."""

import signal
import subprocess
import time

import pytest
from django.conf import settings
from django.db.models import Count

from config.celery import app as celery_app
from integrations.models import Attempt
from orders.models import BulkOperation, BulkOperationChunk, Order, OrderTransition
from orders.services import (
    bulk_operation_cancel,
    bulk_operation_run,
    bulk_operation_start,
    bulk_operations_resume,
    order_approve,
)
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory, staff_user
from tests.orders.test_resubmit import erred_orders
from tests.support import process_env, wait_for, worker_command

ORDERS = 4000
CHUNK = 20  # 200 chunks of a few tens of milliseconds: seconds of work to act on mid-run
DEADLINE = 60.0

pytestmark = pytest.mark.django_db(transaction=True)


class Worker:
    """``celery worker`` on the test database and broker, serving the queue bulk operations
    go to (not the delivery lanes: nothing is sent anywhere)."""

    def __init__(self, tmp_path, name: str, queues: str = "celery") -> None:
        self.log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            worker_command(
                name,
                "-Q",
                queues,
                "--pool",
                "threads",
                "--concurrency",
                "4",
                "--without-heartbeat",
                "-l",
                "warning",
            ),
            cwd=settings.BASE_DIR,
            env=process_env(REDRIVE_BULK_STALE_SECONDS="1", REDRIVE_VAR_DIR=str(tmp_path / name)),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.log.close()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(name: str, queues: str = "celery") -> Worker:
        worker = Worker(tmp_path, name, queues)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def operation_of(count: int, settings) -> tuple[BulkOperation, list[Order]]:
    settings.REDRIVE_BULK_CHUNK_SIZE = CHUNK
    orders = erred_orders(count)
    operation = bulk_operation_start(
        actor=staff_user(), orders=Order.objects.filter(pk__in=[o.pk for o in orders])
    )
    return operation, orders


def progress(operation: BulkOperation) -> BulkOperation:
    operation.refresh_from_db()
    return operation


def retries_per_order(orders) -> dict[int, int]:
    return dict(
        OrderTransition.objects.filter(order__in=orders, transition="retry")
        .values_list("order_id")
        .annotate(n=Count("pk"))
    )


def test_a_running_operation_is_cancelled_within_a_second_and_keeps_what_it_sent(workers, settings):
    # given: a worker running a resubmit of 4,000 orders, some chunks done
    worker = workers("bulk")
    operation, orders = operation_of(ORDERS, settings)
    wait_for(lambda: progress(operation).processed >= 5 * CHUNK, "chunks done", DEADLINE)

    # when: cancelled
    asked = time.monotonic()
    bulk_operation_cancel(operation_id=operation.pk, actor=operation.requested_by)
    wait_for(
        lambda: progress(operation).state == BulkOperation.State.CANCELLED,
        "the operation to stop",
        DEADLINE,
    )
    stopped_after = time.monotonic() - asked

    # then: it stopped within a second, before the end
    assert stopped_after < 1.0, stopped_after
    assert operation.processed < ORDERS, operation.processed
    assert worker.process.poll() is None
    # and: what it sent stays sent (once each), the rest is untouched
    sent = retries_per_order(orders)
    assert len(sent) == operation.resubmitted == operation.processed
    assert set(sent.values()) == {1}
    states = dict(
        Order.objects.filter(pk__in=[o.pk for o in orders])
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    assert states == {
        Order.State.EXECUTING: operation.resubmitted,
        Order.State.ERRED: ORDERS - operation.resubmitted,
    }
    assert operation.finished_at is not None and operation.cancel_requested_at is not None


def test_a_run_whose_worker_is_killed_resumes_on_another_and_sends_nothing_twice(workers, settings):
    # given: a worker half-way through a resubmit of 4,000 orders
    first = workers("first")
    operation, orders = operation_of(ORDERS, settings)
    wait_for(lambda: progress(operation).processed >= 10 * CHUNK, "chunks done", DEADLINE)

    # when: its worker is SIGKILLed
    first.kill()
    killed_at = progress(operation).processed
    assert operation.state == BulkOperation.State.RUNNING
    assert 0 < killed_at < ORDERS, killed_at
    # and: the resume sweep finds it stale and another worker takes it
    workers("second")
    settings.REDRIVE_BULK_STALE_SECONDS = 1
    wait_for(lambda: operation.pk in bulk_operations_resume(), "the run to be stale", DEADLINE)
    wait_for(
        lambda: progress(operation).state == BulkOperation.State.DONE,
        "the resumed run to finish",
        DEADLINE,
    )

    # then: every order resubmitted exactly once, every chunk recorded once
    assert (operation.processed, operation.resubmitted, operation.skipped) == (ORDERS, ORDERS, 0)
    sent = retries_per_order(orders)
    assert len(sent) == ORDERS and set(sent.values()) == {1}
    chunks = list(BulkOperationChunk.objects.filter(operation=operation).values_list("seq"))
    assert sorted(seq for (seq,) in chunks) == list(range(ORDERS // CHUNK))
    assert Order.objects.filter(state=Order.State.EXECUTING).count() == ORDERS


def test_what_a_bulk_operation_releases_goes_out_on_the_recovery_lane_at_the_limits(
    workers, sandbox, settings
):
    # given: 60 erred orders of an integration allowing 3 in flight, answers taking 100 ms
    sandbox.set_mode(latency_ms=100)
    integration = IntegrationFactory(
        endpoint_url=sandbox.orders_url, timeout_seconds=5, max_in_flight=3
    )
    settings.REDRIVE_BULK_CHUNK_SIZE = CHUNK
    orders = erred_orders(60, offering=OfferingFactory(integration=integration))
    operation = bulk_operation_start(
        actor=staff_user(), orders=Order.objects.filter(pk__in=[o.pk for o in orders])
    )

    # when: the operation runs here (no worker yet): its sends are queued on the recovery lane
    bulk_operation_run(operation_id=operation.pk)
    with celery_app.connection_for_read() as broker:
        client = broker.default_channel.client  # Redis: a queue is a list
        queued = {name: client.llen(name) for name in settings.REDRIVE_LANE_QUEUES.values()}
    assert queued["deliveries"] == 0 and queued["recovery"] > 0, queued
    # and: a worker serving both lanes sends them
    workers("lanes", ",".join(settings.REDRIVE_LANE_QUEUES.values()))
    wait_for(
        lambda: (
            Order.objects.filter(pk__in=[o.pk for o in orders], state=Order.State.DONE).count()
            == 60
        ),
        "every order done",
        DEADLINE,
    )

    # then: never more than the integration's limit at the remote at once, each sent once
    load = sandbox.load()
    assert load["requests"] == 60 and load["peak_in_flight"] <= 3, load
    assert len(sandbox.accepted()) == 60


def test_during_a_bulk_release_new_orders_go_first_and_the_rate_limit_holds(
    workers, sandbox, settings
):
    # given: an integration allowing 10 requests a second and 3 in flight, as its remote does
    sandbox.set_mode(latency_ms=20, rate_limit_per_second=10)
    integration = IntegrationFactory(
        endpoint_url=sandbox.orders_url, timeout_seconds=5, max_in_flight=3, max_per_second=10
    )
    offering = OfferingFactory(integration=integration)
    settings.REDRIVE_BULK_CHUNK_SIZE = CHUNK
    staff = staff_user()
    resubmitted = erred_orders(40, offering=offering)
    operation = bulk_operation_start(
        actor=staff, orders=Order.objects.filter(pk__in=[o.pk for o in resubmitted])
    )
    # and: the bulk resubmit released (its sends queued on the recovery lane), then new
    # orders approved (their first sends)
    bulk_operation_run(operation_id=operation.pk)
    new = [OrderFactory(state=Order.State.PENDING_PROVIDER, offering=offering) for _ in range(4)]
    for order in new:
        order_approve(order=order, actor=staff)
    with celery_app.connection_for_read() as broker:
        client = broker.default_channel.client
        queued = {name: client.llen(name) for name in settings.REDRIVE_LANE_QUEUES.values()}
    assert queued["deliveries"] >= len(new) and queued["recovery"] > 0, queued

    # when: a worker serves both lanes
    workers("lanes", ",".join(settings.REDRIVE_LANE_QUEUES.values()))
    every = [o.pk for o in resubmitted + new]
    wait_for(
        lambda: Order.objects.filter(pk__in=every, state=Order.State.DONE).count() == len(every),
        "every order done",
        DEADLINE,
    )

    # then: the new orders' first attempts went before most of the released ones
    def starts(orders):
        return sorted(Attempt.objects.filter(order__in=orders).values_list("started_at", flat=True))

    released = starts(resubmitted)
    assert max(starts(new)) < released[len(released) // 2], (starts(new), released)
    # and: the remote's rate limit never refused one, nor its in-flight limit was passed
    load = sandbox.load()
    assert load["requests"] == len(every) and load["rate_limited"] == 0, load
    assert load["peak_in_flight"] <= 3, load
