"""The failed-orders screen's facets (``GET /api/orders/facets/``) and the order's
``needs_fix_first`` warning."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order
from tests.api.conftest import ROLES, assert_error, client_for
from tests.factories import IntegrationFactory, OfferingFactory, UserFactory

URL = "/api/orders/facets/"
T, AR, EX = (
    Order.FailureKind.TRANSIENT,
    Order.FailureKind.ACTION_REQUIRED,
    Order.FailureKind.EXHAUSTED,
)


def kinds(body) -> dict[str, int]:
    return {row["failure_kind"]: row["count"] for row in body["by_failure_kind"]}


def integrations(body) -> dict[str, int]:
    return {row["name"]: row["count"] for row in body["by_integration"]}


def failed(world, kind, offering=None, **kwargs) -> Order:
    order = world.order(Order.State.ERRED, offering=offering, **kwargs)
    Order.objects.filter(pk=order.pk).update(failure_kind=kind)
    return order


# the world's three erred orders have no failure kind
EXPECTED_BY_ROLE = {
    "staff": {"Acme VMs": 1, "Acme storage": 1, "Other VMs": 1},
    "owner": {"Acme VMs": 1, "Acme storage": 1},
    "manager": {"Acme VMs": 1},
    "other_owner": {"Other VMs": 1},
    "consumer": {"Acme VMs": 1, "Acme storage": 1},  # its own orders, as the consumer
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_counts_the_orders_it_sees(world, role):
    response = world.client(role).get(URL, {"state": "erred"})

    if role == "anonymous":
        assert_error(response, 401)
        return
    assert response.status_code == 200, response.content
    body = response.json()
    expected = EXPECTED_BY_ROLE[role]
    assert integrations(body) == expected
    assert body["total"] == sum(expected.values())
    assert kinds(body) == {T: 0, AR: 0, EX: 0, "": body["total"]}


def test_a_user_without_a_role_is_refused(world):
    body = assert_error(client_for(UserFactory(username="nobody")).get(URL), 403, "forbidden")
    assert "orders.view_order" in body["message"]


def test_counts_by_kind_and_integration_follow_the_list_filters(world):
    # given
    vms = world.managed.integration
    for kind in (T, T, AR):
        failed(world, kind)
    failed(world, EX, offering=world.unmanaged)
    world.order(Order.State.DONE)
    client = world.client("owner")

    # when
    everything = client.get(URL).json()
    erred_vms = client.get(URL, {"state": "erred", "integration": vms.name}).json()
    transient = client.get(URL, {"failure_kind": [T, EX]}).json()

    # then
    assert everything["total"] == 7
    assert kinds(everything) == {T: 2, AR: 1, EX: 1, "": 3}
    assert everything["by_integration"][0] == {"id": vms.pk, "name": "Acme VMs", "count": 5}
    assert kinds(erred_vms) == {T: 2, AR: 1, EX: 0, "": 1}
    assert integrations(erred_vms) == {"Acme VMs": 4}
    assert kinds(transient) == {T: 2, AR: 0, EX: 1}
    assert integrations(transient) == {"Acme VMs": 2, "Acme storage": 1}
    labels = {row["failure_kind"]: row["label"] for row in everything["by_failure_kind"]}
    assert labels[AR] == "Action required"


def test_the_list_and_the_facets_agree_for_a_search_and_a_failure_window(world):
    # given
    now = timezone.now()
    old = failed(world, T, customer_name="Qzxv Lovelace")
    Order.objects.filter(pk=old.pk).update(erred_at=now - timedelta(days=3))
    failed(world, T, customer_name="Qzxv Byron")
    query = {"search": "Qzxv", "failed_after": (now - timedelta(days=1)).isoformat()}
    client = world.client("staff")

    # when
    listed = client.get("/api/orders/", query).json()["results"]
    facets = client.get(URL, query).json()

    # then
    assert [row["customer_name"] for row in listed] == ["Qzxv Byron"]
    assert facets["total"] == 1 and kinds(facets)[T] == 1


def test_orders_of_a_manual_offering_count_under_no_integration(world):
    manual = OfferingFactory(provider=world.acme, integration=None, type="basic")
    world.order(Order.State.ERRED, offering=manual)

    body = world.client("owner").get(URL, {"offering": str(manual.uuid)}).json()

    assert body["by_integration"] == [{"id": None, "name": None, "count": 1}]


def test_the_number_of_queries_does_not_grow_with_orders_or_integrations(world):
    client = world.client("owner")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"state": "erred"}).status_code == 200
        return len(captured)

    queries()  # the first request of a token also records its use
    few = queries()
    for _ in range(5):
        offering = OfferingFactory(provider=world.acme, integration=IntegrationFactory())
        for kind in (T, AR, EX):
            failed(world, kind, offering=offering)
            failed(world, kind)
    assert queries() == few


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "broken"}, "state"),
        ({"failure_kind": "weird"}, "failure_kind"),
        ({"integration": "No such integration"}, "integration"),
        ({"failed_after": "yesterday"}, "failed_after"),
        ({"search": "ab"}, "search"),
        ({"page_size": "5"}, "page_size"),
        ({"stat": "erred"}, "stat"),
    ],
)
def test_bad_input_is_a_400_naming_it(world, query, field):
    body = assert_error(world.client("owner").get(URL, query), 400, "invalid")
    assert field in body["details"], body


def test_needs_fix_first_only_for_action_required_unedited_since_it_failed(world):
    # given
    unedited = failed(world, AR)
    edited = failed(world, AR)
    Order.objects.filter(pk=edited.pk).update(modified=timezone.now() + timedelta(minutes=2))
    transient = failed(world, T)
    client = world.client("manager")

    # when
    shown = {
        order.pk: client.get(f"/api/orders/{order.uuid}/").json()["needs_fix_first"]
        for order in (unedited, edited, transient)
    }
    listed = {
        row["uuid"]: row["needs_fix_first"]
        for row in client.get("/api/orders/", {"failure_kind": AR}).json()["results"]
    }

    # then
    assert shown == {unedited.pk: True, edited.pk: False, transient.pk: False}
    assert listed == {str(unedited.uuid): True, str(edited.uuid): False}


def test_needs_fix_first_is_the_admins_rule(world):
    from orders.selectors import UNCHANGED_SINCE_FAILURE, needs_fix_first

    orders = [failed(world, AR), failed(world, T), world.orders["managed"]]
    Order.objects.filter(pk=orders[0].pk).update(modified=timezone.now() + timedelta(seconds=4))
    by_query = set(Order.objects.filter(UNCHANGED_SINCE_FAILURE).values_list("pk", flat=True))

    assert {o.pk for o in Order.objects.all() if needs_fix_first(o)} == by_query
    assert by_query == {orders[0].pk}
