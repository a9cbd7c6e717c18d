"""The set-based statements of core/sql.py and the ``any`` lookup, on PostgreSQL."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.sql import array_literal, insert_values, update_from_values
from integrations.models import Attempt, Delivery
from orders.models import Order, OrderTransition
from tests.factories import IntegrationFactory, OrderFactory


@pytest.mark.django_db
def test_any_takes_every_value_as_one_parameter():
    # given
    orders = [OrderFactory() for _ in range(60)]
    wanted = [o.pk for o in orders[:55]]

    # when
    with CaptureQueriesContext(connection) as captured:
        found = set(Order.objects.filter(pk__any=wanted).values_list("pk", flat=True))

    # then
    assert found == set(wanted)
    [query] = captured.captured_queries
    assert "= ANY(" in query["sql"] and " IN (" not in query["sql"]


@pytest.mark.django_db
def test_any_skips_none_takes_instances_and_an_empty_list_matches_nothing(
    django_assert_num_queries,
):
    orders = [OrderFactory() for _ in range(3)]
    integration = IntegrationFactory()
    for order in orders:
        Delivery.objects.create(order=order, integration=integration)
    assert Order.objects.filter(pk__any=[orders[0].pk, None]).count() == 1
    assert Delivery.objects.filter(order__any=orders[:2]).count() == 2
    with django_assert_num_queries(0):
        assert list(Order.objects.filter(pk__any=[])) == []
    assert (
        Order.objects.exclude(pk__any=[orders[0].pk]).filter(pk__in=[o.pk for o in orders]).count()
        == 2
    )


@pytest.mark.django_db
def test_update_from_values_gives_each_row_its_values_where_the_condition_holds():
    # given: three attempts, one whose number no longer matches
    order = OrderFactory()
    delivery = Delivery.objects.create(order=order, integration=IntegrationFactory())
    attempts = [
        Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=delivery.integration,
            number=n,
            trigger="user",
        )
        for n in (1, 2, 3)
    ]

    # when: a column of NULLs, per-row text, a constant, and a condition on each row
    updated = update_from_values(
        Attempt,
        key="id",
        columns=("id", "number", "remote_status", "message"),
        rows=[(a.pk, a.number if a.number != 2 else 9, None, f"m{a.number}") for a in attempts],
        assign={"remote_status": "v.remote_status", "message": "v.message", "outcome": "%s"},
        params=["success"],
        condition="t.number = v.number",
        returning=["id"],
    )

    # then
    assert sorted(pk for (pk,) in updated) == [attempts[0].pk, attempts[2].pk]
    rows = Attempt.objects.order_by("number").values_list(
        "number", "message", "outcome", "remote_status"
    )
    assert list(rows) == [(1, "m1", "success", None), (2, "", "", None), (3, "m3", "success", None)]


@pytest.mark.django_db
def test_insert_values_writes_every_row_in_one_statement():
    orders = [OrderFactory() for _ in range(3)]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with CaptureQueriesContext(connection) as captured:
        insert_values(
            OrderTransition,
            OrderTransition.ROW_FIELDS,
            [
                (o.pk, "succeed", "executing", "done", None, "", json.dumps({"n": i}), now)
                for i, o in enumerate(orders)
            ],
        )
    assert len(captured.captured_queries) == 1
    details = OrderTransition.objects.order_by("order_id").values_list("details", flat=True)
    assert list(details) == [{"n": 0}, {"n": 1}, {"n": 2}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("array_type", "values"),
    [
        ("integer", [1, None, -7, 2**31 - 1]),
        (
            "text",
            ["plain", "", 'a "quoted" word', "back\\slash", "{braces},commas", "NULL", None],
        ),
        ("boolean", [True, False, None]),
        ("uuid", [uuid.UUID(int=1), None]),
        ("timestamp with time zone", [timezone.now(), None]),
        ("jsonb", [json.dumps({"a": 'x "y" \\ z', "b": [1, None]}), None]),
    ],
)
def test_an_array_parameter_reads_back_as_the_values_it_was_made_of(array_type, values):
    # when: the values as one array parameter, the way the any lookup and unnest send them
    literal = array_literal(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(%s AS {array_type}[])", [literal])
        [(read,)] = cursor.fetchall()

    # then: one string, read back as the same values
    assert isinstance(literal, str)
    if array_type == "jsonb":  # Django reads JSON as its text
        read, values = ([None if v is None else json.loads(v) for v in x] for x in (read, values))
    assert read == values


def test_values_an_array_literal_does_not_know_go_to_the_driver_as_they_are():
    assert array_literal([1, 2.5]) == [1, 2.5]


@pytest.mark.django_db
def test_any_with_keys_skips_their_preparation_and_matches_the_same_rows():
    orders = [OrderFactory() for _ in range(3)]
    keys = [orders[0].pk, orders[2].pk]
    assert set(Order.objects.filter(pk__any=keys).values_list("pk", flat=True)) == set(keys)
    assert set(Order.objects.filter(pk__any=[str(k) for k in keys])) == {orders[0], orders[2]}
    assert set(
        OrderTransition.objects.filter(order_id__any=keys).values_list("order_id", flat=True)
    ) == set(OrderTransition.objects.filter(order__in=keys).values_list("order_id", flat=True))
    with pytest.raises(ValueError):  # a key that is no number is refused, as before
        list(Order.objects.filter(pk__any=["x"]))
