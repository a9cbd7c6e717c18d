import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services
from orders.models import Order, OrderTransition, Resource
from tests.factories import OfferingFactory, OrderFactory, OrganizationFactory, staff_user


def erred_orders(count: int, **kwargs) -> list[Order]:
    """``count`` erred orders made with a handful of queries."""
    offering = kwargs.pop("offering", None) or OfferingFactory()
    consumer = OrganizationFactory()
    resources = Resource.objects.bulk_create(
        Resource(name=f"r{i}", offering=offering, organization=consumer, state=Resource.State.ERRED)
        for i in range(count)
    )
    orders = Order.objects.bulk_create(
        Order(
            offering=offering,
            consumer_organization=consumer,
            resource=resource,
            type=Order.Type.UPDATE,
        )
        for resource in resources
    )
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        state=Order.State.ERRED, error_message="HTTP 503 maintenance"
    )
    return orders


def queries_for(count: int, batch_size: int) -> int:
    orders = erred_orders(count)
    user = staff_user()
    with CaptureQueriesContext(connection) as captured:
        result = services.orders_resubmit(
            orders=Order.objects.filter(pk__in=[o.pk for o in orders]),
            actor=user,
            batch_size=batch_size,
        )
    assert result.resubmitted == count
    return len(captured)


@pytest.mark.django_db
def test_resubmitting_1000_orders_runs_a_bounded_number_of_queries():
    # when
    count = queries_for(1000, batch_size=1000)

    # then: one batch, a fixed handful of queries, not one per order
    assert count <= 15
    assert Order.objects.filter(state=Order.State.EXECUTING).count() == 1000
    assert Resource.objects.filter(state=Resource.State.UPDATING).count() == 1000
    assert OrderTransition.objects.filter(transition="retry").count() == 1000


@pytest.mark.django_db
def test_queries_grow_with_batches_not_with_orders():
    one_batch = queries_for(200, batch_size=200)
    four_batches = queries_for(200, batch_size=50)
    per_batch = (four_batches - one_batch) / 3
    # read, savepoint, lock, history, update, a resource update per order type (3),
    # the enabled integrations, the deliveries upsert, release
    assert per_batch <= 11
    assert four_batches == one_batch + 3 * per_batch


@pytest.mark.django_db
def test_resubmit_reports_each_skipped_order_and_why():
    # given
    erred = erred_orders(2)
    done = OrderFactory(state=Order.State.DONE)
    another_offerings_order = OrderFactory(state=Order.State.ERRED)
    queryset = Order.objects.filter(
        pk__in=[o.pk for o in erred] + [done.pk, another_offerings_order.pk]
    )

    # when
    result = services.orders_resubmit(orders=queryset, actor=staff_user())

    # then
    assert (result.matched, result.resubmitted, result.skipped_count) == (4, 3, 1)
    assert [(s.number, s.reason) for s in result.skipped] == [(done.number, services.NOT_ERRED)]


@pytest.mark.django_db
def test_dry_run_changes_nothing():
    orders = erred_orders(5)
    result = services.orders_resubmit(
        orders=Order.objects.filter(pk__in=[o.pk for o in orders]), actor=staff_user(), dry_run=True
    )
    assert (result.matched, result.resubmitted, result.dry_run) == (5, 5, True)
    assert Order.objects.filter(state=Order.State.ERRED).count() == 5
    assert not OrderTransition.objects.exists()


@pytest.mark.django_db
def test_repeating_a_resubmit_is_safe():
    orders = erred_orders(3)
    queryset = Order.objects.filter(pk__in=[o.pk for o in orders])
    services.orders_resubmit(orders=queryset, actor=staff_user())
    again = services.orders_resubmit(orders=queryset, actor=staff_user())
    assert (again.matched, again.resubmitted) == (3, 0)
    assert again.skipped_by_reason == {services.NOT_ERRED: 3}
    assert OrderTransition.objects.filter(transition="retry").count() == 3


@pytest.mark.django_db
def test_history_keeps_the_error_each_order_had():
    order = erred_orders(1)[0]
    services.orders_resubmit(orders=Order.objects.filter(pk=order.pk), actor=None)
    record = OrderTransition.objects.get(order=order)
    assert record.details["error_message"] == "HTTP 503 maintenance"
    assert record.details["trigger"] == "bulk"
    assert record.actor is None
