"""Orders that go to several systems: one delivery per route, each with its own state, retry,
breaker and window; the order is done when every required delivery succeeded."""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Alert
from integrations import services
from integrations.backends import SendResult
from integrations.models import Attempt, BreakerState, Delivery, HeldReason, Route
from integrations.sandbox.server import FulfillmentSandbox
from integrations.services.redelivery import delivery_retry
from orders import services as order_services
from orders.models import Offering, Order
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory, manager_of
from tests.support import backends_waiting_on_a_lock, in_thread, wait_for

ADDRESS_REJECTED = {"status": 422, "code": "address_invalid", "message": "No such street"}


@pytest.fixture
def erp() -> Iterator[FulfillmentSandbox]:
    """A second sandbox: the other system an order goes to."""
    with FulfillmentSandbox() as running:
        yield running


@pytest.fixture
def crm() -> Iterator[FulfillmentSandbox]:
    with FulfillmentSandbox() as running:
        yield running


def routed(warehouse, *others) -> Offering:
    """An offering whose main integration sends to ``warehouse``, with a route to each of
    ``others`` (``(name, sandbox, required, after_main)``)."""
    offering = OfferingFactory(
        type=Offering.Type.REMOTE,
        integration=IntegrationFactory(
            name="Warehouse", endpoint_url=warehouse.orders_url, timeout_seconds=2
        ),
    )
    main = Route.objects.get(offering=offering)
    for position, (name, sandbox, required, after_main) in enumerate(others, start=1):
        Route.objects.create(
            offering=offering,
            integration=IntegrationFactory(
                name=name, endpoint_url=sandbox.orders_url, timeout_seconds=2
            ),
            required=required,
            position=position,
            after=main if after_main else None,
        )
    return offering


def placed(offering) -> Order:
    """An order of ``offering`` approved by its manager: it enters executing."""
    order = OrderFactory(state=Order.State.PENDING_PROVIDER, offering=offering)
    order_services.order_approve(order=order, actor=manager_of(offering))
    return Order.objects.get(pk=order.pk)


def deliveries(order) -> dict[str, Delivery]:
    return {d.integration.name: d for d in Delivery.objects.filter(order=order)}


def send(*delivery_list: Delivery) -> None:
    services.deliveries_send(delivery_ids=[d.pk for d in delivery_list])


def state(order) -> str:
    return Order.objects.values_list("state", flat=True).get(pk=order.pk)


@pytest.mark.django_db
def test_an_existing_offering_routes_to_its_integration_and_follows_a_change():
    # given: an offering made as before (one integration)
    offering = OfferingFactory()
    [route] = Route.objects.filter(offering=offering)
    assert (route.integration_id, route.required, route.after_id) == (
        offering.integration_id,
        True,
        None,
    )

    # when: its integration changes, then is cleared
    offering.integration = new = IntegrationFactory()
    offering.save()
    [moved] = Route.objects.filter(offering=offering)
    offering.integration = None
    offering.save()

    # then
    assert (moved.pk, moved.integration_id) == (route.pk, new.pk)
    assert not Route.objects.filter(offering=offering).exists()


@pytest.mark.django_db
def test_two_required_routes_one_fails_the_order_is_erred_naming_it(sandbox, erp):
    # given
    erp.force(ADDRESS_REJECTED)
    order = placed(routed(sandbox, ("ERP", erp, True, False)))
    made = deliveries(order)
    assert {name: d.state for name, d in made.items()} == {"Warehouse": "queued", "ERP": "queued"}

    # when
    send(*made.values())

    # then
    order.refresh_from_db()
    assert order.state == Order.State.ERRED
    assert order.error_message == "ERP: HTTP 422 address_invalid: No such street"
    assert order.failure_kind == Order.FailureKind.ACTION_REQUIRED
    now = deliveries(order)
    assert (now["Warehouse"].state, now["ERP"].state) == ("succeeded", "failed")


