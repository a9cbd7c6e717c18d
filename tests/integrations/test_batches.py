"""A task's deliveries as one batch: claimed together, sent in order over real HTTP, recorded
in runs (successes together, each failure alone), handed back when the remote side goes away."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations import services
from integrations.models import Attempt, BreakerState, Delivery, HeldReason, Integration
from integrations.pacing import Lane
from integrations.services import sending
from orders.models import Order, OrderTransition, Resource
from tests.factories import IntegrationFactory
from tests.integrations.batch_support import ids, resubmitted, states
from tests.support import wait_for


def queued(sandbox, count: int, *, attributes=None, **integration) -> list[Delivery]:
    """``count`` erred orders of a new integration sending to ``sandbox``, resubmitted."""
    default = {"shipping_address": {"postal_code": "1"}}
    return resubmitted(
        IntegrationFactory(endpoint_url=sandbox.orders_url, timeout_seconds=2, **integration),
        count,
        attributes={i: (attributes or {}).get(i, default) for i in range(count)},
    )


@pytest.mark.django_db
def test_a_batch_is_sent_in_order_and_every_order_is_done_once(sandbox):
    # given
    deliveries = queued(sandbox, 5)

    # when
    made = services.deliveries_send(delivery_ids=ids(deliveries))

    # then
    assert [a.delivery_id for a in made] == ids(deliveries)
    assert states(deliveries) == ["done"] * 5
    keys = [str(d.idempotency_key) for d in deliveries]
    assert sandbox.send_counts() == dict.fromkeys(keys, 1)
    attempts = list(Attempt.objects.filter(delivery__in=deliveries).order_by("delivery_id"))
    assert [(a.number, a.outcome, a.decision, a.trigger) for a in attempts] == [
        (1, "success", "done", "bulk")
    ] * 5
    assert all(a.started_at <= a.finished_at for a in attempts)
    assert [a.started_at for a in attempts] == sorted(a.started_at for a in attempts)
    for delivery, attempt in zip(deliveries, attempts, strict=True):
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.SUCCEEDED
        assert delivery.external_id == sandbox.accepted()[str(delivery.idempotency_key)]["id"]
        [done] = OrderTransition.objects.filter(order_id=delivery.order_id, transition="succeed")
        assert (done.source_state, done.target_state) == ("executing", "done")
        assert done.details == {
            "attempt": attempt.pk,
            "outcome": "success",
            "trigger": "bulk",
            "decision": "done",
        }
    resources = Resource.objects.filter(orders__in=[d.order_id for d in deliveries])
    assert set(resources.values_list("state", flat=True)) == {Resource.State.OK}


@pytest.mark.django_db
def test_a_batch_of_25_takes_as_many_queries_as_a_batch_of_5(sandbox):
    # given
    small, large = queued(sandbox, 5), queued(sandbox, 25)

    # when
    with CaptureQueriesContext(connection) as five:
        services.deliveries_send(delivery_ids=ids(small))
    with CaptureQueriesContext(connection) as twenty_five:
        services.deliveries_send(delivery_ids=ids(large))

    # then
    assert states(small + large) == ["done"] * 30
    assert len(twenty_five.captured_queries) == len(five.captured_queries)


@pytest.mark.django_db
def test_a_single_route_batch_never_asks_about_other_deliveries(sandbox):
    # given: orders with one route each (no other delivery to wait for, or waiting for them)
    deliveries = queued(sandbox, 5)

    # when
    with CaptureQueriesContext(connection) as captured:
        services.deliveries_send(delivery_ids=ids(deliveries))

    # then: neither the waiting deliveries nor the unfinished required ones are looked up
    assert states(deliveries) == ["done"] * 5
    looked_up = [
        sql
        for sql in (q["sql"] for q in captured.captured_queries)
        if sql.startswith("SELECT")
        and 'FROM "integrations_delivery"' in sql
        and ("'waiting'" in sql or '"integrations_delivery"."required"' in sql)
    ]
    assert looked_up == []


@pytest.mark.django_db
def test_an_answer_collected_late_keeps_the_time_it_came(sandbox, monkeypatch):
    # given: a worker thread that gets to the answers only 0.5 s after they came
    deliveries = queued(sandbox, 3)
    collect = sending.Batch._collect

    def busy(batch, done):
        time.sleep(0.5)  # the thread is busy elsewhere (recording), not waiting for work
        collect(batch, done)

    monkeypatch.setattr(sending.Batch, "_collect", busy)

    # when
    made = services.deliveries_send(delivery_ids=ids(deliveries))

    # then: each attempt finished when its answer came, not when it was collected
    assert states(deliveries) == ["done"] * 3
    for attempt in Attempt.objects.filter(pk__in=[a.pk for a in made]):
        assert (attempt.finished_at - attempt.started_at).total_seconds() < 0.4


@pytest.mark.django_db
def test_each_answer_is_recorded_for_its_own_delivery_as_it_came(sandbox):
    # given: the second order lacks the postal code the sandbox requires
    sandbox.set_mode(require_postal_code=True)
    deliveries = queued(sandbox, 4, attributes={1: {"shipping_address": {}}})

    # when: sent at once (the answers may come back in any order)
    made = services.deliveries_send(delivery_ids=ids(deliveries))

    # then
    outcome = {attempt.delivery_id: attempt for attempt in made}
    assert [outcome[pk].outcome for pk in ids(deliveries)] == [
        "success",
        "action_required",
        "success",
        "success",
    ]
    assert states(deliveries) == ["done", "erred", "done", "done"]
    rejected = Order.objects.get(pk=deliveries[1].order_id)
    assert rejected.failure_kind == Order.FailureKind.ACTION_REQUIRED
    assert rejected.error_message == (
        f"{rejected.offering.integration.name}: "
        "HTTP 422 address_invalid: Shipping address needs a postal code"
    )
    assert outcome[deliveries[1].pk].decision.startswith("no automatic retry")
    assert Integration.objects.get(pk=deliveries[0].integration_id).breaker_failures == 0


@pytest.mark.django_db
def test_a_breaker_that_opens_mid_batch_hands_back_what_was_not_sent(sandbox):
    # given: a breaker that opens after two transient failures, a remote side failing, and one
    # request in flight at a time (so the answers come in the order of the sends)
    deliveries = queued(sandbox, 5, breaker_threshold=2, max_in_flight=1)
    sandbox.force({"status": 500}, {"status": 500})

    # when
    made = services.deliveries_send(delivery_ids=ids(deliveries))

    # then: two were sent; the second failure opened the breaker and the rest wait
    assert [a.delivery_id for a in made] == ids(deliveries[:2])
    assert sum(sandbox.send_counts().values()) == 2
    integration = Integration.objects.get(pk=deliveries[0].integration_id)
    assert integration.breaker_state == BreakerState.OPEN
    rest = Delivery.objects.filter(pk__in=ids(deliveries[2:]))
    assert {(d.state, d.held_reason, d.attempt_count) for d in rest} == {
        (Delivery.State.HELD, HeldReason.BREAKER, 0)
    }
    assert not Attempt.objects.filter(delivery__in=rest).exists()
    assert states(deliveries) == ["erred", "executing", "executing", "executing", "executing"]


@pytest.mark.django_db
def test_an_order_canceled_meanwhile_is_not_sent_and_the_others_are(sandbox):
    # given
    deliveries = queued(sandbox, 3)
    Order.objects.filter(pk=deliveries[1].order_id).update(state=Order.State.CANCELED)

    # when
    made = services.deliveries_send(delivery_ids=ids(deliveries))

    # then
    assert [a.delivery_id for a in made] == [deliveries[0].pk, deliveries[2].pk]
    assert str(deliveries[1].idempotency_key) not in sandbox.send_counts()
    assert Delivery.objects.get(pk=deliveries[1].pk).state == Delivery.State.FAILED
    assert states(deliveries) == ["done", "canceled", "done"]


@pytest.mark.django_db
def test_a_lease_running_low_is_renewed_and_a_claim_taken_meanwhile_is_not_sent(sandbox):
    # given: claims whose lease is about to run out, one of them reclaimed by another worker
    deliveries = queued(sandbox, 3)
    claims = services.deliveries_claim(delivery_ids=ids(deliveries))
    soon = timezone.now() + timedelta(seconds=1)
    Delivery.objects.filter(pk__in=ids(deliveries)).update(lease_expires_at=soon)
    for claim in claims:
        claim.lease_expires_at = soon
    Delivery.objects.filter(pk=deliveries[1].pk).update(attempt_count=2)

    # when
    batch = sending.Batch(claims, lane=Lane.FIRST)
    batch.run()
    batch.finish()

    # then: the lease was renewed (the sends went out), except for the claim no longer ours
    made = [claim.attempt.delivery_id for claim in batch.made]
    assert made == [deliveries[0].pk, deliveries[2].pk]
    assert str(deliveries[1].idempotency_key) not in sandbox.send_counts()
    assert states(deliveries) == ["done", "executing", "done"]


@pytest.mark.django_db
def test_a_success_after_the_delivery_was_reclaimed_keeps_its_result_and_decides_nothing(
    sandbox,
):
    # given: a claim whose delivery another worker took over (attempt 2) while it was sending
    [delivery] = queued(sandbox, 1)
    [claim] = services.deliveries_claim(delivery_ids=[delivery.pk])
    Delivery.objects.filter(pk=delivery.pk).update(attempt_count=2)

    # when
    answer = sending.backends.http_push(claim.integration, claim.payload, claim.idempotency_key)
    services.successes_record(sent=[(claim, answer)])

    # then
    attempt = Attempt.objects.get(pk=claim.attempt.pk)
    assert (attempt.outcome, attempt.remote_status, attempt.decision) == ("success", 201, "")
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.IN_FLIGHT
    assert states([delivery]) == ["executing"]


@pytest.mark.django_db(transaction=True)
def test_a_resubmit_of_many_orders_goes_out_in_tasks_and_ends_done(
    sandbox, celery_worker, monkeypatch
):
    # given: tasks of 7 deliveries
    monkeypatch.setattr("integrations.services.delivery.TASK_CHUNK", 7)
    deliveries = queued(sandbox, 30)

    # then
    wait_for(lambda: states(deliveries) == ["done"] * 30, "every order to be done")
    assert sandbox.state()["accepted_count"] == 30
    assert sum(sandbox.send_counts().values()) == 30
    assert Attempt.objects.filter(delivery__in=deliveries, outcome="success").count() == 30
