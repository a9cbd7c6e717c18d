"""Recovery at real-world speed, against the sandbox over real HTTP: incidents and what their
end sends again, 429s, the release tick, pull integrations, a send that raises mid-batch, and
the in-flight limit across two worker processes."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from integrations import services, tasks
from integrations.backends import SendResult
from integrations.codes import Decision
from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    HeldReason,
    Incident,
    Integration,
    MaintenanceWindow,
)
from integrations.pacing import Lane, Limits, pace
from integrations.services import outcomes, sending
from orders.models import Offering, Order, Trigger
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory
from tests.integrations.batch_support import ids, resubmitted, states
from tests.support import start_worker, wait_for


def integration_of(sandbox, **fields) -> Integration:
    return IntegrationFactory(
        endpoint_url=sandbox.orders_url,
        timeout_seconds=2,
        breaker_cooldown=timedelta(seconds=30),
        **fields,
    )


def send_queued(integration) -> None:
    queue = Delivery.objects.filter(integration=integration, state="queued").order_by("pk")
    services.deliveries_send(delivery_ids=list(queue.values_list("pk", flat=True)))


@pytest.mark.django_db
def test_orders_that_failed_before_the_breaker_opened_go_out_with_the_held_ones(
    sandbox, django_capture_on_commit_callbacks
):
    # given: a breaker that opens on the third failure, one send at a time, the remote down
    integration = integration_of(sandbox, breaker_threshold=3, max_in_flight=1)
    deliveries = resubmitted(integration, 5)
    sandbox.set_mode(maintenance=True)

    # when: the batch is sent
    services.deliveries_send(delivery_ids=ids(deliveries))

    # then: two erred (their next retry an hour away), the third opened the breaker and is
    # held with the two not sent; one incident holds the three failures
    assert states(deliveries) == ["erred", "erred", "executing", "executing", "executing"]
    [incident] = Incident.objects.filter(integration=integration)
    assert (incident.ended_at, incident.failures) == (None, 3)
    failed = Attempt.objects.filter(delivery__in=deliveries, outcome="transient")
    assert {a.incident_id for a in failed} == {incident.pk}

    # when: the remote side is back, the probe's time comes, and the probe succeeds
    sandbox.set_mode(maintenance=False)
    integration.refresh_from_db()
    with time_machine.travel(integration.breaker_probe_at + timedelta(seconds=1)):
        assert services.releases_due() == 1
        with django_capture_on_commit_callbacks(execute=True):
            send_queued(integration)

    # then: the incident ended and everything it left behind went again, without anyone
    integration.refresh_from_db()
    incident.refresh_from_db()
    assert integration.breaker_state == BreakerState.CLOSED
    assert (incident.ended_by, incident.released) == (Incident.End.ANSWERED, 4)
    with django_capture_on_commit_callbacks(execute=True):
        send_queued(integration)
    assert states(deliveries) == ["done"] * 5
    released = Attempt.objects.filter(delivery__in=deliveries, trigger=Trigger.RELEASE)
    assert released.filter(outcome="success").count() == 5  # the probe, and the four after it
    assert released.filter(incident=incident).count() == 4
    assert len(sandbox.accepted()) == 5


@pytest.mark.django_db
def test_a_failure_recorded_after_the_remote_answered_again_opens_nothing_and_goes_again(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given: three deliveries in flight; the first and third answered 503, the second 201
    # in between, but the third's answer is recorded last (its worker was busy recording)
    integration = IntegrationFactory(breaker_threshold=2)
    deliveries = resubmitted(integration, 3)
    first, second, third = services.deliveries_claim(delivery_ids=ids(deliveries))
    answers_began = timezone.now() - timedelta(seconds=1)
    for claim, seconds in ((first, 0.0), (third, 0.1), (second, 0.2)):
        claim.attempt.finished_at = answers_began + timedelta(seconds=seconds)
    down = SendResult(outcome="transient", remote_status=503, message="maintenance")
    queued = []
    monkeypatch.setattr(outcomes, "enqueue", lambda ids, lane: queued.append((ids, lane)))

    # when
    outcomes.attempt_record(attempt=first.attempt, result=down)
    services.successes_record(sent=[(second, SendResult(outcome="success", remote_status=201))])
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.attempt_record(attempt=third.attempt, result=down)

    # then: one incident, ended by the success, with both failures; the breaker closed with
    # nothing counted (the late failure would have opened it: its threshold is two)
    [incident] = Incident.objects.filter(integration=integration)
    assert (incident.ended_by, incident.failures) == (Incident.End.ANSWERED, 2)
    integration.refresh_from_db()
    assert (integration.breaker_state, integration.breaker_failures) == (BreakerState.CLOSED, 0)
    # and the late failure's order goes again at once as the incident's release
    late = Delivery.objects.get(pk=third.attempt.delivery_id)
    assert (late.state, late.pending_trigger, late.pending_incident_id) == (
        Delivery.State.QUEUED,
        Trigger.RELEASE,
        incident.pk,
    )
    assert queued == [([late.pk], Lane.RECOVERY)]
    assert Order.objects.get(pk=late.order_id).state == Order.State.EXECUTING
    attempt = Attempt.objects.get(pk=third.attempt.pk)
    assert (attempt.incident_id, attempt.decision) == (incident.pk, outcomes.AFTER_RECOVERY)


@pytest.mark.django_db
def test_a_success_after_a_few_failures_ends_the_incident_and_keeps_the_pace():
    # given: one failure (the breaker, at five, stays closed), then a success
    integration = IntegrationFactory(breaker_threshold=5, max_in_flight=50)
    failed, succeeded = services.deliveries_claim(delivery_ids=ids(resubmitted(integration, 2)))
    outcomes.attempt_record(
        attempt=failed.attempt, result=SendResult(outcome="transient", remote_status=503)
    )
    services.successes_record(sent=[(succeeded, SendResult(outcome="success", remote_status=201))])

    # then: the incident ended, and sends were never stopped, so nothing starts slowly again
    [incident] = Incident.objects.filter(integration=integration)
    assert incident.ended_by == Incident.End.ANSWERED
    assert pace().admit(Limits.of(integration), wanted=20).count == 20


@pytest.mark.django_db
def test_a_429_slows_the_integration_and_leaves_the_breaker_closed(
    sandbox, django_capture_on_commit_callbacks
):
    # given
    integration = integration_of(sandbox, breaker_threshold=1)
    [delivery] = resubmitted(integration, 1)
    sandbox.force({"status": 429, "retry_after": 3})

    # when
    with django_capture_on_commit_callbacks(execute=False) as handed_out:
        [attempt] = services.deliveries_send(delivery_ids=[delivery.pk])

    # then: the remote side is up, only busy: no failure counted, no incident, the order
    # still executing and its delivery queued again on the recovery lane
    attempt.refresh_from_db()
    integration.refresh_from_db()
    assert (attempt.outcome, attempt.remote_status) == ("transient", 429)
    assert attempt.decision == outcomes.THROTTLED
    assert attempt.counts_toward_give_up is False
    assert (integration.breaker_state, integration.breaker_failures) == (BreakerState.CLOSED, 0)
    assert not Incident.objects.filter(integration=integration).exists()
    assert states([delivery]) == ["executing"]
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.QUEUED
    assert len(handed_out) == 1
    # and the whole integration slows: nothing goes until the Retry-After has passed
    admission = pace().admit(Limits.of(integration), wanted=10)
    assert admission.count == 0
    assert 2 < admission.wait <= 3


@pytest.mark.django_db
def test_a_window_end_releases_without_a_sweep_pass(sandbox, django_capture_on_commit_callbacks):
    # given: a window that held two deliveries, and an order that failed in it
    integration = integration_of(sandbox)
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        integration=integration, starts_at=now - timedelta(minutes=5), ends_at=now
    )
    held = resubmitted(integration, 2)
    Delivery.objects.filter(pk__in=ids(held)).update(state="held", held_reason="maintenance")
    [failed] = resubmitted(integration, 1)
    services.deliveries_send(delivery_ids=[failed.pk])  # in the window: held, not sent
    Delivery.objects.filter(pk=failed.pk).update(state="failed")
    Order.objects.filter(pk=failed.order_id).update(
        state="erred", failure_kind="transient", erred_at=now - timedelta(minutes=1)
    )

    # when: the release tick (Celery beat, every few seconds) runs once
    with django_capture_on_commit_callbacks(execute=True) as handed_out:
        released = tasks.releases_due()

    # then: the window is closed, its held deliveries and the failed order queued at once
    window.refresh_from_db()
    assert window.released_at is not None
    assert released == 1 + 3  # one window closed, three sent again
    assert states([*held, failed]) == ["executing"] * 3
    assert {d.state for d in Delivery.objects.filter(pk__in=ids([*held, failed]))} == {"queued"}
    assert handed_out
    tick = settings.CELERY_BEAT_SCHEDULE["releases-due"]
    assert tick["task"] == tasks.releases_due.name
    assert tick["schedule"] <= 5


@pytest.mark.django_db
def test_site_agent_held_deliveries_return_to_the_pull_queue(django_capture_on_commit_callbacks):
    # given: a site agent's integration whose deliveries are held
    integration = IntegrationFactory(backend=Integration.Backend.SITE_AGENT, endpoint_url="")
    offering = OfferingFactory(type=Offering.Type.SITE_AGENT, integration=integration)
    order = OrderFactory(state=Order.State.EXECUTING, offering=offering)
    delivery = Delivery.objects.create(
        order=order, integration=integration, state="held", held_reason=HeldReason.BREAKER
    )

    # when: they are released
    with django_capture_on_commit_callbacks(execute=True) as handed_out:
        released = services.deliveries_release(integration=integration)

    # then: back in the agent's queue, and no task pushes them over HTTP
    delivery.refresh_from_db()
    assert (released, delivery.state) == (1, Delivery.State.QUEUED)
    assert handed_out == []
    assert not services.lane_waiting(Lane.RECOVERY)
    pending = services.deliveries_claim(delivery_ids=[delivery.pk])
    assert pending == []  # a worker never pushes a site agent's delivery
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.QUEUED


@pytest.mark.django_db
def test_a_send_that_raises_mid_batch_loses_nothing_and_sends_nothing_twice(sandbox, monkeypatch):
    # given: six deliveries, two in flight at a time (started two together), and starting the
    # second two raises
    integration = integration_of(sandbox, max_in_flight=2)
    deliveries = resubmitted(integration, 6)
    real_start = sending.backends.http_push_start_many
    calls = []

    def start_or_raise(integration, sends):
        calls.append(sends)
        if len(calls) == 2:
            raise RuntimeError("the client broke")
        return real_start(integration, sends)

    monkeypatch.setattr(sending.backends, "http_push_start_many", start_or_raise)

    # when
    with pytest.raises(RuntimeError, match="the client broke"):
        services.deliveries_send(delivery_ids=ids(deliveries))

    # then: what went out is recorded; nothing else was sent
    assert states(deliveries)[:2] == ["done", "done"]
    assert len(sandbox.send_counts()) == 2

    # when: the leases of the claims never sent run out, and the sweep hands them out again
    monkeypatch.setattr(sending.backends, "http_push_start_many", real_start)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.sweep_due().reclaimed == 4
        services.deliveries_send(delivery_ids=ids(deliveries))  # what the handed-out task does

    # then: every order done, every key sent and accepted exactly once
    assert states(deliveries) == ["done"] * 6
    assert sandbox.send_counts() == {str(d.idempotency_key): 1 for d in deliveries}
    assert len(sandbox.accepted()) == 6
    decisions = Attempt.objects.filter(delivery__in=deliveries).values_list("decision", flat=True)
    assert list(decisions).count(Decision.DONE) == 6


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_never_exceed_the_in_flight_limit(sandbox, monkeypatch):
    # given: answers that take 200 ms, an integration allowing 4 in flight, and 40 deliveries
    # in tasks of 5 for two worker processes
    sandbox.set_mode(latency_ms=200)
    integration = integration_of(sandbox, max_in_flight=4)
    monkeypatch.setattr("integrations.services.delivery.TASK_CHUNK", 5)
    workers = [start_worker(f"limit{n}") for n in range(2)]
    try:
        deliveries = resubmitted(integration, 40)

        # then: every order done, never more than 4 at the sandbox at once
        wait_for(lambda: states(deliveries) == ["done"] * 40, "every order done", deadline=60)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
    load = sandbox.load()
    assert load["requests"] == 40
    assert 2 <= load["peak_in_flight"] <= 4
    assert len(sandbox.accepted()) == 40


@pytest.mark.django_db
def test_a_task_lands_on_its_lane_only_with_every_queue_declared(celery_app):
    # given: every queue declared and bound, as a worker serving all of them declares them
    with celery_app.connection_for_write() as connection:
        for queue in celery_app.amqp.queues.values():
            queue(connection.default_channel).declare()

    # when: a first send and a recovery send are handed out
    services.enqueue([1], lane=Lane.FIRST)
    services.enqueue([2], lane=Lane.RECOVERY)

    # then: one message on each lane's queue, none copied to another
    with celery_app.connection_for_read() as connection:
        client = connection.default_channel.client  # Redis: a queue is a list
        counts = {name: client.llen(name) for name in celery_app.amqp.queues}
    assert counts == {"deliveries": 1, "celery": 0, "recovery": 1}
    # each queue has a routing key of its own: on RabbitMQ a direct exchange copies a message
    # into every queue bound with its key
    assert {q.name: q.routing_key for q in celery_app.amqp.queues.values()} == {
        name: name for name in counts
    }