@pytest.mark.django_db
def test_retrying_the_failed_delivery_sends_only_it_and_the_order_becomes_done(sandbox, erp):
    # given: the warehouse accepted, the ERP refused
    erp.force(ADDRESS_REJECTED)
    offering = routed(sandbox, ("ERP", erp, True, False))
    order = placed(offering)
    send(*deliveries(order).values())
    assert state(order) == Order.State.ERRED
    warehouse, failed = deliveries(order)["Warehouse"], deliveries(order)["ERP"]

    # when
    delivery_retry(delivery=failed, actor=manager_of(offering))

    # then: only the ERP's delivery is queued; sent, it completes the order
    now = deliveries(order)
    assert (now["Warehouse"].state, now["ERP"].state) == ("succeeded", "queued")
    assert state(order) == Order.State.EXECUTING
    send(*now.values())
    assert state(order) == Order.State.DONE
    assert sandbox.send_counts() == {str(warehouse.idempotency_key): 1}
    assert erp.send_counts() == {str(failed.idempotency_key): 2}


@pytest.mark.django_db
def test_an_order_retry_resends_only_its_failed_deliveries(sandbox, erp):
    # given
    erp.force(ADDRESS_REJECTED)
    offering = routed(sandbox, ("ERP", erp, True, False))
    order = placed(offering)
    send(*deliveries(order).values())

    # when: the order is retried as a whole
    order_services.order_retry(order=Order.objects.get(pk=order.pk), actor=manager_of(offering))

    # then
    now = deliveries(order)
    assert (now["Warehouse"].state, now["ERP"].state) == ("succeeded", "queued")
    send(*now.values())
    assert state(order) == Order.State.DONE
    assert sum(sandbox.send_counts().values()) == 1


@pytest.mark.django_db
def test_two_required_failures_are_both_named_and_retrying_one_leaves_the_order_erred(sandbox, erp):
    # given: both systems refuse
    sandbox.force(ADDRESS_REJECTED)
    erp.force(ADDRESS_REJECTED, ADDRESS_REJECTED)
    offering = routed(sandbox, ("ERP", erp, True, False))
    order = placed(offering)
    send(*deliveries(order).values())
    order.refresh_from_db()
    assert order.state == Order.State.ERRED
    assert sorted(order.error_message.splitlines()) == [
        "ERP: HTTP 422 address_invalid: No such street",
        "Warehouse: HTTP 422 address_invalid: No such street",
    ]

    # when: the warehouse's is retried and succeeds
    delivery_retry(delivery=deliveries(order)["Warehouse"], actor=manager_of(offering))
    send(deliveries(order)["Warehouse"])

    # then: the order stays erred on the ERP; retrying that one completes it
    assert state(order) == Order.State.ERRED
    assert deliveries(order)["Warehouse"].state == Delivery.State.SUCCEEDED
    delivery_retry(delivery=deliveries(order)["ERP"], actor=manager_of(offering))
    erp.reset()
    send(deliveries(order)["ERP"])
    assert state(order) == Order.State.DONE


@pytest.mark.django_db
def test_an_optional_route_failing_leaves_the_order_done_and_raises_its_alert(sandbox, crm):
    # given
    crm.force(ADDRESS_REJECTED)
    order = placed(routed(sandbox, ("CRM", crm, False, False)))

    # when
    send(*deliveries(order).values())

    # then
    assert state(order) == Order.State.DONE
    crm_delivery = deliveries(order)["CRM"]
    assert (crm_delivery.state, crm_delivery.required) == ("failed", False)
    alert = Alert.objects.get(order=order, status=Alert.Status.OPEN)
    assert alert.integration_id == crm_delivery.integration_id
    assert "address_invalid" in alert.message or "No such street" in alert.message
    assert crm_delivery.attempts.get().decision.endswith("the order does not wait for it)")


