"""Problem e-mails link where the recipient can go: staff to the admin, every other contact
(a provider's owner or manager, a bare address) to the dashboard's pages; text goes out as
the remote system wrote it (plain-text mail: nothing HTML-escaped)."""

import pytest
from django.core import mail

from alerts import tasks
from alerts.models import AlertNotification, Frequency, Kind
from alerts.services import alert_digests_send, alert_raise
from tests.alerts.factories import AlertContactFactory
from tests.factories import OrderFactory, manager_of, owner_of, staff_user

pytestmark = pytest.mark.django_db


def raise_for(order, kind=Kind.ADDRESS_INVALID, message="postal_code is required"):
    return alert_raise(
        integration=order.offering.integration, kind=kind, message=message, order=order
    )


def send_pending() -> None:
    ids = list(AlertNotification.objects.filter(status="pending").values_list("pk", flat=True))
    tasks.send_alert_notifications.apply(args=[ids])


def mail_to(address: str):
    (sent,) = [message for message in mail.outbox if message.to == [address]]
    return sent


def test_provider_contacts_get_dashboard_links_and_staff_admin_links():
    # given: an owner, a manager and a staff member hear of the provider's alerts at once
    order = OrderFactory(state="erred")
    provider = order.offering.provider
    owner = owner_of(provider, email="owner@acme.test")
    manager = manager_of(order.offering, email="manager@acme.test")
    staff = staff_user(email="ops@redrive.test")
    for user in (owner, manager, staff):
        AlertContactFactory(user=user, email="", organization=provider)

    # when
    alert = raise_for(order)
    send_pending()

    # then
    problem = alert.problem_id
    for address in ("owner@acme.test", "manager@acme.test"):
        body = mail_to(address).body
        assert f"  {order.number}  http://testserver/dashboard/orders/{order.uuid}\n" in body
        assert f"All its orders:  http://testserver/dashboard/alerts?problem={problem}\n" in body
        assert f"In the API:      http://testserver/api/alerts/?problem={problem}\n" in body
        assert "/admin/" not in body
    staff_body = mail_to("ops@redrive.test").body
    assert f"http://testserver/admin/orders/order/{order.pk}/change/" in staff_body
    assert f"http://testserver/admin/alerts/problem/{problem}/change/" in staff_body
    assert f"http://testserver/admin/alerts/alert/?problem__id__exact={problem}\n" in staff_body
    assert "/dashboard/" not in staff_body


def test_the_remote_message_is_not_html_escaped():
    order = OrderFactory(state="erred")
    AlertContactFactory(email="ops@acme.test", organization=order.offering.provider)

    raise_for(order, message='<street> must not be "empty" & <b>short</b>')
    send_pending()

    assert '<street> must not be "empty" & <b>short</b>' in mail_to("ops@acme.test").body
    assert "&lt;" not in mail_to("ops@acme.test").body


def test_a_problem_about_no_order_lists_no_orders():
    order = OrderFactory(state="erred")
    AlertContactFactory(email="ops@acme.test", organization=order.offering.provider)

    alert = alert_raise(
        integration=order.offering.integration, kind=Kind.CREDENTIALS, message="401"
    )
    send_pending()

    body = mail_to("ops@acme.test").body
    assert (
        f"All its orders:  http://testserver/dashboard/alerts?problem={alert.problem_id}\n" in body
    )
    assert "Latest orders" not in body and "/admin/" not in body


@pytest.mark.parametrize("staff", [False, True])
def test_digests_link_each_problem_and_the_list(staff, monkeypatch):
    # given: an hourly contact, a provider's owner or a staff member
    order = OrderFactory(state="erred")
    user = (
        staff_user(email="digest@example.test")
        if staff
        else owner_of(order.offering.provider, email="digest@example.test")
    )
    AlertContactFactory(
        user=user, email="", organization=order.offering.provider, frequency=Frequency.HOURLY
    )
    first = raise_for(order, kind=Kind.UNAVAILABLE)

    # when: the digest shows 1 problem and links the list for the rest
    monkeypatch.setattr("alerts.services.emails.DIGEST_SHOWN", 1)
    raise_for(OrderFactory(state="erred", offering=order.offering), kind=Kind.SYNC_FAILED)
    alert_digests_send(frequency="hourly")

    # then
    body = mail_to("digest@example.test").body
    problem = first.problem_id
    if staff:
        assert f"/admin/alerts/alert/?problem__id__exact={problem}\n" in body
        assert "... and 1 more: http://testserver/admin/alerts/problem/\n" in body
        assert "/dashboard/" not in body
    else:
        assert f"Its orders:  http://testserver/dashboard/alerts?problem={problem}\n" in body
        assert "... and 1 more: http://testserver/dashboard/alerts\n" in body
        assert "/admin/" not in body
