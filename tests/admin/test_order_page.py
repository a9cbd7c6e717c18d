import pytest
from django.utils import timezone

from alerts.models import Alert, Kind, Severity
from integrations.models import Attempt, Delivery
from orders.models import Order, OrderTransition
from tests.admin.conftest import messages_of, orders_in_state, post_back, staff_with

pytestmark = pytest.mark.django_db


def page_of(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def failed_twice() -> Order:
    order = orders_in_state(1)[0]
    Order.objects.filter(pk=order.pk).update(error_traceback="Traceback: ConnectTimeout")
    delivery = Delivery.objects.create(order=order, integration=order.offering.integration)
    for number, (code, message) in enumerate(
        [("timeout", "read timed out after 10s"), ("http_503", "maintenance until 02:00")], 1
    ):
        Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=delivery.integration,
            number=number,
            trigger="automatic",
            outcome=Attempt.Outcome.TRANSIENT,
            remote_status=503 if number == 2 else None,
            error_code=code,
            message=message,
            traceback=f"Traceback of attempt {number}",
            finished_at=timezone.now(),
        )
    OrderTransition.objects.create(
        order=order, transition="fail", source_state="executing", target_state="erred"
    )
    Alert.objects.create(
        integration=delivery.integration,
        order=order,
        kind=Kind.UNAVAILABLE,
        severity=Severity.WARNING,
        message="Acme says: planned maintenance",
        needs_action=False,
    )
    return order


def test_the_order_page_shows_error_details_attempts_and_history(client, staff):
    order = failed_twice()

    response = client.get(page_of(order))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Error details" in page
    assert "HTTP 503: down for maintenance" in page
    assert "Traceback: ConnectTimeout" in page
    assert "Attempt history" in page
    for text in ["read timed out after 10s", "maintenance until 02:00", "http_503", "automatic"]:
        assert text in page
    assert "Traceback of attempt 2" in page
    assert "Order history" in page
    assert "Acme says: planned maintenance" in page
    assert 'id="order-action-retry"' in page
    assert 'id="order-action-resubmit"' in page
    assert 'id="order-action-approve"' not in page


def test_state_and_history_are_read_only(client, staff):
    order = failed_twice()

    client.post(page_of(order), {"state": "done", "error_message": "", "customer_name": "New"})

    order.refresh_from_db()
    assert order.state == Order.State.ERRED
    assert order.error_message == "HTTP 503: down for maintenance"


def test_an_order_button_confirms_acts_and_returns_to_the_order(client, staff):
    # given
    order = failed_twice()

    # when: the button posts to the list's action with the one order
    confirmation = client.post(
        "/admin/orders/order/",
        {"action": "retry_selected", "_selected_action": order.pk, "_redirect": page_of(order)},
    )

    # then
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "1 order selected." in page
    assert "current error (message and traceback) moves to the history" in page

    # when
    response = client.post("/admin/orders/order/", post_back(page))

    # then
    assert response.status_code == 302
    assert response["Location"] == page_of(order)
    order.refresh_from_db()
    assert order.state == Order.State.EXECUTING
    assert order.error_message == ""
    retry = order.transitions.get(transition="retry")
    assert retry.details["error_message"] == "HTTP 503: down for maintenance"
    assert messages_of(response) == [
        f"{order.number} is queued for sending to {order.offering.integration}: it is "
        "executing, and its attempt history shows the result in a few seconds."
    ]


def test_buttons_follow_state_and_permission(client):
    client.force_login(staff_with("view_order", "retry_order"))
    erred = orders_in_state(1)[0]
    pending = orders_in_state(1, state=Order.State.PENDING_PROVIDER)[0]

    erred_page = client.get(page_of(erred)).content.decode()
    pending_page = client.get(page_of(pending)).content.decode()

    assert 'id="order-action-retry"' in erred_page
    assert 'id="order-action-resubmit"' not in erred_page
    assert 'id="order-action-' not in pending_page