@pytest.mark.django_db
def test_an_optional_route_failing_transiently_is_retried_on_its_own(sandbox, crm):
    # given: the CRM is down once
    crm.force({"status": 503, "message": "down"})
    order = placed(routed(sandbox, ("CRM", crm, False, False)))
    send(*deliveries(order).values())
    failed = deliveries(order)["CRM"]
    assert (state(order), failed.state) == (Order.State.DONE, Delivery.State.FAILED)
    assert failed.next_attempt_at is not None

    # when: the sweep runs after the retry is due
    result = services.sweep_due(now=failed.next_attempt_at + timedelta(seconds=1))

    # then
    assert result.optional == 1
    assert deliveries(order)["CRM"].state == Delivery.State.QUEUED
    send(deliveries(order)["CRM"])
    assert deliveries(order)["CRM"].state == Delivery.State.SUCCEEDED
    assert state(order) == Order.State.DONE


@pytest.mark.django_db
def test_a_route_that_waits_is_sent_only_after_the_first_succeeded(sandbox, erp):
    # given: the ERP waits for the warehouse
    order = placed(routed(sandbox, ("ERP", erp, True, True)))
    made = deliveries(order)
    assert (made["Warehouse"].state, made["ERP"].state) == ("queued", "waiting")

    # when: a task with both runs: only the warehouse goes
    send(*made.values())

    # then: the ERP's is queued now, sent after; the order done only then
    assert erp.send_counts() == {}
    assert deliveries(order)["ERP"].state == Delivery.State.QUEUED
    assert state(order) == Order.State.EXECUTING
    send(deliveries(order)["ERP"])
    assert erp.send_counts() == {str(made["ERP"].idempotency_key): 1}
    assert state(order) == Order.State.DONE


@pytest.mark.django_db
def test_a_route_that_waits_stays_waiting_while_the_first_failed(sandbox, erp):
    # given
    sandbox.force(ADDRESS_REJECTED)
    offering = routed(sandbox, ("ERP", erp, True, True))
    order = placed(offering)

    # when
    send(*deliveries(order).values())

    # then
    assert state(order) == Order.State.ERRED
    assert deliveries(order)["ERP"].state == Delivery.State.WAITING
    order_services.order_retry(order=Order.objects.get(pk=order.pk), actor=manager_of(offering))
    send(deliveries(order)["Warehouse"])
    assert deliveries(order)["ERP"].state == Delivery.State.QUEUED
    send(deliveries(order)["ERP"])
    assert state(order) == Order.State.DONE
    assert len(erp.send_counts()) == 1


@pytest.mark.django_db
def test_an_outage_of_one_integration_holds_only_its_deliveries(sandbox, erp):
    # given: the ERP's breaker is open (its probe not due for an hour)
    offering = routed(sandbox, ("ERP", erp, True, False))
    erp_integration = Route.objects.get(offering=offering, integration__name="ERP").integration
    erp_integration.breaker_state = BreakerState.OPEN
    erp_integration.breaker_probe_at = timezone.now() + timedelta(hours=1)
    erp_integration.save()
    orders = [placed(offering) for _ in range(3)]

    # when
    send(*(d for order in orders for d in deliveries(order).values()))

    # then: the warehouse got all three; the ERP's are held; the orders wait for them
    for order in orders:
        now = deliveries(order)
        assert now["Warehouse"].state == Delivery.State.SUCCEEDED
        assert (now["ERP"].state, now["ERP"].held_reason) == ("held", HeldReason.BREAKER)
        assert state(order) == Order.State.EXECUTING
    assert len(sandbox.send_counts()) == 3
    assert erp.send_counts() == {}


@pytest.mark.django_db(transaction=True)
def test_three_routes_through_the_worker_end_done_with_each_sent_once(
    sandbox, erp, crm, celery_worker
):
    # given: a warehouse, an ERP after it, an optional CRM that refuses
    crm.force(ADDRESS_REJECTED)
    offering = routed(sandbox, ("ERP", erp, True, True), ("CRM", crm, False, False))

    # when
    order = placed(offering)

    # then
    wait_for(lambda: state(order) == Order.State.DONE, "the order to be done")
    wait_for(lambda: deliveries(order)["CRM"].state == "failed", "the CRM's refusal")
    assert {name: d.state for name, d in deliveries(order).items()} == {
        "Warehouse": "succeeded",
        "ERP": "succeeded",
        "CRM": "failed",
    }
    assert [len(s.send_counts()) for s in (sandbox, erp, crm)] == [1, 1, 1]


