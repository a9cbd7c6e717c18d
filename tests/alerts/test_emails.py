"""Problem e-mail: one at once when a problem that needs action opens, with its count and the
link to its orders; at most one update per problem per interval while it grows; one when it
is resolved; retried when the mail server fails, skipped when it refuses the address."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from alerts import tasks
from alerts.models import AlertContact, AlertNotification, Frequency, Kind, Problem
from alerts.services import alert_digests_send, alert_dismiss, alert_raise, problem_updates_queue
from integrations.services import alerts_record_attempt
from tests.alerts.factories import AlertContactFactory, attempt_for
from tests.factories import OfferingFactory, OrderFactory, UserFactory, staff_user
from tests.support import wait_for


class FlakyBackend(BaseEmailBackend):
    """A mail server that drops the connection ``failures`` times, then delivers; or refuses
    the addresses in ``refused`` for good (550)."""

    failures = 0
    tries = 0
    refused: set = set()

    def send_messages(self, email_messages):
        FlakyBackend.tries += 1
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in email_messages:
            if set(message.to) & FlakyBackend.refused:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 mailbox unavailable") for address in message.to}
                )
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.alerts.test_emails.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.tries, FlakyBackend.refused = 0, 0, set()
    return FlakyBackend


def pending_ids() -> list[int]:
    return list(AlertNotification.objects.filter(status="pending").values_list("pk", flat=True))


def send_pending() -> None:
    tasks.send_alert_notifications.apply(args=[pending_ids()])


def fail_order(order, *, code="address_invalid", message="postal_code: required for Germany"):
    attempt = attempt_for(order, outcome="action_required", error_code=code, message=message)
    return alerts_record_attempt(attempt=attempt)


def succeed(order):
    return alerts_record_attempt(attempt=attempt_for(order, outcome="success"))


@pytest.mark.django_db
def test_a_problem_that_needs_action_is_mailed_once_at_its_opening_with_count_and_links(
    django_capture_on_commit_callbacks,
):
    # given: 20 orders fail on the same address rule
    first = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=first.offering.provider)
    orders = [first] + [OrderFactory(state="erred", offering=first.offering) for _ in range(19)]

    # when
    with django_capture_on_commit_callbacks() as queued:
        alerts = [fail_order(order) for order in orders]
    send_pending()

    # then: one problem counting 20 alerts, and one mail
    problem = Problem.objects.get()
    assert {alert.problem_id for alert in alerts} == {problem.pk}
    assert (problem.kind, problem.code, problem.alerts_count) == (
        "address_invalid",
        "address_invalid",
        20,
    )
    assert len(queued) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [contact.email]
    assert sent.subject == f"[Redrive] Invalid address at {first.offering.integration} (20 orders)"
    assert "postal_code: required for Germany" in sent.body
    assert "Orders:       20\n" in sent.body  # the count when it went out
    last = orders[-1]
    assert f"  {last.number}  http://testserver/dashboard/orders/{last.uuid}\n" in sent.body
    assert sent.body.count("http://testserver/dashboard/orders/") == 10  # the latest 10
    assert (
        f"All its orders:  http://testserver/dashboard/alerts?problem={problem.pk}\n" in sent.body
    )
    assert f"In the API:      http://testserver/api/alerts/?problem={problem.pk}\n" in sent.body
    assert "/admin/" not in sent.body
    row = AlertNotification.objects.get()
    assert (row.status, row.period, row.attempts, row.problem_id) == (
        "sent",
        "opened",
        1,
        problem.pk,
    )


@pytest.mark.django_db
def test_other_codes_and_kinds_are_other_problems():
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)

    fail_order(order)
    fail_order(OrderFactory(state="erred", offering=order.offering), code="mapping_missing")
    fail_order(OrderFactory(state="erred", offering=order.offering), code="E-1042")
    send_pending()

    assert sorted(Problem.objects.values_list("kind", "code")) == [
        ("address_invalid", "address_invalid"),
        ("mapping_missing", "mapping_missing"),
        ("validation", "E-1042"),
    ]
    assert len(mail.outbox) == 3


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
    send_pending()

    # then
    assert {address for sent in mail.outbox for address in sent.to} == wanted
    assert len(mail.outbox) == len(wanted)


@pytest.mark.django_db
def test_updates_are_rate_limited_per_problem(settings):
    # given: a problem opened at 10:00 and mailed
    settings.REDRIVE_PROBLEM_UPDATE_MINUTES = 15
    start = timezone.now()
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)
    with time_machine.travel(start, tick=False):
        fail_order(order)
        send_pending()

    def more(minutes: float, count: int):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            for _ in range(count):
                fail_order(OrderFactory(state="erred", offering=order.offering))
            queued = problem_updates_queue()
            send_pending()
            return queued

    # when / then: growth within 15 minutes mails nothing
    assert more(5, 3) == 0
    assert more(14, 2) == 0
    assert len(mail.outbox) == 1
    # when / then: the first run past 15 minutes mails one update with the count so far
    assert more(15, 1) == 1
    assert len(mail.outbox) == 2
    assert "Still growing: 7 orders so far" in mail.outbox[1].body
    assert mail.outbox[1].subject.endswith("(7 orders)")
    # when / then: a second run at once, or growth in the next 30 minutes (the wait doubles),
    # mails nothing more
    assert problem_updates_queue() == 0
    assert more(29, 5) == 0 and more(44, 0) == 0
    # when / then: 30 minutes after the first update, the second; then nothing without growth
    assert more(45, 0) == 1 and more(200, 0) == 0
    assert len(mail.outbox) == 3  # in the first hour: opened, and updates at 15 and 45 min
    assert list(AlertNotification.objects.order_by("pk").values_list("period", flat=True)) == [
        "opened",
        "update:7",
        "update:12",
    ]


@pytest.mark.django_db
def test_the_recovered_mail_goes_when_the_last_order_under_it_succeeds():
    # given: two orders under one problem, mailed
    order = OrderFactory(state="erred")
    other = OrderFactory(state="erred", offering=order.offering)
    contact = AlertContactFactory(organization=order.offering.provider)
    AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)
    fail_order(order)
    fail_order(other)
    send_pending()

    # when / then: one succeeds, the problem stays open
    succeed(order)
    assert Problem.objects.get().status == "open"
    assert pending_ids() == []

    # when / then: the last succeeds, the problem is resolved and the opened contact told
    succeed(other)
    send_pending()
    problem = Problem.objects.get()
    assert problem.status == "resolved" and problem.resolved_at is not None
    assert f"success of order {other.number}" in problem.resolved_reason
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [contact.email]
    assert mail.outbox[1].subject.startswith("[Redrive] resolved: Invalid address")
    assert "Resolved: its last alert resolved: success of order" in mail.outbox[1].body


@pytest.mark.django_db
def test_a_failure_after_the_problem_resolved_opens_a_new_one_and_mails_again():
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)
    alert = fail_order(order)
    fail_order(order)  # a repeat of the same order: no mail, no new count
    assert (Problem.objects.get().alerts_count, pending_ids() != []) == (1, True)
    send_pending()

    alert_dismiss(alert=alert, actor=staff_user())
    fail_order(order, message="postal_code: still required")
    send_pending()

    assert list(Problem.objects.order_by("pk").values_list("status", flat=True)) == [
        "resolved",
        "open",
    ]
    assert len(mail.outbox) == 3  # opened, resolved (its alerts dismissed), opened again
    assert "postal_code: still required" in mail.outbox[2].body


@pytest.mark.django_db
def test_kinds_that_need_no_action_are_not_mailed_at_once():
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)

    alert_raise(integration=order.offering.integration, kind=Kind.UNAVAILABLE, message="down")

    assert Problem.objects.get().kind == "unavailable"
    assert not AlertNotification.objects.exists()


@pytest.mark.django_db
def test_a_mail_server_failure_is_retried_and_then_delivered(flaky_mail):
    # given: the server drops the first connection
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider)
    fail_order(order)
    flaky_mail.failures = 1

    # when
    send_pending()

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
    send_pending()
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


@pytest.mark.django_db
def test_a_recipient_refused_for_good_is_marked_and_skipped_until_its_address_changes(flaky_mail):
    # given: the mail server refuses one of two contacts' addresses (550)
    order = OrderFactory(state="erred")
    refused = AlertContactFactory(organization=order.offering.provider, email="gone@acme.test")
    kept = AlertContactFactory(organization=order.offering.provider)
    flaky_mail.refused = {"gone@acme.test"}

    # when
    fail_order(order)
    send_pending()

    # then: no retry for it, the reason on the contact, the other mailed
    assert flaky_mail.tries == 2
    assert [m.to for m in mail.outbox] == [[kept.email]]
    contact = AlertContact.objects.get(pk=refused.pk)
    assert contact.refused and contact.refused_address == "gone@acme.test"
    assert "550 5.1.1 mailbox unavailable" in contact.refused_reason
    row = AlertNotification.objects.get(contact=refused)
    assert row.status == "skipped" and "refused gone@acme.test" in row.last_error

    # when / then: the next problem skips it without asking the server
    fail_order(OrderFactory(state="erred", offering=order.offering), code="mapping_missing")
    send_pending()
    assert flaky_mail.tries == 3
    assert not AlertNotification.objects.filter(contact=refused, status="pending").exists()

    # when / then: a new address is mailed again
    AlertContact.objects.filter(pk=refused.pk).update(email="ops@acme.test")
    flaky_mail.refused = set()
    fail_order(OrderFactory(state="erred", offering=order.offering), code="E-1")
    send_pending()
    assert ["ops@acme.test"] in [m.to for m in mail.outbox]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_mail_after_the_alert_commits(celery_worker):
    # given
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider)

    # when: raised inside the transaction that records the attempt
    fail_order(order)

    # then
    wait_for(lambda: len(mail.outbox) == 1, "the problem mail")
    assert mail.outbox[0].to == [contact.email]
    assert order.number in mail.outbox[0].body
    wait_for(
        lambda: AlertNotification.objects.filter(status="sent").exists(), "the row marked sent"
    )
