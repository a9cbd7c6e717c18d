"""Bulk resubmit by uuids or by filters: counts, skipped reasons, dry run, limits."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import BulkOperation, Order, OrderTransition
from tests.api.conftest import ROLES, assert_error

pytestmark = pytest.mark.usefixtures("immediate_resubmits")

URL = "/api/orders/resubmit/"
NOT_FOUND = "not found: no such order among your organizations and offerings"
NOT_ERRED = "not erred: only erred orders can be resubmitted"
NOT_ALLOWED = (
    "not allowed: only the provider side (owners of the offering's organization, the "
    "offering's managers, or staff) may resubmit an order; the organization that placed it may "
    "see it, not resubmit it"
)

RESUBMITTED_BY_ROLE = {
    "staff": {"managed", "unmanaged", "foreign"},
    "owner": {"managed", "unmanaged"},
    "manager": {"managed"},
    "other_owner": {"foreign"},
    "consumer": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_by_uuids_each_role_resubmits_its_own_and_the_rest_is_not_found(world, role):
    every = [str(order.uuid) for order in world.orders.values()]

    response = world.client(role).post(URL, {"uuids": every}, format="json")

    if role == "anonymous":
        assert_error(response, 401)
        return
    assert response.status_code == 200, response.content
    body = response.json()
    expected = RESUBMITTED_BY_ROLE[role]
    assert body["resubmitted"] == len(expected)
    for name, order in world.orders.items():
        order.refresh_from_db()
        assert order.state == ("executing" if name in expected else "erred"), name
    skipped = {row["uuid"]: row["reason"] for row in body["skipped"]}
    assert body["skipped_count"] == len(skipped) == 3 - len(expected)
    if role == "consumer":  # sees its orders as the consumer, may not resubmit them
        assert body["matched"] == 2
        assert body["skipped_by_reason"] == {NOT_ALLOWED: 2, NOT_FOUND: 1}
    else:
        assert body["matched"] == len(expected)
        assert set(skipped.values()) <= {NOT_FOUND}


def test_skipped_orders_say_why_and_a_repeat_is_safe(world):
    # given
    done = world.order(Order.State.DONE)
    unknown = str(uuid.uuid4())
    payload = {"uuids": [str(world.orders["managed"].uuid), str(done.uuid), unknown]}
    client = world.client("owner")

    # when
    first = client.post(URL, payload, format="json").json()
    again = client.post(URL, payload, format="json").json()

    # then
    assert first == {
        "matched": 2,
        "resubmitted": 1,
        "skipped_count": 2,
        "skipped_by_reason": {NOT_ERRED: 1, NOT_FOUND: 1},
        "skipped": [
            {"uuid": str(done.uuid), "number": done.number, "reason": NOT_ERRED},
            {"uuid": unknown, "number": None, "reason": NOT_FOUND},
        ],
        "dry_run": False,
        "left_out_action_required": 0,
        "bulk_operation": BulkOperation.objects.get(resubmitted=1).pk,
    }
    assert (again["resubmitted"], again["skipped_by_reason"]) == (
        0,
        {NOT_ERRED: 2, NOT_FOUND: 1},
    )
    managed = world.orders["managed"]
    assert OrderTransition.objects.filter(order=managed, transition="retry").count() == 1


def test_dry_run_changes_nothing(world):
    every = [str(order.uuid) for order in world.orders.values()]

    body = world.client("owner").post(URL, {"uuids": every, "dry_run": True}, format="json").json()

    assert body["dry_run"] is True
    assert body["would_resubmit"] == 2 and "resubmitted" not in body
    assert body["skipped_by_reason"] == {NOT_FOUND: 1}
    assert set(Order.objects.values_list("state", flat=True)) == {"erred"}
    assert not OrderTransition.objects.exists()


def test_by_filters(world):
    # given: the managed order failed last night, the unmanaged one last week
    now = timezone.now()
    Order.objects.filter(pk=world.orders["managed"].pk).update(
        erred_at=now - timedelta(hours=8), failure_kind="transient"
    )
    Order.objects.filter(pk=world.orders["unmanaged"].pk).update(
        erred_at=now - timedelta(days=7), failure_kind="transient"
    )
    filters = {
        "failed_after": (now - timedelta(hours=12)).isoformat(),
        "failure_kind": ["transient"],
        "state": "erred",
    }
    client = world.client("owner")

    # when
    dry = client.post(URL, {"filters": filters, "dry_run": True}, format="json").json()
    real = client.post(URL, {"filters": filters}, format="json").json()

    # then
    assert (dry["matched"], dry["would_resubmit"]) == (1, 1)
    assert (real["matched"], real["resubmitted"], real["skipped_count"]) == (1, 1, 0)
    states = dict(Order.objects.values_list("uuid", "state"))
    assert states[world.orders["managed"].uuid] == "executing"
    assert states[world.orders["unmanaged"].uuid] == "erred"
    assert states[world.orders["foreign"].uuid] == "erred"


def test_by_filters_stays_in_scope_and_takes_json_booleans(world):
    body = (
        world.client("manager")
        .post(URL, {"filters": {"retry_scheduled": False}}, format="json")
        .json()
    )

    assert (body["matched"], body["resubmitted"]) == (1, 1)
    assert Order.objects.filter(state="executing").get() == world.orders["managed"]


@pytest.mark.parametrize(
    ("filters", "named"),
    [
        ({"failed_after": "yesterday"}, "failed_after"),
        ({"state": ["erred", "lost"]}, "state"),
        ({"retry_scheduled": "maybe"}, "retry_scheduled"),
        ({"search": ["a", "b"]}, "search"),
        ({"integration": None}, "integration"),
        ({"colour": "red"}, "colour"),
        ({"failed_after": "2030-01-02T00:00:00Z", "failed_before": "2030-01-01T00:00:00Z"}, None),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(world, filters, named):
    response = world.client("staff").post(URL, {"filters": filters}, format="json")

    error = assert_error(response, 400, "invalid")
    assert (named or "failed_before") in error["details"]
    assert (named or "failed_before") in error["message"]
    assert set(Order.objects.values_list("state", flat=True)) == {"erred"}


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({}, "non_field_errors"),
        ({"uuids": ["00000000-0000-0000-0000-000000000001"], "filters": {}}, "non_field_errors"),
        ({"uuids": []}, "uuids"),
        ({"uuids": ["not-a-uuid"]}, "uuids"),
        ({"uuids": "00000000-0000-0000-0000-000000000001"}, "uuids"),
        ({"filters": ["state", "erred"]}, "filters"),
        ({"filters": {}, "dry_run": "perhaps"}, "dry_run"),
        ({"filters": {}, "dryrun": True}, "dryrun"),
    ],
)
def test_bad_requests_are_a_400_naming_the_problem(world, payload, named):
    response = world.client("staff").post(URL, payload, format="json")

    assert named in assert_error(response, 400, "invalid")["details"]
    assert set(Order.objects.values_list("state", flat=True)) == {"erred"}


def test_at_most_1000_uuids(world):
    client = world.client("staff")
    at_limit = [str(world.orders["managed"].uuid)] + [str(uuid.uuid4()) for _ in range(999)]

    over = client.post(URL, {"uuids": [*at_limit, str(uuid.uuid4())]}, format="json")
    error = assert_error(over, 400, "invalid")
    assert "At most 1000 uuids" in error["details"]["uuids"][0]
    assert world.orders["managed"].transitions.count() == 0

    ok = client.post(URL, {"uuids": at_limit}, format="json").json()
    assert (ok["resubmitted"], ok["skipped_count"], len(ok["skipped"])) == (1, 999, 999)


def test_a_user_without_the_resubmit_permission_gets_a_403(world):
    world.users["manager"].groups.clear()

    response = world.client("manager").post(URL, {"filters": {}}, format="json")

    assert_error(response, 403, "forbidden")
    assert set(Order.objects.values_list("state", flat=True)) == {"erred"}
