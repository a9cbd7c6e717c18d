"""The Failed orders queue's "Edit attributes, then resubmit": the patch form, its preview
(refusals named per reason), the confirmation with the preview's token, and the run."""

import pytest
from django.urls import reverse

from orders.models import BulkOperation, Order, OrderTransition
from orders.services import bulk_operation_run
from tests.admin.conftest import (
    FAILED_ORDERS,
    action_choices,
    messages_of,
    orders_in_state,
    post_back,
    staff_with,
)
from tests.factories import OfferingFactory

ACTION = "edit_and_resubmit_selected"

pytestmark = pytest.mark.django_db


def first_post(client, orders, **extra):
    return client.post(
        FAILED_ORDERS,
        {"action": ACTION, "index": "0", "_selected_action": [o.pk for o in orders], **extra},
    )


def test_the_patch_is_asked_previewed_confirmed_and_applied(client, staff):
    # given: two erred orders of an offering that requires a shipping method
    offering = OfferingFactory(name="Parcels", required_attributes=["shipping.method"])
    fixed, emptied = orders_in_state(2, offering=offering)
    Order.objects.filter(pk=fixed.pk).update(attributes={"shipping": {"method": "UPS_GRND"}})
    Order.objects.filter(pk=emptied.pk).update(attributes={"shipping": {"code": "7"}})

    # when: the first POST
    form = first_post(client, [fixed, emptied])

    # then: the patch form
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="attributes_patch"' in page and 'name="edit_step" value="preview"' in page

    # when: a patch that is not JSON
    again = client.post(FAILED_ORDERS, post_back(page, attributes_patch="{shipping"))

    # then: the form again, naming the problem; nothing changed
    assert 'id="patch-error">Not JSON' in again.content.decode()

    # when: a patch that removes the code (and so leaves the second without a method)
    preview = client.post(
        FAILED_ORDERS, post_back(page, attributes_patch='{"shipping": {"code": null}}')
    )

    # then: the preview counts one to send and names why the other is left as it is
    page = preview.content.decode()
    assert 'id="would-resubmit">1<' in page
    assert "attributes.shipping.method is required by the offering &#x27;Parcels&#x27;" in page
    assert emptied.number in page
    assert Order.objects.get(pk=fixed.pk).attributes == {"shipping": {"method": "UPS_GRND"}}

    # when: confirmed, then run as the worker runs it
    confirmed = client.post(FAILED_ORDERS, post_back(page))
    assert confirmed.status_code == 302
    assert any("running in the background" in text for text in messages_of(confirmed))
    operation = BulkOperation.objects.get()
    assert operation.patch == {"shipping": {"code": None}}
    operation = bulk_operation_run(operation_id=operation.pk)

    # then: the fit one patched, audited and resent; the other untouched
    assert operation.resubmitted == 1 and operation.skipped == 1
    fixed.refresh_from_db()
    emptied.refresh_from_db()
    assert fixed.state == Order.State.EXECUTING
    assert fixed.attributes == {"shipping": {"method": "UPS_GRND"}}
    assert OrderTransition.objects.filter(order=fixed, transition="edit_attributes").exists()
    assert emptied.state == Order.State.ERRED and emptied.attributes == {"shipping": {"code": "7"}}
    # and: the operation's page shows the patch it applied
    page = client.get(reverse("admin:orders_bulkoperation_change", args=[operation.pk]))
    assert "&quot;code&quot;: null" in page.content.decode()


def test_without_the_change_permission_the_action_is_neither_offered_nor_done(client):
    client.force_login(staff_with("view_order", "resubmit_order"))
    orders = orders_in_state(1)

    assert ACTION not in action_choices(client.get(FAILED_ORDERS))
    response = first_post(client, orders, edit_step="confirm")

    assert response.status_code == 302
    assert "No action selected." in messages_of(response)
    assert not BulkOperation.objects.exists()
