"""The frozen preview (a dry run's token: exactly that set, changed orders skipped and
reported, expiry, ownership) and cancelling a bulk operation through the API. The run is
called as the worker calls it (tests/orders/test_bulk_live.py runs a real worker)."""

from datetime import timedelta

from django.utils import timezone

from orders.models import BulkOperation, BulkPreview, Order
from orders.services import CHANGED_SINCE_PREVIEW, bulk_operation_run, order_edit
from tests.api.conftest import assert_error

URL = "/api/orders/resubmit/"
LIST = "/api/bulk-operations/"


def erred(world, count: int) -> list[Order]:
    return [world.order(Order.State.ERRED) for _ in range(count)]


def dry_run(client, **filters) -> dict:
    response = client.post(URL, {"filters": filters, "dry_run": True}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def confirm(client, token: str):
    return client.post(URL, {"preview_token": token}, format="json")


def test_confirming_a_preview_resubmits_exactly_its_set_and_reports_what_changed(world):
    # given: a preview of the erred orders
    orders = erred(world, 4)
    staff = world.client("staff")
    preview = dry_run(staff, state="erred")
    counted = preview["would_resubmit"]
    assert preview["preview_token"] and preview["preview_expires_at"]
    # and: meanwhile one succeeded, one was edited, one retried; a new one failed
    succeeded, edited, retried = orders[:3]
    Order.objects.filter(pk=succeeded.pk).update(state=Order.State.DONE, modified=timezone.now())
    Order.objects.filter(pk=edited.pk).update(attributes={"fixed": True}, modified=timezone.now())
    Order.objects.filter(pk=retried.pk).update(modified=timezone.now())
    newcomer = world.order(Order.State.ERRED)

    # when: confirmed with the token and run
    started = confirm(staff, preview["preview_token"])
    assert started.status_code == 202, started.content
    assert started.json()["total"] == counted
    operation = bulk_operation_run(operation_id=started.json()["id"])

    # then: the set counted, less the three changed ones, reported; the newcomer not added
    assert operation.state == BulkOperation.State.DONE
    assert operation.total == operation.processed == counted
    assert operation.resubmitted == counted - 3
    assert operation.skipped_by_reason == {CHANGED_SINCE_PREVIEW: 3}
    for order in (succeeded, edited, retried, newcomer):
        order.refresh_from_db()
    assert succeeded.state == Order.State.DONE
    assert edited.state == retried.state == newcomer.state == Order.State.ERRED
    assert Order.objects.get(pk=orders[3].pk).state == Order.State.EXECUTING


def test_a_token_confirms_once_for_its_owner_until_it_expires(world):
    erred(world, 2)
    token = dry_run(world.client("owner"), state="erred")["preview_token"]

    # another person's confirmation: not found, and nothing started
    assert_error(confirm(world.client("staff"), token), 404)
    assert_error(confirm(world.client("manager"), token), 404)
    assert not BulkOperation.objects.exists()
    # expired
    BulkPreview.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_error(confirm(world.client("owner"), token), 409)
    assert "expired" in body["message"]
    # a fresh one confirms once
    fresh = dry_run(world.client("owner"), state="erred")["preview_token"]
    assert confirm(world.client("owner"), fresh).status_code == 202
    again = assert_error(confirm(world.client("owner"), fresh), 409)
    assert "already confirmed" in again["message"]
    assert BulkOperation.objects.count() == 1


def test_a_token_with_a_selection_or_a_dry_run_is_a_400(world):
    body = assert_error(
        world.client("owner").post(
            URL, {"preview_token": "x", "filters": {"state": "erred"}}, format="json"
        ),
        400,
    )
    assert "exactly one of" in body["message"] or "exactly one of" in str(body["details"])
    assert_error(
        world.client("owner").post(URL, {"preview_token": "x", "dry_run": True}, format="json"),
        400,
    )


def test_cancel_a_queued_operation_at_once_and_a_finished_one_is_a_409(world):
    erred(world, 2)
    owner = world.client("owner")
    started = owner.post(URL, {"filters": {"state": "erred"}}, format="json").json()

    # another person may not
    assert_error(world.client("manager").post(f"{LIST}{started['id']}/cancel/"), 404)
    # its owner may: queued, so cancelled now, nothing sent
    cancelled = owner.post(f"{LIST}{started['id']}/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["state"] == "cancelled" and cancelled.json()["cancel_requested_at"]
    # the worker's task comes later: a no-op
    bulk_operation_run(operation_id=started["id"])
    assert not Order.objects.filter(state=Order.State.EXECUTING).exists()
    body = assert_error(owner.post(f"{LIST}{started['id']}/cancel/"), 409)
    assert "cancelled already" in body["message"]


def test_a_cancel_asked_before_a_chunk_stops_the_run_there(world, settings):
    # given: a run of 3 chunks whose cancel is asked as its first chunk commits
    settings.REDRIVE_BULK_CHUNK_SIZE = 2
    erred(world, 4)
    owner = world.client("owner")
    started = owner.post(URL, {"filters": {"state": "erred"}}, format="json").json()
    asked = []

    def after_chunk(processed):
        if not asked:
            asked.append(owner.post(f"{LIST}{started['id']}/cancel/").status_code)

    # when
    operation = bulk_operation_run(operation_id=started["id"], on_chunk=after_chunk)

    # then: one chunk sent, the rest untouched
    assert asked == [200]
    assert operation.state == BulkOperation.State.CANCELLED
    assert operation.processed == operation.resubmitted == 2
    assert Order.objects.filter(state=Order.State.EXECUTING).count() == 2


def test_an_order_edited_through_the_service_counts_as_changed(world):
    (order,) = erred(world, 1)
    token = dry_run(world.client("staff"), state="erred")["preview_token"]
    order.refresh_from_db()
    order_edit(order=order, actor=world.users["staff"], changes={"customer_name": "Ada"})

    started = confirm(world.client("staff"), token).json()
    operation = bulk_operation_run(operation_id=started["id"])

    assert operation.skipped_by_reason.get(CHANGED_SINCE_PREVIEW) == 1
