"""Orders reaching the sandbox through the pipeline: queue, claim, send, record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import services, tasks
from integrations.models import Attempt, Delivery, Integration
from orders import services as order_services
from orders.models import Offering, Order, Resource
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    manager_of,
    staff_user,
)
from tests.support import wait_for


def sandbox_offering(sandbox, **kwargs):
    return OfferingFactory(
        type=Offering.Type.REMOTE,
        integration=IntegrationFactory(endpoint_url=sandbox.orders_url, timeout_seconds=2),
        **kwargs,
    )


def state_of(order) -> str:
    return Order.objects.values_list("state", flat=True).get(pk=order.pk)


@pytest.mark.django_db(transaction=True)
def test_order_approved_by_provider_is_delivered_and_done(sandbox, celery_worker):
    # given
    offering = sandbox_offering(sandbox)
    order = OrderFactory(state=Order.State.PENDING_PROVIDER, offering=offering)

    # when
    order_services.order_approve(order=order, actor=manager_of(offering))

    # then
    wait_for(lambda: state_of(order) == Order.State.DONE, "the order to be done")
    delivery = Delivery.objects.get(order=order)
    assert delivery.state == Delivery.State.SUCCEEDED
    assert sandbox.send_counts() == {str(delivery.idempotency_key): 1}
    assert delivery.external_id == sandbox.accepted()[str(delivery.idempotency_key)]["id"]
    attempt = Attempt.objects.get(delivery=delivery)
    assert (attempt.outcome, attempt.remote_status, attempt.trigger) == ("success", 201, "user")
    assert attempt.finished_at >= attempt.started_at
    assert Resource.objects.get(pk=order.resource_id).state == Resource.State.OK
    assert sandbox.accepted()[str(delivery.idempotency_key)]["order"]["number"] == order.number


@pytest.mark.django_db(transaction=True)
def test_order_the_sandbox_rejects_ends_erred_with_the_remote_message(sandbox, celery_worker):
    # given
    sandbox.set_mode(require_postal_code=True)
    offering = sandbox_offering(sandbox)
    order = OrderFactory(
        state=Order.State.PENDING_PROVIDER,
        offering=offering,
        attributes={"shipping_address": {"street": "1 Main St"}},
    )

    # when
    order_services.order_approve(order=order, actor=staff_user())

    # then
    wait_for(lambda: state_of(order) == Order.State.ERRED, "the order to be erred")
    order.refresh_from_db()
    # the error names the integration, as for an order sent to several systems
    integration = order.offering.integration.name
    assert order.error_message == (
        f"{integration}: HTTP 422 address_invalid: Shipping address needs a postal code"
    )
    assert order.erred_at is not None
    assert order.resource.state == Resource.State.ERRED
    attempt = Attempt.objects.get(order=order)
    assert (attempt.outcome, attempt.remote_status, attempt.error_code) == (
        "action_required",
        422,
        "address_invalid",
    )
    assert attempt.message == "Shipping address needs a postal code"
    delivery = attempt.delivery
    assert sandbox.send_counts() == {str(delivery.idempotency_key): 1}
    assert sandbox.accepted() == {}


@pytest.mark.django_db(transaction=True)
def test_an_edit_resends_with_the_same_key_and_the_sandbox_accepts_it_once(sandbox, celery_worker):
    # given: an order rejected for its address
    sandbox.set_mode(require_postal_code=True)
    offering = sandbox_offering(sandbox)
    order = OrderFactory(
        state=Order.State.PENDING_PROVIDER, offering=offering, attributes={"shipping_address": {}}
    )
    user = staff_user()
    order_services.order_approve(order=order, actor=user)
    wait_for(lambda: state_of(order) == Order.State.ERRED, "the first failure")

    # when: someone fixes the address (the edit sends it again at once)
    order = Order.objects.get(pk=order.pk)
    order_services.order_edit(
        order=order,
        actor=user,
        changes={"attributes": {"shipping_address": {"postal_code": "10115"}}},
    )

    # then
    wait_for(lambda: state_of(order) == Order.State.DONE, "the retry to succeed")
    key = str(Delivery.objects.get(order=order).idempotency_key)
    assert sandbox.send_counts() == {key: 2}
    assert (
        sandbox.accepted()[key]["order"]["attributes"]["shipping_address"]["postal_code"] == "10115"
    )
    outcomes = Attempt.objects.filter(order=order).values_list("number", "outcome", "trigger")
    assert list(outcomes) == [(1, "action_required", "user"), (2, "success", "edit")]


@pytest.mark.django_db
def test_a_task_run_twice_sends_once(sandbox):
    # given
    order = OrderFactory(state=Order.State.ERRED, offering=sandbox_offering(sandbox))
    order_services.order_retry(order=order, actor=staff_user())
    delivery = Delivery.objects.get(order=order)

    # when
    tasks.deliver.apply(args=[[delivery.pk]])
    tasks.deliver.apply(args=[[delivery.pk]])

    # then
    assert sandbox.send_counts() == {str(delivery.idempotency_key): 1}
    assert Attempt.objects.filter(delivery=delivery).count() == 1
    assert state_of(order) == Order.State.DONE


@pytest.mark.django_db
def test_a_delivery_in_flight_within_its_lease_is_left_alone(sandbox):
    order = OrderFactory(state=Order.State.EXECUTING, offering=sandbox_offering(sandbox))
    delivery = Delivery.objects.create(
        order=order,
        integration=order.offering.integration,
        state=Delivery.State.IN_FLIGHT,
        lease_expires_at=timezone.now() + timedelta(minutes=1),
        attempt_count=1,
    )
    assert services.delivery_send(delivery_id=delivery.pk) is None
    assert sandbox.send_counts() == {}


@pytest.mark.django_db
def test_a_delivery_stuck_in_flight_past_its_lease_is_reclaimed(sandbox):
    # given: a worker claimed it, started attempt 1 and died
    order = OrderFactory(state=Order.State.EXECUTING, offering=sandbox_offering(sandbox))
    delivery = Delivery.objects.create(
        order=order,
        integration=order.offering.integration,
        state=Delivery.State.IN_FLIGHT,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempt_count=1,
    )
    Attempt.objects.create(
        delivery=delivery, order=order, integration=delivery.integration, number=1, trigger="user"
    )

    # when
    attempt = services.delivery_send(delivery_id=delivery.pk)

    # then
    assert (attempt.number, attempt.outcome) == (2, "success")
    abandoned = Attempt.objects.get(delivery=delivery, number=1)
    assert (abandoned.outcome, abandoned.error_code) == ("transient", "abandoned")
    assert abandoned.finished_at is not None
    assert state_of(order) == Order.State.DONE
    assert sandbox.send_counts() == {str(delivery.idempotency_key): 1}


@pytest.mark.django_db
def test_manual_offerings_send_nothing_and_wait_for_mark_done():
    order = OrderFactory(
        state=Order.State.PENDING_PROVIDER,
        offering=OfferingFactory(type=Offering.Type.BASIC, integration=None),
    )
    user = staff_user()
    order_services.order_approve(order=order, actor=user)
    assert not Delivery.objects.filter(order=order).exists()
    assert state_of(order) == Order.State.EXECUTING
    order_services.order_set_done(order=Order.objects.get(pk=order.pk), actor=user)
    assert state_of(order) == Order.State.DONE


@pytest.mark.django_db
def test_a_disabled_integration_gets_no_delivery():
    offering = OfferingFactory(
        integration=IntegrationFactory(enabled=False, backend=Integration.Backend.HTTP_PUSH)
    )
    order = OrderFactory(state=Order.State.ERRED, offering=offering)
    order_services.order_retry(order=order, actor=staff_user())
    assert not Delivery.objects.filter(order=order).exists()