def test_the_order_history_leaves_the_sends_to_the_attempt_history(client, staff):
    # given: placed, failed (a send's result), retried by the system and by a person
    order = failed_twice()
    person = staff_with("view_order")
    for transition, actor in [
        ("create", person),
        ("retry", None),
        ("fail", None),
        ("retry", person),
    ]:
        OrderTransition.objects.create(
            order=order,
            transition=transition,
            source_state="erred",
            target_state="executing",
            actor=actor,
            reason=f"{transition} by {actor or 'system'}",
        )

    page = client.get(page_of(order)).content.decode()

    assert "create by" in page and f"retry by {person}" in page
    assert "retry by system" not in page and "fail by system" not in page


def test_each_delivery_shows_its_status_last_result_and_a_retry_while_it_failed(client, staff):
    order = failed_twice()
    Delivery.objects.filter(order=order).update(state=Delivery.State.FAILED, attempt_count=2)

    page = client.get(page_of(order)).content.decode()

    assert "Deliveries" in page
    assert "Transient: http_503: maintenance until 02:00" in page
    delivery = Delivery.objects.get(order=order)
    # posts the page's inline action form to this delivery's own Retry
    assert 'form="order-inline-action-form"' in page and 'id="order-inline-action-form"' in page
    assert f'formaction="/admin/integrations/delivery/{delivery.pk}/retry/"' in page


def test_no_delivery_retry_without_the_permission_or_once_the_delivery_is_under_way(client):
    order = failed_twice()
    Delivery.objects.filter(order=order).update(state=Delivery.State.FAILED)
    client.force_login(staff_with("view_order", "view_attempt", "view_delivery"))
    assert 'form="order-inline-action-form"' not in client.get(page_of(order)).content.decode()

    client.force_login(staff_with("view_order", "retry_order"))
    Delivery.objects.filter(order=order).update(state=Delivery.State.IN_FLIGHT)
    assert 'form="order-inline-action-form"' not in client.get(page_of(order)).content.decode()


def test_error_details_and_the_failed_queue_breadcrumb_only_for_an_erred_order(client, staff):
    erred = failed_twice()
    executing = orders_in_state(1, state=Order.State.EXECUTING)[0]

    erred_page = client.get(page_of(erred)).content.decode()
    executing_page = client.get(page_of(executing)).content.decode()

    assert "Error details" in erred_page
    assert '<a href="/admin/orders/failedorder/">Failed orders</a>' in erred_page
    assert "Error details" not in executing_page
    assert '<a href="/admin/orders/order/">Orders</a>' in executing_page
    assert "Failed orders</a>" not in executing_page


def test_saving_an_edit_says_whether_the_order_was_sent_again(client, staff):
    # given: an order that failed on its address, a person's fix
    order = failed_twice()
    Order.objects.filter(pk=order.pk).update(failure_kind=Order.FailureKind.ACTION_REQUIRED)
    form = post_back(client.get(page_of(order)).content.decode())
    form.update(
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        item_sku="VM",
        address_postal_code="12345",
    )

    response = client.post(page_of(order), form, follow=True)

    order.refresh_from_db()
    assert order.state == Order.State.EXECUTING
    assert messages_of(response) == [
        f"{order.number}: attributes saved, and the order was sent again at once (it was "
        "waiting for a person's fix): it is queued for sending; its attempt history shows the "
        "result in a few seconds."
    ]


def test_saving_an_edit_of_a_transient_failure_says_it_waits_for_its_retry(client, staff):
    order = failed_twice()
    form = post_back(client.get(page_of(order)).content.decode())
    form.update(customer_name="Ada", customer_email=order.customer_email)

    response = client.post(page_of(order), form, follow=True)

    (message,) = messages_of(response)
    assert message == (
        f"{order.number}: customer name saved. It is still erred; no automatic retry is "
        "scheduled: use Retry to send it with the change."
    )
    order.refresh_from_db()
    assert order.state == Order.State.ERRED
