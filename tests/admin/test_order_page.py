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
    assert "Transition history" in page
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
    assert "Retry: done for 1 of 1 orders." in messages_of(response)


def test_buttons_follow_state_and_permission(client):
    client.force_login(staff_with("view_order", "retry_order"))
    erred = orders_in_state(1)[0]
    pending = orders_in_state(1, state=Order.State.PENDING_PROVIDER)[0]

    erred_page = client.get(page_of(erred)).content.decode()
    pending_page = client.get(page_of(pending)).content.decode()

    assert 'id="order-action-retry"' in erred_page
    assert 'id="order-action-resubmit"' not in erred_page
    assert 'id="order-action-' not in pending_page
