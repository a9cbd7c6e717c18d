"""Hourly and daily digests: the problems each contact has not heard of yet, with counts,
never twice a period."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from alerts import tasks
from alerts.models import AlertContact, AlertNotification, Frequency, Kind
from alerts.services import alert_digests_send, alert_raise
from core.errors import ApplicationError
from tests.alerts.factories import AlertContactFactory
from tests.factories import OfferingFactory, OrderFactory

pytestmark = pytest.mark.django_db
DAY = datetime(2030, 3, 1, tzinfo=UTC)


def at(hours: float):
    return time_machine.travel(DAY + timedelta(hours=hours), tick=False)


def raise_for(order, kind=Kind.ADDRESS_INVALID, message="postal_code is required"):
    return alert_raise(
        integration=order.offering.integration, kind=kind, message=message, order=order
    )


def digest(frequency: str, hours: float, **kwargs):
    with at(hours):
        return alert_digests_send(frequency=frequency, **kwargs)


def test_hourly_digest_lists_problems_with_counts_not_orders():
    # given: three orders under one problem, one under another
    first = OrderFactory(state="erred")
    offering = first.offering
    contact = AlertContactFactory(organization=offering.provider, frequency=Frequency.HOURLY)
    with at(10.25):
        for order in [first] + [OrderFactory(state="erred", offering=offering) for _ in range(2)]:
            raise_for(order, message="postal_code is required")
    with at(10.5):
        raise_for(
            OrderFactory(state="erred", offering=offering),
            kind=Kind.MAPPING_MISSING,
            message="no ship method EXPRESS-2",
        )

    # when / then: the 11:00 run mails both problems, in one mail
    result = digest("hourly", 11)
    assert (result.period, result.recipients, result.mail.sent) == (
        "hourly:2030-03-01T11",
        [(contact.email, 2)],
        1,
    )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[Redrive] hourly digest: 2 problems (2030-03-01T11)"
    assert f"1. Invalid address at {offering.integration}: 3 orders" in body
    assert f"2. Mapping missing (e.g. shipping method) at {offering.integration}: 1 order" in body
    assert "no ship method EXPRESS-2" in body
    assert first.number not in body

    # when / then: a second run in the same hour sends nothing
    assert digest("hourly", 11.3).mail.sent == 0

    # when / then: the next hour carries only the problem that grew since
    with at(11.5):
        raise_for(OrderFactory(state="erred", offering=offering), message="street is required")
    digest("hourly", 12)
    assert len(mail.outbox) == 2
    assert ": 4 orders" in mail.outbox[1].body
    assert "Mapping missing" not in mail.outbox[1].body


def test_an_organization_hears_the_count_of_its_own_orders():
    # given: two providers' orders under one problem of a shared integration
    order = OrderFactory(state="erred")
    shared = order.offering.integration
    other = OrderFactory(state="erred", offering=OfferingFactory(integration=shared))
    mine = AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)
    theirs = AlertContactFactory(organization=other.offering.provider, frequency=Frequency.HOURLY)
    with at(10.5):
        raise_for(order)
        raise_for(other)
        raise_for(OrderFactory(state="erred", offering=other.offering))

    digest("hourly", 11)

    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert ": 1 order (" in bodies[mine.email]
    assert ": 2 orders (" in bodies[theirs.email]


def test_nobody_gets_the_same_problem_twice_in_the_same_period():
    # given: a digest went out at 11:00, then its bookmark was lost
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)
    with at(10.5):
        raise_for(order)
    digest("hourly", 11)
    AlertContact.objects.filter(pk=contact.pk).update(digest_covered_until=None)

    # when
    result = digest("hourly", 11.75)

    # then
    assert (result.recipients, result.mail.sent) == ([], 0)
    assert len(mail.outbox) == 1
    assert AlertNotification.objects.count() == 1


def test_a_missed_run_loses_nothing():
    order = OrderFactory(state="erred")
    AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)
    with at(10.5):
        raise_for(order)
    digest("hourly", 11)
    with at(11.5):
        raise_for(
            OrderFactory(state="erred", offering=order.offering),
            kind=Kind.VALIDATION,
            message="later",
        )

    digest("hourly", 14)  # the 12:00 and 13:00 runs never happened

    assert len(mail.outbox) == 2
    assert "later" in mail.outbox[1].body


def test_daily_digest_once_a_day():
    # given
    order = OrderFactory(state="erred")
    daily = AlertContactFactory(organization=order.offering.provider, frequency=Frequency.DAILY)
    hourly = AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)
    with at(-10):
        raise_for(order)
    with at(-2):
        alert_raise(
            integration=order.offering.integration, kind=Kind.SYNC_FAILED, message="inventory"
        )

    # when
    first = digest("daily", 7)
    again = digest("daily", 8)

    # then
    assert (first.period, first.recipients) == ("daily:2030-03-01", [(daily.email, 2)])
    assert again.recipients == []
    assert [m.to for m in mail.outbox] == [[daily.email]]
    assert hourly.email not in {a for m in mail.outbox for a in m.to}


def test_immediate_contacts_get_in_the_hourly_digest_only_what_was_not_sent_at_once():
    # given
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider)
    with at(10.2):
        raise_for(order)
        alert_raise(integration=order.offering.integration, kind=Kind.UNAVAILABLE, message="down")

    # when
    result = digest("hourly", 11)

    # then: the at-once mail (still pending) and the digest with the unavailable problem
    assert result.recipients == [(contact.email, 1)]
    assert sorted(AlertNotification.objects.values_list("period", flat=True)) == [
        "hourly:2030-03-01T11",
        "opened",
    ]
    digest_mail = next(
        m for m in mail.outbox if m.subject.startswith("[Redrive] hourly digest: 1 problem ")
    )
    assert "Remote system unavailable" in digest_mail.body
    assert "Invalid address" not in digest_mail.body
    assert len(mail.outbox) == 2


def test_dry_run_reports_and_changes_nothing():
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)
    with at(10.5):
        raise_for(order)

    result = digest("hourly", 11, dry_run=True)

    assert (result.dry_run, result.recipients) == (True, [(contact.email, 1)])
    assert mail.outbox == []
    assert not AlertNotification.objects.exists()
    assert AlertContact.objects.get(pk=contact.pk).digest_covered_until is None


def test_an_unknown_frequency_is_refused():
    with pytest.raises(ApplicationError) as refused:
        alert_digests_send(frequency="weekly")
    assert "weekly" in refused.value.message and "hourly" in refused.value.message


def test_celery_beat_runs_the_digest_task_hourly_and_daily_and_updates_every_minute(settings):
    # given
    order = OrderFactory(state="erred")
    contact = AlertContactFactory(organization=order.offering.provider, frequency=Frequency.DAILY)
    with at(-3):
        raise_for(order)
    entries = [settings.CELERY_BEAT_SCHEDULE[f"alert-digests-{f}"] for f in ("hourly", "daily")]

    # when
    with at(7):
        for entry in entries:
            tasks.send_alert_digests.apply(kwargs=entry["kwargs"])

    # then
    assert {entry["task"] for entry in entries} == {tasks.send_alert_digests.name}
    assert [m.to for m in mail.outbox] == [[contact.email]]
    updates = settings.CELERY_BEAT_SCHEDULE["problem-updates"]
    assert (updates["task"], updates["schedule"]) == (tasks.send_problem_updates.name, 60.0)
