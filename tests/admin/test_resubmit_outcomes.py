"""What a resubmit will send (by kind, integration and backend, with the orders a person must
fix named and optionally left out) and what became of what it sent (its bulk operation)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from integrations.models import Integration
from orders.models import BulkOperation, Order
from orders.selectors import bulk_operation_orders
from orders.services import CHANGED_SINCE_PREVIEW
from tests.admin.conftest import FAILED_ORDERS, messages_of, orders_in_state, post_back
from tests.factories import IntegrationFactory, OfferingFactory, staff_user


def sent_by(operation) -> list[int]:
    return list(bulk_operation_orders(operation_id=operation.pk).values_list("pk", flat=True))


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_resubmits")]

ACTION_REQUIRED = Order.FailureKind.ACTION_REQUIRED


def first_post(client, action, orders):
    return client.post(
        FAILED_ORDERS,
        {"action": action, "index": "0", "_selected_action": [o.pk for o in orders]},
    )


@pytest.fixture
def mixed():
    """5 transient failures at an HTTP integration, 3 address failures at a site agent (2 of
    them not edited since they failed, 1 edited afterwards)."""
    warehouse = OfferingFactory(integration=IntegrationFactory(name="Acme WMS"))
    agent = OfferingFactory(
        integration=IntegrationFactory(name="Lisbon agent", backend=Integration.Backend.SITE_AGENT)
    )
    transient = orders_in_state(5, offering=warehouse)
    address = orders_in_state(3, offering=agent, failure_kind=ACTION_REQUIRED)
    for order in address:
        Order.objects.filter(pk=order.pk).update(erred_at=order.modified)
    edited = address[0]
    Order.objects.filter(pk=edited.pk).update(modified=edited.modified + timedelta(minutes=5))
    return transient, address


def test_the_resubmit_confirmation_breaks_the_selection_down_and_warns_of_orders_a_person_must_fix(
    client, staff, mixed
):
    transient, address = mixed

    response = first_post(client, "resubmit_selected", transient + address)

    breakdown = response.context["breakdown"]
    assert breakdown.by_kind == [("Transient (retried automatically)", 5), ("Action required", 3)]
    assert breakdown.by_integration == [("Acme WMS", 5), ("Lisbon agent", 3)]
    assert breakdown.by_backend == [("http push", 5), ("site agent", 3)]
    assert (breakdown.needs_person, breakdown.unchanged_needs_person) == (3, 2)
    page = response.content.decode()
    assert 'id="needs-person-warning"' in page and 'id="unchanged-count">2<' in page
    assert "Leave out the 3 action-required orders: send only the other 5" in page


def test_leaving_out_the_action_required_orders_resubmits_only_the_others(client, staff, mixed):
    transient, address = mixed
    page = first_post(client, "resubmit_selected", transient + address).content.decode()

    client.post(FAILED_ORDERS, post_back(page, leave_out_action_required="1"))

    assert set(Order.objects.filter(state="executing").values_list("pk", flat=True)) == {
        o.pk for o in transient
    }
    assert Order.objects.filter(pk__in=[o.pk for o in address], state="erred").count() == 3


def test_retry_warns_of_an_unchanged_action_required_order_and_says_it_is_queued(client, staff):
    (order,) = orders_in_state(1, failure_kind=ACTION_REQUIRED)
    Order.objects.filter(pk=order.pk).update(erred_at=order.modified)

    page = first_post(client, "retry_selected", [order]).content.decode()
    response = client.post(FAILED_ORDERS, post_back(page))

    assert 'id="unchanged-count">1<' in page
    assert "will most likely fail the same way" in page
    (message,) = messages_of(response)
    assert message.startswith(f"{order.number} is queued for sending to ")


def test_every_admin_resubmit_is_a_bulk_operation_whose_outcomes_link_to_its_orders(client, staff):
    # given: 4 orders resubmitted from the Failed orders queue
    orders = orders_in_state(4)
    page = first_post(client, "resubmit_selected", orders).content.decode()
    response = client.post(FAILED_ORDERS, post_back(page))
    operation = BulkOperation.objects.get()
    assert (operation.source, operation.state, operation.resubmitted) == ("admin", "done", 4)
    assert sorted(sent_by(operation)) == sorted(o.pk for o in orders)
    assert f"Bulk operation #{operation.pk}" in messages_of(response)[0]

    # when: one succeeds, one fails again, two are still in flight; others not in it
    orders_in_state(1, state=Order.State.EXECUTING)
    orders_in_state(1)
    Order.objects.filter(pk=orders[0].pk).update(state=Order.State.DONE)
    Order.objects.filter(pk=orders[1].pk).update(state=Order.State.ERRED)
    detail = client.get(reverse("admin:orders_bulkoperation_change", args=[operation.pk]))

    # then: the page counts them, each count linking to exactly those orders
    html = detail.content.decode()
    links = {
        "done": f"/admin/orders/order/?bulk_operation={operation.pk}&amp;state__exact=done",
        "failed again": f"/admin/orders/failedorder/?bulk_operation={operation.pk}",
        "still in flight": (
            f"/admin/orders/order/?bulk_operation={operation.pk}&amp;state__exact=executing"
        ),
    }
    for label, count in [("done", 1), ("failed again", 1), ("still in flight", 2)]:
        assert f'<a href="{links[label]}">{count}</a> {label}' in html
    listed = client.get(links["still in flight"].replace("&amp;", "&"))
    assert {o.pk for o in listed.context["cl"].result_list} == {orders[2].pk, orders[3].pk}
    failed = client.get(links["failed again"])
    assert [o.pk for o in failed.context["cl"].result_list] == [orders[1].pk]


def test_an_unknown_bulk_operation_in_the_list_filter_is_an_error_and_an_empty_list(client, staff):
    orders_in_state(2)

    response = client.get(f"{FAILED_ORDERS}?bulk_operation=99999")

    assert list(response.context["cl"].result_list) == []
    assert messages_of(response) == ["No bulk operation '99999'."]


def test_the_api_and_the_command_record_their_resubmits_too(client):
    api_orders = orders_in_state(2)
    command_orders = orders_in_state(3, offering=OfferingFactory())
    user = staff_user(username="operator")
    client.force_login(user)

    answer = client.post(
        "/api/orders/resubmit/",
        {"uuids": [str(o.uuid) for o in api_orders]},
        content_type="application/json",
    )
    dry = client.post(
        "/api/orders/resubmit/",
        {"uuids": [str(o.uuid) for o in command_orders], "dry_run": True},
        content_type="application/json",
    )
    call_command(
        "resubmit_orders",
        "--offering",
        str(command_orders[0].offering.uuid),
        "--as",
        "operator",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )

    assert answer.status_code == 200 and dry.status_code == 200
    recorded = {op.source: op for op in BulkOperation.objects.all()}
    assert set(recorded) == {"api", "command"}  # the dry run is not recorded
    assert sorted(sent_by(recorded["api"])) == sorted(o.pk for o in api_orders)
    assert sorted(sent_by(recorded["command"])) == sorted(o.pk for o in command_orders)
    assert recorded["command"].requested_by == user


def test_the_operation_page_cancels_a_running_operation_and_reloads_while_it_runs(
    client, staff, settings
):
    # given: a resubmit in the background (no threshold), not yet run
    settings.REDRIVE_BULK_BACKGROUND_THRESHOLD = 0
    orders = orders_in_state(3)
    page = first_post(client, "resubmit_selected", orders).content.decode()
    client.post(FAILED_ORDERS, post_back(page))
    operation = BulkOperation.objects.get()
    url = reverse("admin:orders_bulkoperation_change", args=[operation.pk])
    shown = client.get(url).content.decode()
    assert "Cancel this operation" in shown and "window.location.reload" in shown

    # when: Cancel
    response = client.post(reverse("admin:orders_bulkoperation_cancel", args=[operation.pk]))

    # then: queued, so cancelled at once; the page says so and no longer reloads
    assert response.status_code == 302 and response.url == url
    operation.refresh_from_db()
    assert operation.state == BulkOperation.State.CANCELLED
    assert "cancelled." in messages_of(response)[0]
    after = client.get(url).content.decode()
    assert "Cancel this operation" not in after and "window.location.reload" not in after
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
    ) == {Order.State.ERRED}
    # a second cancel is refused by name
    again = client.post(reverse("admin:orders_bulkoperation_cancel", args=[operation.pk]))
    assert "cancelled already" in messages_of(again)[0]


def test_the_confirmation_resubmits_exactly_what_it_counted_and_reports_what_changed(client, staff):
    # given: a confirmation page for 3 orders; then one is edited and a new one fails
    orders = orders_in_state(3)
    page = first_post(client, "resubmit_selected", orders).content.decode()
    assert 'name="preview_token"' in page
    Order.objects.filter(pk=orders[0].pk).update(modified=timezone.now())

    # when: confirmed
    response = client.post(FAILED_ORDERS, post_back(page))

    # then: the two unchanged are sent; the edited one is skipped, said why
    operation = BulkOperation.objects.get()
    assert (operation.total, operation.resubmitted) == (3, 2)
    assert operation.skipped_by_reason == {CHANGED_SINCE_PREVIEW: 1}
    assert any(CHANGED_SINCE_PREVIEW in message for message in messages_of(response))
    assert Order.objects.get(pk=orders[0].pk).state == Order.State.ERRED
