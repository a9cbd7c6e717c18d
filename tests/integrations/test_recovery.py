"""Automatic recovery against the sandbox over real HTTP: policy, give-up, edit-to-resend,
circuit breaker, maintenance windows and the sweep."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from integrations import services as recovery
from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    Integration,
    MaintenanceWindow,
    RetryClaim,
)
from integrations.pacing import Lane
from integrations.services import breaker, delivery_send
from orders import services as order_services
from orders.models import Offering, Order
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory, staff_user


@pytest.fixture
def integration(sandbox):
    return IntegrationFactory(
        endpoint_url=sandbox.orders_url, timeout_seconds=2, breaker_threshold=100
    )


def erred_order(integration, **kwargs) -> Order:
    offering = OfferingFactory(type=Offering.Type.REMOTE, integration=integration)
    return OrderFactory(state=Order.State.ERRED, offering=offering, **kwargs)


def send(order, actor=None, trigger="user") -> Attempt | None:
    """A person's retry of ``order``, then the worker's send of its delivery."""
    order_services.order_retry(
        order=Order.objects.get(pk=order.pk), actor=actor or staff_user(), trigger=trigger
    )
    return delivery_send(delivery_id=Delivery.objects.get(order=order).pk)


def send_queued(integration) -> list:
    """What the workers would do: send again the retries a sweep claimed, then every queued
    delivery."""
    claimed = list(RetryClaim.objects.values_list("order_id", flat=True))
    if claimed:
        recovery.retries_send(order_ids=claimed)
    ids = Delivery.objects.filter(integration=integration, state="queued").values_list(
        "pk", flat=True
    )
    return [delivery_send(delivery_id=pk) for pk in list(ids)]


def fresh(order) -> Order:
    return Order.objects.get(pk=order.pk)


@pytest.mark.django_db
def test_transient_failure_schedules_a_retry_that_is_visible(sandbox, integration):
    # given
    sandbox.force({"status": 503, "code": "maintenance", "retry_after": 120})
    order = erred_order(integration)

    # when
    attempt = send(order)

    # then
    order = fresh(order)
    assert (order.state, order.failure_kind) == (Order.State.ERRED, "transient")
    assert order.next_retry_at == attempt.finished_at + timedelta(hours=1)
    assert attempt.decision.startswith("retry at ") and attempt.decision.endswith("(fixed 1h)")
    assert order.transitions.latest("pk").details["decision"] == attempt.decision


@pytest.mark.django_db
def test_the_sweep_sends_due_retries_and_the_sandbox_accepts_once(sandbox, integration):
    # given: an order whose retry is due
    sandbox.force({"status": 500})
    order = erred_order(integration)
    send(order)
    assert fresh(order).next_retry_at is not None

    # when: an hour later the sweep runs, then the worker sends
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        result = recovery.sweep_due()
        send_queued(integration)

    # then
    assert result.claimed == 1
    order = fresh(order)
    assert order.state == Order.State.DONE
    attempts = list(Attempt.objects.filter(order=order).values_list("trigger", "outcome"))
    assert attempts == [("user", "transient"), ("automatic", "success")]
    sweep_record = order.transitions.get(transition="retry", actor=None)
    assert sweep_record.reason == "automatic retry"
    assert sweep_record.details["due"] is not None
    assert sweep_record.details["trigger"] == "automatic"
    key = str(Delivery.objects.get(order=order).idempotency_key)
    assert sandbox.send_counts() == {key: 2}
    assert list(sandbox.accepted()) == [key]


@pytest.mark.django_db
def test_a_sweep_before_the_retry_is_due_claims_nothing(sandbox, integration):
    sandbox.force({"status": 500})
    order = erred_order(integration)
    send(order)
    assert recovery.sweep_due().claimed == 0
    assert fresh(order).state == Order.State.ERRED


@pytest.mark.django_db
def test_give_up_when_the_policy_is_used_up(sandbox, integration):
    # given: at most two automatic attempts
    Integration.objects.filter(pk=integration.pk).update(max_attempts=2)
    sandbox.set_mode(failure_rate=1.0)
    order = erred_order(integration)
    send(order)

    # when: the automatic retry fails too
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        recovery.sweep_due()
        (last,) = send_queued(integration)

    # then: no more automatic retries, the order says so
    order = fresh(order)
    assert (order.state, order.failure_kind, order.next_retry_at) == (
        Order.State.ERRED,
        "exhausted",
        None,
    )
    assert last.decision == "gave up: 2 of 2 attempts used"
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert recovery.sweep_due().claimed == 0

    # and a person's retry starts a fresh cycle
    sandbox.set_mode(failure_rate=0.0)
    assert send(order).outcome == "success"
    assert Delivery.objects.get(order=order).counted_attempts == 0


@pytest.mark.django_db
def test_a_persons_retry_restarts_the_give_up_count(sandbox, integration):
    Integration.objects.filter(pk=integration.pk).update(max_attempts=2)
    sandbox.set_mode(failure_rate=1.0)
    order = erred_order(integration)
    send(order)
    second = send(order)
    assert second.decision.startswith("retry at")
    assert Delivery.objects.get(order=order).counted_attempts == 1


@pytest.mark.django_db
def test_action_required_is_not_retried_and_an_edit_resends_it(sandbox, integration):
    # given
    sandbox.set_mode(require_postal_code=True)
    order = erred_order(integration, attributes={"shipping_address": {"street": "1 Main St"}})
    attempt = send(order)
    assert attempt.decision.startswith("no automatic retry")
    order = fresh(order)
    assert (order.failure_kind, order.next_retry_at) == ("action_required", None)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert recovery.sweep_due().claimed == 0

    # when: someone fixes the address
    order_services.order_edit(
        order=order,
        actor=staff_user(),
        changes={
            "attributes": {"shipping_address": {"street": "1 Main St", "postal_code": "10115"}}
        },
    )

    # then: it is sent again at once, trigger edit
    assert fresh(order).state == Order.State.EXECUTING
    (resent,) = send_queued(integration)
    assert (resent.trigger, resent.outcome) == ("edit", "success")
    assert fresh(order).state == Order.State.DONE


@pytest.mark.django_db
def test_fixing_an_integrations_mapping_resends_the_orders_waiting_on_it(sandbox, integration):
    # given: one order rejected for an unmapped ship method, one for its address
    sandbox.force(
        {
            "status": 422,
            "code": "mapping_missing",
            "message": "Ship method EXPRESS-2 is not mapped",
        },
        {
            "status": 422,
            "code": "address_invalid",
            "message": "Shipping address needs a postal code",
        },
    )
    unmapped = erred_order(integration, attributes={"ship_method": "EXPRESS-2"})
    bad_address = erred_order(integration)
    send(unmapped)
    send(bad_address)

    # when
    Integration.objects.filter(pk=integration.pk).update(
        mapping={"ship_method": {"EXPRESS-2": "UPS_2DAY"}}
    )
    resent = recovery.integration_fixed(
        integration=Integration.objects.get(pk=integration.pk), changed={"mapping"}
    )
    send_queued(integration)

    # then
    assert resent == 1
    assert fresh(unmapped).state == Order.State.DONE
    assert fresh(bad_address).state == Order.State.ERRED
    key = str(Delivery.objects.get(order=unmapped).idempotency_key)
    assert sandbox.accepted()[key]["order"]["attributes"]["ship_method"] == "UPS_2DAY"


@pytest.mark.django_db
def test_breaker_opens_holds_probes_closes_and_releases(sandbox, integration):
    # given: the breaker opens after 3 transient failures in a row
    Integration.objects.filter(pk=integration.pk).update(
        breaker_threshold=3, breaker_cooldown=timedelta(minutes=1)
    )
    sandbox.set_mode(maintenance=True)
    orders = [erred_order(integration) for _ in range(5)]
    for order in orders[:3]:
        send(order)

    # then: open, since when and why; the third order waits instead of failing
    integration.refresh_from_db()
    assert integration.breaker_state == BreakerState.OPEN
    assert "3 consecutive transient failures" in integration.breaker_reason
    assert integration.breaker_since is not None
    assert [fresh(o).state for o in orders[:3]] == ["erred", "erred", "executing"]
    assert Delivery.objects.get(order=orders[2]).state == Delivery.State.HELD

    # when: more orders come while it is open
    for order in orders[3:]:
        assert send(order) is None
    # then: held, nothing sent, no failure recorded per order
    assert [fresh(o).state for o in orders[3:]] == ["executing", "executing"]
    assert Attempt.objects.filter(order__in=orders[3:]).count() == 0
    sends_while_open = sum(sandbox.send_counts().values())

    # when: the cool-down passes, the sweep releases one probe, and it fails
    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        assert recovery.sweep_due().released == 1
        send_queued(integration)
    integration.refresh_from_db()
    assert (integration.breaker_state, integration.breaker_trips) == (BreakerState.OPEN, 1)
    assert integration.breaker_reason.startswith("probe failed")
    assert sum(sandbox.send_counts().values()) == sends_while_open + 1

    # when: the longer cool-down (2 minutes) passes and the remote side is back
    assert integration.breaker_probe_at - integration.breaker_since == timedelta(minutes=2)
    sandbox.set_mode(maintenance=False)
    with time_machine.travel(integration.breaker_probe_at - timedelta(seconds=5)):
        assert recovery.sweep_due().released == 0
    with time_machine.travel(integration.breaker_probe_at + timedelta(seconds=1)):
        assert recovery.sweep_due().released == 1
        send_queued(integration)
        integration.refresh_from_db()
        assert integration.breaker_state == BreakerState.CLOSED
        # the successful probe released the rest
        send_queued(integration)
    assert [fresh(o).state for o in orders[2:]] == ["done", "done", "done"]


def test_failed_probes_wait_longer_each_time_up_to_four_times_the_first_cooldown():
    integration = Integration(breaker_cooldown=timedelta(seconds=30))

    waits = [breaker.cooldown(integration, trips) for trips in range(6)]

    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 120, 120, 120)]


@pytest.mark.django_db
def test_a_release_queues_every_held_delivery_at_once_on_the_recovery_lane(
    sandbox, integration, django_capture_on_commit_callbacks
):
    # given: five held deliveries (each tried before) of an integration whose breaker is
    # closed again
    orders = [erred_order(integration) for _ in range(5)]
    for order in orders:
        order_services.order_retry(order=order, actor=staff_user())
    Delivery.objects.filter(order__in=orders).update(
        state=Delivery.State.HELD, held_reason="breaker", attempt_count=1
    )

    # when: the release tick runs (the pacing, not the release, bounds how fast they go)
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.releases_due() == 5

    # then: all queued at once, handed to the recovery lane, and a second tick finds nothing
    assert set(Delivery.objects.filter(order__in=orders).values_list("state", flat=True)) == {
        "queued"
    }
    assert recovery.lane_waiting(Lane.RECOVERY)
    assert not recovery.lane_waiting(Lane.FIRST)
    assert recovery.releases_due() == 0


@pytest.mark.django_db
def test_nothing_is_sent_during_a_maintenance_window_and_all_goes_out_after(sandbox, integration):
    # given: a window from now for 30 minutes
    now = timezone.now()
    MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=30),
        note="DB upgrade",
    )
    orders = [erred_order(integration) for _ in range(3)]

    # when: orders are sent during it
    for order in orders:
        assert send(order) is None

    # then: held, no attempt, nothing reached the remote side
    assert {d.state for d in Delivery.objects.filter(order__in=orders)} == {"held"}
    assert {d.held_reason for d in Delivery.objects.filter(order__in=orders)} == {"maintenance"}
    assert not Attempt.objects.filter(order__in=orders).exists()
    assert sandbox.send_counts() == {}

    # when: the window ends and the sweep runs
    with time_machine.travel(now + timedelta(minutes=31)):
        result = recovery.sweep_due()
        send_queued(integration)

    # then
    assert (result.windows_closed, result.released) == (1, 3)
    assert [fresh(o).state for o in orders] == ["done", "done", "done"]


@pytest.mark.django_db
def test_a_failure_during_a_window_does_not_count_and_is_resent_when_it_ends(sandbox, integration):
    # given: the remote side answers 503 for an attempt that started just before the window
    Integration.objects.filter(pk=integration.pk).update(max_attempts=1)
    order = erred_order(integration)
    order_services.order_retry(order=order, actor=staff_user())
    delivery = Delivery.objects.get(order=order)
    sandbox.force({"status": 503, "code": "maintenance", "delay_ms": 200})
    now = timezone.now()
    MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=now + timedelta(milliseconds=100),
        ends_at=now + timedelta(minutes=10),
    )

    # when
    attempt = delivery_send(delivery_id=delivery.pk)

    # then: held, not counted (max_attempts=1 would otherwise have given up)
    assert attempt.counts_toward_give_up is False
    assert attempt.decision.startswith("held: maintenance window until")
    assert fresh(order).state == Order.State.EXECUTING
    with time_machine.travel(now + timedelta(minutes=11)):
        recovery.sweep_due()
        send_queued(integration)
    assert fresh(order).state == Order.State.DONE


@pytest.mark.django_db
def test_give_up_and_breaker_raise_alerts(sandbox, integration):
    from alerts.models import Alert

    Integration.objects.filter(pk=integration.pk).update(max_attempts=1, breaker_threshold=2)
    sandbox.set_mode(failure_rate=1.0)
    first, second = erred_order(integration), erred_order(integration)
    send(first)
    send(second)
    kinds = set(Alert.objects.values_list("kind", "order_id", "status"))
    assert ("retry_exhausted", first.pk, "open") in kinds
    assert ("unavailable", None, "open") in kinds

    # when: a person releases the held deliveries (closing the breaker)
    recovery.deliveries_release(integration=integration, actor=staff_user())

    # then
    assert Alert.objects.get(kind="unavailable").status == "resolved"


@pytest.mark.django_db
def test_a_queued_delivery_whose_task_was_lost_is_handed_out_again(
    sandbox, integration, django_capture_on_commit_callbacks
):
    # given: an order queued for sending whose task message never reached a worker
    order = erred_order(integration)
    order_services.order_retry(order=order, actor=staff_user())

    # when: the sweep runs within the grace period, then after it
    assert recovery.sweep_due().reclaimed == 0
    with time_machine.travel(timezone.now() + recovery.QUEUED_GRACE + timedelta(seconds=1)):
        with django_capture_on_commit_callbacks() as handed_out:
            result = recovery.sweep_due()
        again = recovery.sweep_due()

    # then: handed to the workers once, and the worker sends it
    assert (result.reclaimed, len(handed_out), again.reclaimed) == (1, 1, 0)
    send_queued(integration)
    assert fresh(order).state == Order.State.DONE
