"""manage.py send_alert_digests."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from alerts.models import AlertNotification, Frequency, Kind
from alerts.services import alert_raise
from tests.alerts.factories import AlertContactFactory
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    order = OrderFactory(state="erred")
    alert_raise(
        integration=order.offering.integration,
        kind=Kind.ADDRESS_INVALID,
        message="postal_code is required",
        order=order,
    )
    return AlertContactFactory(organization=order.offering.provider, frequency=Frequency.HOURLY)


def run(*args) -> str:
    out = StringIO()
    call_command("send_alert_digests", *args, stdout=out)
    return out.getvalue()


def test_sends_the_digests(contact):
    output = run("--frequency", "hourly")

    assert f"{contact.email} gets 1 problem" in output
    assert "1 e-mail(s) sent, 0 failed" in output
    assert [m.to for m in mail.outbox] == [[contact.email]]


def test_all_runs_hourly_and_daily(contact):
    output = run()

    assert "hourly digest" in output and "daily digest" in output
    assert len(mail.outbox) == 1


def test_dry_run_sends_nothing(contact):
    output = run("--frequency", "all", "--dry-run")

    assert f"{contact.email} would get 1 problem" in output
    assert "dry run, nothing sent" in output
    assert mail.outbox == []
    assert not AlertNotification.objects.exists()


def test_an_unknown_frequency_names_the_problem():
    with pytest.raises(CommandError) as refused:
        run("--frequency", "weekly")
    assert "weekly" in str(refused.value) and "hourly, daily, all" in str(refused.value)


def test_an_unknown_option_is_refused():
    with pytest.raises(CommandError) as refused:
        run("--frequncy", "hourly")
    assert "--frequncy" in str(refused.value)


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        call_command("send_alert_digests", "--help")
    shown = " ".join(capsys.readouterr().out.split())
    assert "Example: python manage.py send_alert_digests --frequency hourly --dry-run" in shown
