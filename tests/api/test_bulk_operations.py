"""Bulk operations in the API: the list (your own; staff all), one with its outcomes, and the
orders list's ``bulk_operation`` filter those outcomes link to."""

import pytest
from django.utils import timezone

from orders.models import BulkOperation, Order
from tests.api.conftest import ROLES, assert_error, client_for, results, uuids
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("immediate_resubmits")

RESUBMIT = "/api/orders/resubmit/"
LIST = "/api/bulk-operations/"


def resubmit(world, role, **filters) -> int:
    response = world.client(role).post(RESUBMIT, {"filters": filters}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["bulk_operation"]


def operation_by(user, **fields) -> BulkOperation:
    now = timezone.now()
    return BulkOperation.objects.create(
        action=BulkOperation.Action.RESUBMIT,
        requested_by=user,
        source=BulkOperation.Source.ADMIN,
        state=BulkOperation.State.DONE,
        created=now,
        finished_at=now,
        **fields,
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_its_own_operations_and_staff_all(world, role):
    # given: one operation per person who has a role
    mine = {
        name: operation_by(user, total=1, processed=1)
        for name, user in world.users.items()
        if user is not None
    }

    # when
    response = world.client(role).get(LIST)

    # then
    if role == "anonymous":
        assert_error(response, 401)
        return
    ids = [row["id"] for row in results(response)]
    if role == "staff":
        assert ids == [op.pk for op in sorted(mine.values(), key=lambda o: (o.created, o.pk))][::-1]
    else:
        assert ids == [mine[role].pk]


def test_a_user_without_a_role_is_refused_naming_the_permissions(world):
    client = client_for(UserFactory(username="nobody"))
    body = assert_error(client.get(LIST), 403, "forbidden")
    assert "orders.view_bulkoperation or orders.resubmit_order" in body["message"]
    assert_error(client.get(f"{LIST}1/"), 403, "forbidden")


def test_the_list_is_newest_first_and_pages_by_cursor(world):
    owner = world.users["owner"]
    operations = [operation_by(owner, total=n) for n in range(3)]

    first = world.client("owner").get(LIST, {"page_size": 2}).json()
    second = world.client("owner").get(first["next"]).json()

    shown = [row["id"] for row in first["results"] + second["results"]]
    assert shown == [op.pk for op in reversed(operations)]
    assert second["next"] is None


def test_one_operation_shows_progress_and_outcomes_linked_to_exactly_those_orders(world):
    # given: the owner resubmits its two erred orders; one has since succeeded
    managed, unmanaged = world.orders["managed"], world.orders["unmanaged"]
    operation_id = resubmit(world, "owner", state="erred")
    Order.objects.filter(pk=managed.pk).update(state=Order.State.DONE)
    other = resubmit(world, "staff", state="erred")  # the foreign one, by someone else
    client = world.client("owner")

    # when
    shown = client.get(f"{LIST}{operation_id}/").json()

    # then
    assert (shown["action"], shown["source"], shown["state"]) == ("resubmit", "api", "done")
    assert (shown["total"], shown["processed"], shown["resubmitted"]) == (2, 2, 2)
    assert (shown["progress_percent"], shown["requested_by"]) == (100, "owner")
    assert shown["filters"] == {"state": "erred"}
    assert shown["started_at"] and shown["finished_at"] and shown["created"]
    outcomes = {row["label"]: row for row in shown["outcomes"]}
    assert {label: row["count"] for label, row in outcomes.items()} == {
        "done": 1,
        "failed again": 0,
        "still in flight": 1,
    }
    assert outcomes["done"]["orders"] == f"/api/orders/?bulk_operation={operation_id}&state=done"
    assert uuids(results(client.get(outcomes["done"]["orders"]))) == {str(managed.uuid)}
    in_flight = results(client.get(outcomes["still in flight"]["orders"]))
    assert uuids(in_flight) == {str(unmanaged.uuid)}
    assert uuids(results(client.get("/api/orders/", {"bulk_operation": operation_id}))) == {
        str(managed.uuid),
        str(unmanaged.uuid),
    }
    assert other != operation_id


def test_another_persons_operation_is_a_404_and_a_400_as_a_filter(world):
    operation_id = resubmit(world, "staff", state="erred")
    manager = world.client("manager")

    assert_error(manager.get(f"{LIST}{operation_id}/"), 404)
    body = assert_error(manager.get("/api/orders/", {"bulk_operation": operation_id}), 400)
    assert body["details"] == {"bulk_operation": [f"No bulk operation {operation_id} among yours."]}
    facets = manager.get("/api/orders/facets/", {"bulk_operation": operation_id})
    assert_error(facets, 400)
    dry_run = manager.post(
        RESUBMIT, {"filters": {"bulk_operation": operation_id}, "dry_run": True}, format="json"
    )
    assert "bulk_operation" in assert_error(dry_run, 400)["details"]
    # staff see it
    assert world.client("staff").get(f"{LIST}{operation_id}/").status_code == 200


def test_resubmitting_what_an_operation_sent_that_failed_again(world):
    # given: an operation, whose orders failed again
    operation_id = resubmit(world, "owner", state="erred")
    Order.objects.filter(state=Order.State.EXECUTING).update(state=Order.State.ERRED)

    # when: the failed-again link's filters, resubmitted
    body = (
        world.client("owner")
        .post(
            RESUBMIT,
            {"filters": {"bulk_operation": operation_id, "state": "erred"}},
            format="json",
        )
        .json()
    )

    # then
    assert body["resubmitted"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bulk_operation": "x"}, "bulk_operation"),
        ({"bulk_operation": "0"}, "bulk_operation"),
        ({"bulk_operation": "99999999"}, "bulk_operation"),
        ({"cursor": "bogus"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"state": "done"}, "state"),
    ],
)
def test_bad_input_is_a_400_naming_it(world, query, field):
    url = "/api/orders/" if "bulk_operation" in query else LIST
    body = assert_error(world.client("owner").get(url, query), 400, "invalid")
    assert field in body["details"], body


def test_an_unknown_operation_is_a_404(world):
    assert_error(world.client("staff").get(f"{LIST}99999999/"), 404)
