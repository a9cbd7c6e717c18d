"""A retry is one definition: an order retried alone and one resubmitted in bulk end the same.

The state machine says what a retry changes (``orders.models.changes``) and one builder writes
its history row (``orders.services.history``), for the one-order and the set-based paths alike.
"""

from datetime import UTC, datetime

import pytest

from integrations.models import Delivery
from orders import services
from orders.models import Order, OrderTransition, Resource, Trigger
from tests.factories import OfferingFactory, OrderFactory, staff_user

pytestmark = pytest.mark.django_db

ORDER_FIELDS_ASIDE = {"id", "uuid", "number", "created", "modified", "resource"}
DELIVERY_FIELDS_ASIDE = {"id", "order", "idempotency_key", "created", "modified"}


def erred_twin(offering, *, erred_at, next_retry_at) -> Order:
    """An erred order with a failed delivery, the same as every other twin but for its ids."""
    order = OrderFactory(
        offering=offering,
        consumer_organization=offering.provider,
        state=Order.State.ERRED,
        customer_name="Ada Lovelace",
        customer_email="ada@example.test",
        type=Order.Type.UPDATE,
    )
    Order.objects.filter(pk=order.pk).update(
        error_message="HTTP 503 server_error: down for maintenance",
        error_traceback="Traceback: ConnectTimeout",
        failure_kind=Order.FailureKind.TRANSIENT,
        erred_at=erred_at,
        next_retry_at=next_retry_at,
    )
    Resource.objects.filter(pk=order.resource_id).update(state=Resource.State.ERRED)
    Delivery.objects.create(
        order=order,
        integration=offering.integration,
        state=Delivery.State.FAILED,
        attempt_count=3,
        counted_attempts=3,
        first_failed_at=erred_at,
        next_attempt_at=next_retry_at,
    )
    order.refresh_from_db()
    return order


def row(instance, aside: set[str]) -> dict:
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in aside
    }


def history(order: Order) -> dict:
    retry = OrderTransition.objects.get(order=order, transition="retry")
    return row(retry, {"id", "order", "created"})


@pytest.mark.parametrize(
    "erred_at",
    [
        datetime(2030, 3, 1, 9, 15, 30, 120000, tzinfo=UTC),  # a fraction with trailing zeros
        datetime(2030, 3, 1, 9, 15, 30, tzinfo=UTC),  # no fraction
        datetime(2030, 3, 1, 9, 15, 30, 654321, tzinfo=UTC),
    ],
)
def test_an_order_retried_alone_ends_as_one_resubmitted_in_bulk(erred_at):
    # given: two identical erred orders
    offering = OfferingFactory()
    next_retry_at = datetime(2030, 3, 1, 10, 15, 30, 500000, tzinfo=UTC)
    alone = erred_twin(offering, erred_at=erred_at, next_retry_at=next_retry_at)
    in_bulk = erred_twin(offering, erred_at=erred_at, next_retry_at=next_retry_at)
    staff = staff_user()

    # when: one is retried on its own, the other resubmitted with a selection
    services.order_retry(order=alone, actor=staff, trigger=Trigger.BULK)
    result = services.orders_resubmit(orders=Order.objects.filter(pk=in_bulk.pk), actor=staff)

    # then: the same order rows, resources, history rows and deliveries, ids and times aside
    assert result.resubmitted == 1
    alone.refresh_from_db()
    in_bulk.refresh_from_db()
    assert alone.state == Order.State.EXECUTING
    assert row(alone, ORDER_FIELDS_ASIDE) == row(in_bulk, ORDER_FIELDS_ASIDE)
    assert alone.resource.state == in_bulk.resource.state == Resource.State.UPDATING
    assert history(alone) == history(in_bulk)
    details = history(alone)["details"]
    assert details == {
        "failure_kind": "transient",
        "error_message": "HTTP 503 server_error: down for maintenance",
        "error_traceback": "Traceback: ConnectTimeout",
        "erred_at": erred_at.isoformat(),
        "due": next_retry_at.isoformat(),
        "completed_at": None,
        "trigger": "bulk",
    }
    sent_alone, sent_in_bulk = (Delivery.objects.get(order=o) for o in (alone, in_bulk))
    aside = DELIVERY_FIELDS_ASIDE | {"next_attempt_at"}
    assert row(sent_alone, aside) == row(sent_in_bulk, aside)
    assert sent_alone.state == Delivery.State.QUEUED


def test_an_automatic_retry_says_so_alone_and_in_bulk():
    offering = OfferingFactory()
    when = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    alone = erred_twin(offering, erred_at=when, next_retry_at=when)
    in_bulk = erred_twin(offering, erred_at=when, next_retry_at=when)

    services.order_retry(order=alone, actor=None, trigger=Trigger.AUTOMATIC)
    services.orders_send_again(order_ids=[in_bulk.pk], actor=None, trigger=Trigger.AUTOMATIC)

    assert history(alone) == history(in_bulk)
    assert history(alone)["reason"] == "automatic retry"
