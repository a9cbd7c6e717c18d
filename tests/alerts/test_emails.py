"""Alert e-mail: at once for kinds that need action, with the order's links; retried when
the mail server fails."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from alerts import tasks
from alerts.models import AlertNotification, Frequency, Kind
from alerts.services import alert_digests_send, alert_dismiss, alert_raise
from integrations.services import alerts_record_attempt
from tests.alerts.factories import AlertContactFactory, attempt_for
from tests.factories import OfferingFactory, OrderFactory, UserFactory, staff_user
from tests.support import wait_for

DEADLINE = 20.0


class FlakyBackend(BaseEmailBackend):
    """A mail server that drops the connection ``failures`` times, then delivers."""

    failures = 0
    tries = 0

    def send_messages(self, email_messages):
        FlakyBackend.tries += 1
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.alerts.test_emails.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.tries = 0, 0
    return FlakyBackend


def pending_ids() -> list[int]:
    return list(AlertNotification.objects.filter(status="pending").values_list("pk", flat=True))


def fail_order(order, *, code="address_invalid", message="postal_code: required for Germany"):
    attempt = attempt_for(order, outcome="action_required", error_code=code, message=message)
    return alerts_record_attempt(attempt=attempt)


@pytest.mark.django_db
def test_an_alert_that_needs_action_is_mailed_at_once_with_the_order_and_its_links(
    django_capture_on_commit_callbacks,
):
    # given
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider)

    # when
    with django_capture_on_commit_callbacks() as queued:
        alert = fail_order(order)
    tasks.send_alert_notifications.apply(args=[pending_ids()])

    # then
    assert len(queued) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [contact.email]
    assert order.number in sent.subject and "Invalid address" in sent.subject
    assert "postal_code: required for Germany" in sent.body
    assert f"Order:        {order.number}" in sent.body
    assert f"Open the order:  http://testserver/dashboard/orders/{order.uuid}\n" in sent.body
    assert f"http://testserver/api/orders/{order.uuid}/" in sent.body
    assert f"The alert:       http://testserver/dashboard/alerts/{alert.pk}\n" in sent.body
    assert "/admin/" not in sent.body
    row = AlertNotification.objects.get()
    assert (row.status, row.period, row.attempts) == ("sent", "immediate:1", 1)


@pytest.mark.django_db
def test_only_immediate_contacts_of_that_provider_or_integration_who_want_the_kind():
    # given
    order = OrderFactory(state="erred")
    provider, integration = order.offering.provider, order.offering.integration
    wanted = {
        AlertContactFactory(organization=provider).email,
        AlertContactFactory(organization=None, integration=integration).email,
        AlertContactFactory(organization=provider, kinds=["address_invalid"]).email,
        AlertContactFactory(organization=provider, email="", user=UserFactory()).user.email,
    }
    AlertContactFactory(organization=provider, kinds=["credentials"])
    AlertContactFactory(organization=provider, frequency=Frequency.HOURLY)
    AlertContactFactory(organization=provider, frequency=Frequency.OFF)
    AlertContactFactory(organization=OfferingFactory().provider)
    AlertContactFactory(organization=provider, email="", user=UserFactory(is_active=False))

    # when
    fail_order(order)
    tasks.send_alert_notifications.apply(args=[pending_ids()])

    # then
    assert {address for sent in mail.outbox for address in sent.to} == wanted
    assert len(mail.outbox) == len(wanted)


@pytest.mark.django_db
def test_a_repeat_mails_nothing_and_a_reopened_alert_mails_again():
    # given
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)
    alert = fail_order(order)
    tasks.send_alert_notifications.apply(args=[pending_ids()])

    # when
    fail_order(order)
    repeats_queued = pending_ids()
    alert_dismiss(alert=alert, actor=staff_user())
    fail_order(order, message="postal_code: still required")
    tasks.send_alert_notifications.apply(args=[pending_ids()])

    # then
    assert repeats_queued == []
    assert len(mail.outbox) == 2
    assert "postal_code: still required" in mail.outbox[1].body
    periods = list(AlertNotification.objects.values_list("period", flat=True))
    assert periods == ["immediate:1", "immediate:2"]


@pytest.mark.django_db
def test_kinds_that_need_no_action_are_not_mailed_at_once():
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)

    alert_raise(integration=order.offering.integration, kind=Kind.UNAVAILABLE, message="down")

    assert not AlertNotification.objects.exists()


@pytest.mark.django_db
def test_a_mail_server_failure_is_retried_and_then_delivered(flaky_mail):
    # given: the server drops the first connection
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)
    fail_order(order)
    flaky_mail.failures = 1

    # when
    tasks.send_alert_notifications.apply(args=[pending_ids()])

    # then
    assert flaky_mail.tries == 2
    assert len(mail.outbox) == 1
    row = AlertNotification.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


@pytest.mark.django_db
def test_a_mail_the_task_gave_up_on_stays_pending_and_the_next_digest_run_sends_it(flaky_mail):
    # given: the server is down for longer than every retry of the task
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)
    fail_order(order)
    flaky_mail.failures = 100
    tasks.send_alert_notifications.apply(args=[pending_ids()])
    row = AlertNotification.objects.get()
    assert (row.status, row.attempts) == ("pending", len(tasks.RETRY_DELAYS) + 1)
    assert "SMTPServerDisconnected" in row.last_error

    # when: the server is back for the hourly run
    flaky_mail.failures = 0
    result = alert_digests_send(frequency="hourly")

    # then
    assert result.mail.sent == 1
    assert len(mail.outbox) == 1
    assert AlertNotification.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_mail_after_the_alert_commits(celery_worker):
    # given
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider)

    # when: raised inside the transaction that records the attempt
    fail_order(order)

    # then
    wait_for(lambda: len(mail.outbox) == 1, "the alert mail")
    assert mail.outbox[0].to == [contact.email]
    assert order.number in mail.outbox[0].body
    wait_for(
        lambda: AlertNotification.objects.filter(status="sent").exists(), "the row marked sent"
    )
