from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from orders.filters import order_filter
from orders.models import Order
from tests.factories import OrderFactory


@pytest.mark.django_db
def test_failed_window_kind_and_search():
    now = timezone.now()
    last_night = OrderFactory(state=Order.State.ERRED, customer_name="Ada Lovelace")
    Order.objects.filter(pk=last_night.pk).update(
        erred_at=now - timedelta(hours=8), failure_kind="transient", next_retry_at=now
    )
    older = OrderFactory(state=Order.State.ERRED)
    Order.objects.filter(pk=older.pk).update(
        erred_at=now - timedelta(days=3), failure_kind="action_required"
    )
    OrderFactory(state=Order.State.DONE)
    window = {
        "failed_after": (now - timedelta(hours=12)).isoformat(),
        "failed_before": now.isoformat(),
    }

    assert list(order_filter(queryset=Order.objects.all(), data=window)) == [last_night]
    assert list(
        order_filter(queryset=Order.objects.all(), data={"failure_kind": ["action_required"]})
    ) == [older]
    assert list(order_filter(queryset=Order.objects.all(), data={"retry_scheduled": "true"})) == [
        last_night
    ]
    assert list(order_filter(queryset=Order.objects.all(), data={"retry_scheduled": "false"})) == [
        older
    ]
    assert list(order_filter(queryset=Order.objects.all(), data={"search": "lovelace"})) == [
        last_night
    ]
    assert list(
        order_filter(queryset=Order.objects.all(), data={"search": last_night.number.lower()})
    ) == [last_night]


@pytest.mark.django_db
def test_bad_values_name_the_field():
    with pytest.raises(ApplicationError, match=r"failed_after: '.*' is not an ISO 8601 date-time"):
        order_filter(queryset=Order.objects.all(), data={"failed_after": "yesterday"})
    with pytest.raises(ApplicationError, match="failed_before must be later than failed_after"):
        order_filter(
            queryset=Order.objects.all(),
            data={"failed_after": "2026-11-02T00:00:00Z", "failed_before": "2026-11-01T00:00:00Z"},
        )
    with pytest.raises(ApplicationError, match="state: Select a valid choice"):
        order_filter(queryset=Order.objects.all(), data={"state": ["lost"]})


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["maybe", "yes please", "2"])
def test_a_yes_no_filter_names_a_value_it_cannot_read(value):
    with pytest.raises(ApplicationError, match=r"retry_scheduled: Use true or false\."):
        order_filter(queryset=Order.objects.all(), data={"retry_scheduled": value})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "scheduled"), [("true", True), ("1", True), ("False", False), ("0", False)]
)
def test_a_yes_no_filter_reads_true_and_false(value, scheduled):
    order = OrderFactory(state=Order.State.ERRED)
    Order.objects.filter(pk=order.pk).update(next_retry_at=timezone.now() if scheduled else None)
    assert list(order_filter(queryset=Order.objects.all(), data={"retry_scheduled": value})) == [
        order
    ]


@pytest.mark.django_db
def test_multiple_choice_filters_do_not_make_the_query_distinct():
    """SELECT DISTINCT over a million orders is a sort of every match; no row can repeat."""
    orders = order_filter(
        queryset=Order.objects.all(),
        data={"state": ["erred", "done"], "failure_kind": ["transient"]},
    )
    assert "DISTINCT" not in str(orders.query)
