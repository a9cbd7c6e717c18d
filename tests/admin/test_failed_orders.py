from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests.admin.conftest import FAILED_ORDERS, messages_of, orders_in_state, staff_with
from tests.factories import IntegrationFactory, OfferingFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NIGHT = datetime(2030, 3, 4, 23, 30, tzinfo=UTC)


def listed(response) -> set[str]:
    return {order.number for order in response.context["cl"].result_list}


def numbers(orders) -> set[str]:
    return {order.number for order in orders}


def test_the_queue_lists_erred_orders_only_with_counts_by_kind_and_integration(client, staff):
    # given
    acme = OfferingFactory(integration=IntegrationFactory(name="Acme WMS"))
    transient = orders_in_state(3, offering=acme, erred_at=NIGHT)
    stuck = orders_in_state(2, erred_at=NIGHT, failure_kind=Order.FailureKind.ACTION_REQUIRED)
    orders_in_state(4, state=Order.State.EXECUTING)

    # when
    response = client.get(FAILED_ORDERS)

    # then
    assert listed(response) == numbers(transient + stuck)
    counts = response.context["failure_counts"]
    assert counts["total"] == 5
    assert [(label, count) for label, count, _ in counts["by_kind"]] == [
        ("Transient (retried automatically)", 3),
        ("Action required", 2),
    ]
    assert ("Acme WMS", 3) in [(name, count) for name, count, _ in counts["by_integration"]]
    page = response.content.decode()
    assert 'id="failure-counts"' in page
    assert "5 failed orders listed." in page


def test_the_counts_take_as_many_queries_for_many_orders_and_offerings(client, staff):
    def queries() -> int:
        response = client.get(FAILED_ORDERS)
        cl = response.context["cl"]
        with CaptureQueriesContext(connection) as captured:
            cl.model_admin.failure_counts(cl)
        return len(captured)

    orders_in_state(3)
    few = queries()
    for kind in Order.FailureKind.values:
        orders_in_state(5, failure_kind=kind)  # each on an offering and integration of its own

    assert queries() == few <= 5


def test_failure_time_range_filter_takes_both_ends(client, staff):
    # given
    inside = orders_in_state(2, erred_at=NIGHT)
    too_early = orders_in_state(1, erred_at=NIGHT - timedelta(hours=3))
    too_late = orders_in_state(1, erred_at=NIGHT + timedelta(hours=5))

    # when
    response = client.get(
        FAILED_ORDERS, {"failed_after": "2030-03-04T22:00", "failed_before": "2030-03-05T02:00"}
    )

    # then
    assert listed(response) == numbers(inside)
    page = response.content.decode()
    assert 'type="datetime-local"' in page
    assert 'value="2030-03-04T22:00"' in page
    assert listed(client.get(FAILED_ORDERS, {"failed_after": "2030-03-04T22:00"})) == numbers(
        inside + too_late
    )
    assert listed(client.get(FAILED_ORDERS, {"failed_before": "2030-03-04T22:00"})) == numbers(
        too_early
    )


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"failed_after": "last night"}, "failed_after"),
        ({"failed_after": "2030-03-05T02:00", "failed_before": "2030-03-04T22:00"}, "later"),
        ({"integration": "acme"}, "integration"),
    ],
)
def test_a_bad_filter_value_names_the_problem_and_lists_nothing(client, staff, params, problem):
    orders_in_state(2, erred_at=NIGHT)

    response = client.get(FAILED_ORDERS, params)

    assert response.status_code == 200
    assert listed(response) == set()
    assert any(problem in message for message in messages_of(response))


def test_filters_by_integration_offering_organization_kind_and_retry(client, staff):
    # given
    acme = OfferingFactory(integration=IntegrationFactory())
    shop = OrganizationFactory()
    of_acme = orders_in_state(2, offering=acme)
    of_shop = orders_in_state(1, consumer_organization=shop)
    stuck = orders_in_state(1, failure_kind=Order.FailureKind.EXHAUSTED)
    scheduled = orders_in_state(1, next_retry_at=NIGHT)

    def by(**params):
        return listed(client.get(FAILED_ORDERS, params))

    # then
    assert by(integration=acme.integration_id) == numbers(of_acme)
    assert by(offering=str(acme.uuid)) == numbers(of_acme)
    assert by(organization=str(shop.uuid)) == numbers(of_shop)
    assert by(organization=str(acme.provider.uuid)) == numbers(of_acme)
    assert by(failure_kind="exhausted") == numbers(stuck)
    assert by(retry_scheduled="true") == numbers(scheduled)
    assert numbers(scheduled).isdisjoint(by(retry_scheduled="false"))


def test_search_by_order_number_customer_name_and_email(client, staff):
    ada = orders_in_state(1, customer_name="Ada Lovelace", customer_email="ada@example.com")
    orders_in_state(2, customer_name="Charles Babbage", customer_email="cb@example.com")

    def search(term):
        return listed(client.get(FAILED_ORDERS, {"q": term}))

    assert search(ada[0].number.lower()) == numbers(ada)
    assert search("lovelace") == numbers(ada)
    assert search("ADA@example.com") == numbers(ada)


def test_the_queue_needs_the_view_permission(client):
    client.force_login(staff_with("retry_order"))
    assert client.get(FAILED_ORDERS).status_code == 403


def test_a_failed_order_opens_the_order_page(client, staff):
    order = orders_in_state(1)[0]

    response = client.get(f"/admin/orders/failedorder/{order.pk}/change/")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/orders/order/{order.pk}/change/"
