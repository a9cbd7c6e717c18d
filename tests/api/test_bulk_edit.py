"""Edit many, then resend: one JSON Merge Patch on the attributes of a selection, previewed
(refusals counted per order), confirmed with the preview's token, applied and audited per
order, and the orders sent again; a patch that would leave a required attribute missing
refuses that order alone, which keeps its attributes and stays erred."""

from orders.models import BulkOperation, Order, OrderTransition
from orders.services import bulk_operation_run
from orders.services.bulk_edit import EDIT_TRANSITION
from tests.api.conftest import assert_error
from tests.factories import OfferingFactory, OrderFactory

URL = "/api/orders/resubmit/"
PATCH = {"shipping": {"method": "UPS-GROUND", "legacy_code": None}}
REFUSED = (
    "the attributes patch would leave attributes.shipping.method is required by the offering "
    "'Parcels': not patched, not resubmitted"
)


def orders_of(world, count: int, **attributes) -> list[Order]:
    return [
        OrderFactory(
            state=Order.State.ERRED,
            offering=world.managed,
            consumer_organization=world.globex,
            attributes={"name": f"vm{i}", **attributes},
        )
        for i in range(count)
    ]


def test_a_patch_is_previewed_confirmed_with_its_token_applied_audited_and_resent(world):
    # given: three erred orders with a wrong shipping method code
    orders = orders_of(world, 3, shipping={"method": "UPS_GRND", "legacy_code": "7"})
    client = world.client("owner")

    # when: previewed
    preview = client.post(
        URL,
        {
            "uuids": [str(order.uuid) for order in orders],
            "attributes_patch": PATCH,
            "dry_run": True,
        },
        format="json",
    ).json()

    # then: nothing changed yet, the patch is echoed and the token carries it
    assert preview["would_resubmit"] == 3 and preview["attributes_patch"] == PATCH, preview
    assert Order.objects.get(pk=orders[0].pk).attributes["shipping"]["method"] == "UPS_GRND"

    # when: confirmed with the token alone and run as the worker runs it
    started = client.post(URL, {"preview_token": preview["preview_token"]}, format="json")
    assert started.status_code == 202, started.content
    assert started.json()["patch"] == PATCH
    operation = bulk_operation_run(operation_id=started.json()["id"])

    # then: each order patched (the merge kept what the patch did not name), audited, resent
    assert operation.state == BulkOperation.State.DONE and operation.resubmitted == 3
    for order in orders:
        order.refresh_from_db()
        assert order.state == Order.State.EXECUTING
        assert order.attributes == {
            "name": order.attributes["name"],
            "shipping": {"method": "UPS-GROUND"},
        }
        edit = OrderTransition.objects.get(order=order, transition=EDIT_TRANSITION)
        assert edit.actor.username == "owner"
        assert edit.details == {
            "patch": PATCH,
            "before": {"shipping": {"method": "UPS_GRND", "legacy_code": "7"}},
        }
        retry = OrderTransition.objects.get(order=order, transition="retry")
        assert retry.created >= edit.created


def test_an_order_the_patch_would_leave_without_a_required_attribute_is_refused_alone(world):
    # given: an offering that requires a shipping method; two orders of it, one erred elsewhere
    parcels = OfferingFactory(
        name="Parcels", provider=world.acme, required_attributes=["shipping.method"]
    )
    kept = OrderFactory(
        state=Order.State.ERRED,
        offering=parcels,
        consumer_organization=world.globex,
        attributes={"shipping": {"method": "DHL"}},
    )
    other = orders_of(world, 1, shipping={"method": "DHL"})[0]
    removal = {"shipping": {"method": None}}
    client = world.client("owner")

    # when: a dry run of a patch that removes the method
    preview = client.post(
        URL,
        {"uuids": [str(kept.uuid), str(other.uuid)], "attributes_patch": removal, "dry_run": True},
        format="json",
    ).json()

    # then: the order of the offering that requires it is refused, by name, the other is not
    assert preview["would_resubmit"] == 1
    assert preview["skipped_by_reason"] == {REFUSED: 1}
    assert preview["skipped"] == [
        {"uuid": str(kept.uuid), "number": kept.number, "reason": REFUSED}
    ]

    # when: confirmed and run
    started = client.post(URL, {"preview_token": preview["preview_token"]}, format="json")
    operation = bulk_operation_run(operation_id=started.json()["id"])

    # then: the same refusal; the refused order is untouched, the other patched and resent
    assert operation.resubmitted == 1 and operation.skipped_by_reason == {REFUSED: 1}
    kept.refresh_from_db()
    other.refresh_from_db()
    assert kept.state == Order.State.ERRED and kept.attributes == {"shipping": {"method": "DHL"}}
    assert not OrderTransition.objects.filter(order=kept).exists()
    assert other.state == Order.State.EXECUTING and other.attributes["shipping"] == {}


def test_a_patch_that_is_not_an_object_or_given_with_a_token_is_refused(world):
    client = world.client("owner")
    selection = {"filters": {"state": "erred"}, "dry_run": True}

    for patch in (["a"], "text", {}):
        body = assert_error(
            client.post(URL, {**selection, "attributes_patch": patch}, format="json"), 400
        )
        assert "attributes_patch" in body["details"], body

    token = client.post(URL, selection, format="json").json()["preview_token"]
    body = assert_error(
        client.post(URL, {"preview_token": token, "attributes_patch": PATCH}, format="json"), 400
    )
    assert "attributes_patch" in body["details"]


def test_a_consumer_cannot_patch_orders_it_placed(world):
    order = world.orders["managed"]
    before = dict(order.attributes)

    response = world.client("consumer").post(
        URL, {"uuids": [str(order.uuid)], "attributes_patch": PATCH}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["resubmitted"] == 0
    order.refresh_from_db()
    assert order.attributes == before and order.state == Order.State.ERRED
    assert not OrderTransition.objects.filter(order=order).exists()