@pytest.mark.django_db
def test_a_route_may_not_wait_for_itself_or_in_a_circle():
    offering = OfferingFactory()
    first = Route.objects.get(offering=offering)
    second = Route.objects.create(offering=offering, integration=IntegrationFactory(), after=first)
    first.after = second
    with pytest.raises(ValidationError, match="in a circle"):
        first.clean()
    other = Route.objects.get(offering=OfferingFactory())
    second.after = other
    with pytest.raises(ValidationError, match="only for a route of its offering"):
        second.clean()


def waiting_on_a_lock() -> int:
    """``backends_waiting_on_a_lock`` from inside a transaction (whose statistics would
    otherwise stay as they were at its first look)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
    return backends_waiting_on_a_lock()


@pytest.mark.django_db(transaction=True)
def test_the_last_two_deliveries_recorded_at_once_complete_the_order():
    # given: an order's two required deliveries, each in flight with a worker
    offering = OfferingFactory(type=Offering.Type.REMOTE)
    Route.objects.create(offering=offering, integration=IntegrationFactory(name="ERP"))
    order = placed(offering)
    claims = services.deliveries_claim(delivery_ids=[d.pk for d in deliveries(order).values()])
    first, second = claims
    ok = SendResult(outcome="success", remote_status=201)
    results = {}

    # when: the first worker records its success and, before it commits, the second its own
    with transaction.atomic():
        services.successes_record(sent=[(first, ok)])
        thread = in_thread(lambda: services.successes_record(sent=[(second, ok)]), results, "b")
        wait_for(lambda: waiting_on_a_lock() or results, "the second worker to wait")
        assert not results, results
    thread.join(timeout=30)

    # then: the second saw the first's success once it could lock the order
    assert results["b"] is None
    assert state(order) == Order.State.DONE
    assert {d.state for d in deliveries(order).values()} == {Delivery.State.SUCCEEDED}


@pytest.mark.django_db
def test_claiming_three_routes_an_order_takes_as_many_queries_as_one_route(sandbox, erp, crm):
    # given: five orders with one route, five with three (one optional)
    solo = OfferingFactory(
        type=Offering.Type.REMOTE,
        integration=IntegrationFactory(name="Solo", endpoint_url=sandbox.orders_url),
    )
    three = routed(sandbox, ("ERP", erp, True, False), ("CRM", crm, False, False))
    singles = [placed(solo) for _ in range(5)]
    triples = [placed(three) for _ in range(5)]

    def queued(orders) -> list[int]:
        return list(Delivery.objects.filter(order__in=orders).values_list("pk", flat=True))

    # when: a task of each claims its deliveries
    with CaptureQueriesContext(connection) as one_route:
        claimed_one = services.deliveries_claim(delivery_ids=queued(singles))
    with CaptureQueriesContext(connection) as three_routes:
        claimed_three = services.deliveries_claim(delivery_ids=queued(triples))

    # then: the same queries, whatever the number of integrations in the task
    assert (len(claimed_one), len(claimed_three)) == (5, 15)
    assert len(three_routes.captured_queries) == len(one_route.captured_queries)
    # each delivery in flight under its integration's lease, with its open attempt
    for claim in claimed_three:
        delivery = Delivery.objects.get(pk=claim.attempt.delivery_id)
        assert delivery.state == Delivery.State.IN_FLIGHT
        assert delivery.lease_expires_at == claim.lease_expires_at
        assert claim.attempt.integration_id == delivery.integration_id
        assert claim.attempt.number == delivery.attempt_count == 1
        assert Attempt.objects.get(pk=claim.attempt.pk).outcome == ""
    # an order's payload is encoded once and sent the same to each of its routes
    bodies = {}
    for claim in claimed_three:
        assert json.loads(claim.body) == claim.payload
        bodies.setdefault(claim.attempt.order_id, set()).add(claim.body)
    assert all(len(sent) == 1 for sent in bodies.values())
