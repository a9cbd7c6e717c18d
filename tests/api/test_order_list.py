"""The orders list: filters, search, ordering, cursor pages, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from tests.api.conftest import assert_error, results, uuids
from tests.factories import OrderFactory


def erred(world, *, hours_ago: float, kind: str = "", retry_at=None, **kwargs) -> Order:
    order = world.order(Order.State.ERRED, **kwargs)
    Order.objects.filter(pk=order.pk).update(
        erred_at=timezone.now() - timedelta(hours=hours_ago),
        failure_kind=kind,
        next_retry_at=retry_at,
    )
    return order


def listed(client, **params) -> set[str]:
    return uuids(results(client.get("/api/orders/", params)))


def test_filters_return_exactly_the_expected_rows(world):
    # given
    Order.objects.all().delete()
    soon = timezone.now() + timedelta(hours=1)
    last_night = erred(
        world, hours_ago=8, kind="transient", retry_at=soon, customer_name="Ada Qxlovelace"
    )
    needs_a_person = erred(world, hours_ago=9, kind="action_required")
    last_week = erred(world, hours_ago=24 * 7, kind="exhausted", offering=world.unmanaged)
    pending = world.order(Order.State.PENDING_PROVIDER, customer_email="grace@example.com")
    done = world.order(Order.State.DONE, consumer=world.initech)
    client = world.client("staff")
    now = timezone.now()

    # when / then
    assert listed(client, state=["erred", "done"]) == uuids(
        [{"uuid": str(o.uuid)} for o in (last_night, needs_a_person, last_week, done)]
    )
    assert listed(
        client,
        failed_after=(now - timedelta(hours=12)).isoformat(),
        failed_before=now.isoformat(),
    ) == {str(last_night.uuid), str(needs_a_person.uuid)}
    assert listed(client, failure_kind=["action_required", "exhausted"]) == {
        str(needs_a_person.uuid),
        str(last_week.uuid),
    }
    assert listed(client, retry_scheduled="true") == {str(last_night.uuid)}
    assert listed(client, retry_scheduled="false") == {
        str(needs_a_person.uuid),
        str(last_week.uuid),
    }
    assert listed(client, search="qxlove") == {str(last_night.uuid)}
    assert listed(client, search=pending.number.lower()) == {str(pending.uuid)}
    assert listed(client, search="GRACE@example.com") == {str(pending.uuid)}
    assert listed(client, offering=str(world.unmanaged.uuid)) == {str(last_week.uuid)}
    assert listed(client, integration=world.unmanaged.integration_id) == {str(last_week.uuid)}
    assert listed(client, organization=str(world.initech.uuid)) == {str(done.uuid)}
    assert listed(client, type="create", state="pending_provider") == {str(pending.uuid)}


def test_filters_never_widen_the_scope(world):
    client = world.client("manager")

    assert listed(client, organization=str(world.initech.uuid)) == set()
    assert listed(client, state="erred") == {str(world.orders["managed"].uuid)}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"state": "lost"}, "state"),
        ({"failure_kind": "bad_luck"}, "failure_kind"),
        ({"failed_after": "yesterday"}, "failed_after"),
        ({"failed_after": "2030-01-02T00:00:00Z", "failed_before": "2030-01-01T00:00:00Z"}, None),
        ({"offering": "not-a-uuid"}, "offering"),
        ({"integration": "acme"}, "integration"),
        ({"retry_scheduled": "maybe"}, "retry_scheduled"),
        ({"ordering": "customer_email"}, "ordering"),
        ({"ordering": "number,created"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "100000"}, "page_size"),
        ({"created_before": "9999-12-31T23:59:59-23:59"}, "created_before"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(world, params, named):
    response = world.client("staff").get("/api/orders/", params)

    error = assert_error(response, 400, "invalid")
    assert (named or "failed_before") in error["details"]


def test_ordering_by_number_and_created(world):
    client = world.client("staff")
    all_orders = Order.objects.all()

    by_number = [row["number"] for row in results(client.get("/api/orders/?ordering=number"))]
    assert by_number == sorted(o.number for o in all_orders)
    newest_last = results(client.get("/api/orders/?ordering=created"))
    assert [row["uuid"] for row in newest_last] == [
        str(o.uuid) for o in all_orders.order_by("created", "pk")
    ]


def test_a_failure_window_lists_the_newest_failure_first_page_by_page(world):
    # given: failures created in one order and failed in the reverse one, one outside
    Order.objects.all().delete()
    failed = [erred(world, hours_ago=hours) for hours in (1, 2, 3, 4, 5)]
    erred(world, hours_ago=48)
    world.order(Order.State.DONE)
    client = world.client("staff")
    window = {
        "state": "erred",
        "failed_after": (timezone.now() - timedelta(hours=24)).isoformat(),
        "page_size": 2,
    }

    # when: every page of the window
    seen, page = [], client.get("/api/orders/", window).json()
    while True:
        seen += [row["uuid"] for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()

    # then: by failure time, newest first (here the order they were created in), each once
    assert seen == [str(order.uuid) for order in failed]


def test_ordering_by_failure_time_lists_only_orders_that_failed(world):
    # given
    Order.objects.all().delete()
    older, newer = erred(world, hours_ago=3), erred(world, hours_ago=1)
    world.order(Order.State.PENDING_PROVIDER)
    client = world.client("staff")

    # when / then
    oldest_first = results(client.get("/api/orders/", {"ordering": "erred_at"}))
    assert [row["uuid"] for row in oldest_first] == [str(older.uuid), str(newer.uuid)]
    newest_first = results(client.get("/api/orders/", {"ordering": "-erred_at"}))
    assert [row["uuid"] for row in newest_first] == [str(newer.uuid), str(older.uuid)]
    explicit = results(
        client.get("/api/orders/", {"failed_after": "2000-01-01T00:00:00Z", "ordering": "created"})
    )
    assert [row["uuid"] for row in explicit] == [str(older.uuid), str(newer.uuid)]


def test_cursor_pages_cover_every_row_once_even_with_equal_created_times(world):
    # given: 7 more orders created at the same instant (a bulk import)
    same_time = timezone.now()
    for _ in range(7):
        Order.objects.filter(pk=world.order().pk).update(created=same_time)
    client = world.client("staff")

    # when: reading 3 at a time
    seen, url = [], "/api/orders/?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["uuid"] for row in page["results"]]
        url = page["next"]

    # then
    assert len(seen) == len(set(seen)) == Order.objects.count() == 10


def test_the_list_runs_the_same_queries_for_any_page_size(world, django_assert_num_queries):
    # given: 30 orders of several offerings, organizations and integrations
    for index in range(30):
        OrderFactory(
            state=Order.State.ERRED,
            offering=[world.managed, world.unmanaged][index % 2],
            consumer_organization=world.globex,
        )
    client = world.client("owner")

    # when / then: the token lookup, then the page
    client.get("/api/organizations/")  # the key's first use records when (once a minute)
    for page_size in (5, 30):
        # the token and user, the role's permissions (user and group, once a request), the
        # page, its orders' failed deliveries (the integrations each failed at)
        with django_assert_num_queries(5):
            response = client.get(f"/api/orders/?page_size={page_size}&state=erred")
        assert len(response.json()["results"]) == page_size


def test_a_time_with_any_real_utc_offset_is_taken_as_that_instant(world):
    # given: an order that failed 2 hours ago
    order = erred(world, hours_ago=2)
    client = world.client("staff")
    three_hours_ago = timezone.now() - timedelta(hours=3)

    # when: the failure window starts three hours ago, written at the far end of the offsets
    # real time zones use (beyond them is a 400: tests/api/test_bad_input.py)
    shifted = three_hours_ago.astimezone(timezone.get_fixed_timezone(-(13 * 60 + 45)))

    # then: the same instant
    assert str(order.uuid) in listed(client, failed_after=shifted.isoformat())
