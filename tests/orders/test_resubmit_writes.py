"""What a resubmit writes (migration ``orders.0013``): a resource's update is HOT and an order's
new row version stays on its page; the failure-time index holds erred orders only and still
serves every query that reads by failure time."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from orders import services
from orders.filters import order_filter
from orders.models import Order, Resource
from tests.factories import OfferingFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db


def erred(count: int, offering=None) -> list[Order]:
    offering = offering or OfferingFactory()
    consumer = OrganizationFactory()
    resources = Resource.objects.bulk_create(
        Resource(name=f"r{i}", offering=offering, organization=consumer, state=Resource.State.ERRED)
        for i in range(count)
    )
    now = timezone.now()
    return Order.objects.bulk_create(
        Order(
            offering=offering,
            consumer_organization=consumer,
            resource=resource,
            state=Order.State.ERRED,
            erred_at=now - dt.timedelta(minutes=i),
            failure_kind=Order.FailureKind.TRANSIENT,
            error_message="HTTP 503 maintenance",
        )
        for i, resource in enumerate(resources)
    )


def pages(table: str, ids: list[int]) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, (ctid::text::point)[0]::int FROM {table} WHERE id = ANY(%s)", [ids]
        )
        return dict(cursor.fetchall())


def hot_updates(table: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [table],
        )
        return cursor.fetchone()


def test_the_order_and_resource_tables_keep_half_of_each_page_free():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class "
            "WHERE relname IN ('orders_order', 'orders_resource')"
        )
        options = dict(cursor.fetchall())
    assert options == {"orders_order": ["fillfactor=50"], "orders_resource": ["fillfactor=50"]}


def test_a_resubmit_updates_resources_hot_and_orders_on_their_own_pages():
    # given
    orders = erred(60)
    ids = [order.pk for order in orders]
    resource_ids = [order.resource_id for order in orders]
    order_pages, resource_pages = pages("orders_order", ids), pages("orders_resource", resource_ids)
    updated, hot = hot_updates("orders_resource")

    # when
    result = services.orders_resubmit(orders=Order.objects.filter(pk__in=ids), actor=staff_user())

    # then
    assert result.resubmitted == 60
    assert hot_updates("orders_resource") == (updated + 60, hot + 60)
    assert pages("orders_order", ids) == order_pages
    assert pages("orders_resource", resource_ids) == resource_pages
    assert set(Order.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"executing"}


def plan(queryset) -> str:
    """The plan of ``queryset`` read in the index's order (a table of a few rows would be
    sorted in memory instead; ``bench.wal_breakdown`` shows the plans at scale)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_failed_orders_queue_by_failure_time_reads_the_erred_orders_index():
    erred(3)
    queue = Order.objects.filter(state=Order.State.ERRED).order_by("-erred_at", "-pk")[:50]
    assert "order_erred_at" in plan(queue)


def test_a_failure_window_is_of_erred_orders_and_reads_their_index():
    # given: two erred orders, one retried (executing: its failure time cleared)
    orders = erred(3)
    services.orders_resubmit(orders=Order.objects.filter(pk=orders[0].pk), actor=staff_user())
    since = timezone.now() - dt.timedelta(hours=1)

    # when
    window = order_filter(
        queryset=Order.objects.order_by("-erred_at"), data={"failed_after": since.isoformat()}
    )

    # then
    assert set(window.values_list("pk", flat=True)) == {orders[1].pk, orders[2].pk}
    assert "order_erred_at" in plan(window)
