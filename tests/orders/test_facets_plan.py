"""The failed-orders counts (``order_facets``) read the partial index of erred orders alone."""

import pytest
from django.db import connection, transaction

from orders.models import Order
from orders.selectors import order_facets
from tests.admin.conftest import orders_in_state

pytestmark = pytest.mark.django_db


def test_the_counts_by_kind_and_offering_are_an_index_only_scan_of_the_erred_orders():
    orders_in_state(3)
    orders_in_state(2, failure_kind=Order.FailureKind.ACTION_REQUIRED)
    erred = Order.objects.filter(state=Order.State.ERRED)
    query = erred.order_by().values_list("failure_kind", "offering_id")
    from django.db.models import Count

    sql, params = query.annotate(count=Count("*")).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "order_erred_facets" in plan, plan
    facets = order_facets(orders=erred)
    assert facets.total == 5
    assert {row["failure_kind"]: row["count"] for row in facets.by_failure_kind}[
        "action_required"
    ] == 2
