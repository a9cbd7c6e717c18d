"""The resubmit's dry run as a preview (breakdown, action required, sample), leaving
action-required orders out, and the bulk operation each real resubmit is recorded as."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from orders.models import BulkOperation, Order
from orders.tasks import run_bulk_operation
from tests.api.conftest import ROLES, assert_error, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("immediate_resubmits")

URL = "/api/orders/resubmit/"
AR = Order.FailureKind.ACTION_REQUIRED
T = Order.FailureKind.TRANSIENT


def failed(world, kind, offering=None, **kwargs) -> Order:
    order = world.order(Order.State.ERRED, offering=offering, **kwargs)
    Order.objects.filter(pk=order.pk).update(failure_kind=kind)
    order.refresh_from_db()
    return order


@pytest.fixture
def mixed(world):
    """On Acme VMs: two transient, two action required (one edited since); on Acme storage one
    transient; one done order."""
    orders = {
        "t1": failed(world, T),
        "t2": failed(world, T),
        "ar_unedited": failed(world, AR),
        "ar_edited": failed(world, AR),
        "storage": failed(world, T, offering=world.unmanaged),
        "done": world.order(Order.State.DONE),
    }
    Order.objects.filter(pk=orders["ar_edited"].pk).update(
        modified=timezone.now() + timedelta(minutes=1)
    )
    return orders


def by_name(rows) -> dict[str, int]:
    return {row["name"]: row["count"] for row in rows}


def test_a_dry_run_previews_breakdown_action_required_sample_and_skips(world, mixed):
    # when
    body = world.client("owner").post(
        URL, {"filters": {"offering": str(world.managed.uuid)}, "dry_run": True}, format="json"
    )

    # then
    assert body.status_code == 200, body.content
    body = body.json()
    # the world's own managed order (no failure kind), t1, t2, two action required, done
    assert (body["matched"], body["would_resubmit"], body["skipped_count"]) == (6, 5, 1)
    assert body["skipped_by_reason"] == {"not erred: only erred orders can be resubmitted": 1}
    assert by_name(body["breakdown"]["failure_kind"]) == {
        "Transient (retried automatically)": 2,
        "Action required": 2,
        "unclassified": 1,
    }
    assert by_name(body["breakdown"]["integration"]) == {"Acme VMs": 5}
    assert len(body["breakdown"]["backend"]) == 1
    assert body["action_required"] == {"count": 2, "unchanged_since_failure": 1}
    sample = {row["number"]: row for row in body["sample"]}
    assert len(sample) == 5
    unedited = mixed["ar_unedited"]
    assert sample[unedited.number] == {
        "uuid": str(unedited.uuid),
        "number": unedited.number,
        "failure_kind": AR,
        "error_message": "Remote system unavailable",
    }
    assert (body["bulk_operation"], body["left_out_action_required"]) == (None, 0)
    assert Order.objects.filter(state=Order.State.EXECUTING).count() == 0
    assert not BulkOperation.objects.exists()


def test_the_sample_holds_at_most_twenty(world):
    for _ in range(23):
        failed(world, T)

    body = world.client("manager").post(
        URL, {"filters": {"state": "erred"}, "dry_run": True}, format="json"
    )

    assert body.json()["would_resubmit"] == 24
    assert len(body.json()["sample"]) == 20


def test_leave_out_action_required_in_the_dry_run_and_the_real_run(world, mixed):
    client = world.client("owner")
    request = {"filters": {"state": "erred"}, "leave_out_action_required": True}

    # when
    preview = client.post(URL, {**request, "dry_run": True}, format="json").json()
    done = client.post(URL, request, format="json").json()

    # then: the same orders, in both
    assert preview["left_out_action_required"] == done["left_out_action_required"] == 2
    # t1, t2, storage and the world's two erred orders of Acme
    assert preview["would_resubmit"] == done["resubmitted"] == 5
    assert preview["action_required"] == {"count": 0, "unchanged_since_failure": 0}
    states = {name: Order.objects.get(pk=o.pk).state for name, o in mixed.items()}
    assert states["ar_unedited"] == states["ar_edited"] == Order.State.ERRED
    assert states["t1"] == states["storage"] == Order.State.EXECUTING
    operation = BulkOperation.objects.get(pk=done["bulk_operation"])
    assert operation.filters == {"state": "erred", "leave_out_action_required": True}


def test_leave_out_applies_to_uuids_too(world, mixed):
    uuids = [str(mixed["t1"].uuid), str(mixed["ar_unedited"].uuid)]

    body = world.client("manager").post(
        URL, {"uuids": uuids, "leave_out_action_required": True}, format="json"
    )

    assert (body.json()["resubmitted"], body.json()["left_out_action_required"]) == (1, 1)
    assert Order.objects.get(pk=mixed["ar_unedited"].pk).state == Order.State.ERRED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"filters": {}, "leave_out_action_required": "yes"}, "leave_out_action_required"),
        ({"filters": {}, "leave_out_action_required": 1}, "leave_out_action_required"),
        ({"filters": {}, "dry_run": None}, "dry_run"),
        ({"filters": {"bulk_operation": "x"}, "dry_run": True}, "bulk_operation"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, payload, field):
    body = assert_error(world.client("owner").post(URL, payload, format="json"), 400)
    assert field in body["details"], body


@pytest.mark.parametrize("role", ROLES)
def test_a_real_run_names_the_bulk_operation_it_is_recorded_as(world, role):
    response = world.client(role).post(URL, {"filters": {"state": "erred"}}, format="json")

    if role == "anonymous":
        assert_error(response, 401)
        return
    assert response.status_code == 200, response.content
    body = response.json()
    operation = BulkOperation.objects.get(pk=body["bulk_operation"])
    assert operation.requested_by == world.users[role]
    assert (operation.source, operation.state) == ("api", "done")
    assert operation.resubmitted == body["resubmitted"]


def test_nothing_matched_records_no_operation(world):
    body = world.client("owner").post(URL, {"filters": {"state": "done"}}, format="json").json()
    assert (body["matched"], body["bulk_operation"]) == (0, None)


def test_a_user_without_a_role_is_refused(world):
    nobody = client_for(UserFactory(username="nobody"))
    assert_error(nobody.post(URL, {"filters": {}, "dry_run": True}, format="json"), 403)


@override_settings(REDRIVE_BULK_BACKGROUND_THRESHOLD=3)
def test_a_large_selection_by_filters_runs_in_the_background(
    world, django_capture_on_commit_callbacks
):
    # given: the owner sees 2 erred orders of the world and 3 more
    extra = [failed(world, T) for _ in range(3)]
    client = world.client("owner")

    # when
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(URL, {"filters": {"state": "erred"}}, format="json")

    # then: 202 with the queued operation, nothing resubmitted yet
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["state"], body["total"], body["processed"], body["source"]) == (
        "queued",
        5,
        0,
        "api",
    )
    assert body["outcomes"] == [] and body["progress_percent"] == 0
    assert len(queued) == 1
    assert Order.objects.get(pk=extra[0].pk).state == Order.State.ERRED

    # when: the worker runs it
    run_bulk_operation(body["id"])

    # then: the API shows its progress and outcome
    shown = client.get(f"/api/bulk-operations/{body['id']}/").json()
    assert (shown["state"], shown["processed"], shown["resubmitted"]) == ("done", 5, 5)
    assert shown["progress_percent"] == 100
    outcomes = {row["label"]: row["count"] for row in shown["outcomes"]}
    assert outcomes == {"done": 0, "failed again": 0, "still in flight": 5}


@override_settings(REDRIVE_BULK_BACKGROUND_THRESHOLD=3)
def test_a_dry_run_stays_synchronous_and_uuids_above_the_threshold_go_to_the_background(world):
    orders = [failed(world, T) for _ in range(4)]
    client = world.client("owner")

    preview = client.post(URL, {"filters": {"state": "erred"}, "dry_run": True}, format="json")
    by_uuid = client.post(URL, {"uuids": [str(o.uuid) for o in orders]}, format="json")

    assert preview.status_code == 200 and preview.json()["preview_token"]
    assert by_uuid.status_code == 202, by_uuid.content
    assert (by_uuid.json()["state"], by_uuid.json()["total"]) == ("queued", 4)
