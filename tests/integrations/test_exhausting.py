"""Before give-up: a warning (alert, e-mail, webhook) when orders of an integration will be
given up within REDRIVE_GIVE_UP_WARNING_HOURS, with the count and a link; resolved when none
is left."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts import tasks as alert_tasks
from alerts.models import Alert, AlertNotification, Problem, WebhookDelivery
from integrations import tasks
from integrations.models import Delivery
from tests.alerts.factories import AlertContactFactory, attempt_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def failing(
    order, *, first_failed_ago: timedelta, counted: int = 1, retry_in=timedelta(hours=1)
) -> Delivery:
    attempt = attempt_for(order, outcome="transient")
    Delivery.objects.filter(pk=attempt.delivery_id).update(
        state=Delivery.State.FAILED,
        first_failed_at=timezone.now() - first_failed_ago,
        next_attempt_at=timezone.now() + retry_in,
        counted_attempts=counted,
    )
    return Delivery.objects.get(pk=attempt.delivery_id)


def test_orders_about_to_be_given_up_raise_one_warning_mailed_once_and_resolved(settings):
    # given: a 15-day policy; two orders failing for 14.5 days, one for 2 days
    settings.REDRIVE_GIVE_UP_WARNING_HOURS = 24
    order = OrderFactory(state="erred")
    offering = order.offering
    contact = AlertContactFactory(organization=offering.provider)
    hook = AlertContactFactory(
        organization=offering.provider, channels=["webhook"], webhook_url="https://h.test/x"
    )
    soon = [
        failing(o, first_failed_ago=timedelta(days=14, hours=12))
        for o in (order, OrderFactory(state="erred", offering=offering))
    ]
    failing(OrderFactory(state="erred", offering=offering), first_failed_ago=timedelta(days=2))

    # when
    assert tasks.warn_exhausting.apply().get() == 1
    assert tasks.warn_exhausting.apply().get() == 1  # a second run: the same warning
    ids = list(AlertNotification.objects.values_list("pk", flat=True))
    alert_tasks.send_alert_notifications.apply(args=[ids])

    # then
    alert = Alert.objects.get(kind="giving_up")
    assert alert.order_id is None and alert.status == "open"
    assert alert.message.startswith("2 orders will be given up within 24 h")
    assert f"/api/orders/?integration={offering.integration_id}&state=erred" in alert.message
    assert Problem.objects.get(kind="giving_up").alerts_count == 1
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert "2 orders will be given up within 24 h" in mail.outbox[0].body
    (posted,) = WebhookDelivery.objects.filter(contact=hook, event="orders.exhausting")
    assert '"orders": 2' in posted.body
    assert WebhookDelivery.objects.filter(contact=hook, event="problem.opened").count() == 1

    # when / then: they are resent (no longer failing): the warning is resolved
    Delivery.objects.filter(pk__in=[d.pk for d in soon]).update(state=Delivery.State.QUEUED)
    assert tasks.warn_exhausting.apply().get() == 0
    assert Alert.objects.get(kind="giving_up").status == "resolved"
    assert Problem.objects.get(kind="giving_up").status == "resolved"


def test_orders_with_their_last_attempt_due_within_the_warning_time_are_foreseen(settings):
    # given: at most 5 attempts, a 15-day age; failing for an hour each
    settings.REDRIVE_GIVE_UP_WARNING_HOURS = 24
    order = OrderFactory(state="erred")
    offering = order.offering
    offering.integration.max_attempts = 5
    offering.integration.save(update_fields=["max_attempts"])
    hour = timedelta(hours=1)

    def another():
        return OrderFactory(state="erred", offering=offering)

    last_soon = failing(order, first_failed_ago=hour, counted=4, retry_in=timedelta(hours=3))
    first = failing(another(), first_failed_ago=hour, counted=4, retry_in=timedelta(hours=2))
    failing(another(), first_failed_ago=hour, counted=3, retry_in=hour)  # two attempts left
    failing(another(), first_failed_ago=hour, counted=4, retry_in=timedelta(hours=30))  # later

    # when
    assert tasks.warn_exhausting.apply().get() == 1

    # then: the two whose last attempt is due within 24 h, the first given up at 2 h from now
    alert = Alert.objects.get(kind="giving_up", status="open")
    assert alert.message.startswith("2 orders will be given up within 24 h")
    assert f"(the first at {first.next_attempt_at:%Y-%m-%d %H:%M} UTC)" in alert.message

    # when / then: the last attempt succeeded for one and the other is resent
    Delivery.objects.filter(integration=offering.integration, counted_attempts=4).exclude(
        pk=last_soon.pk
    ).update(state=Delivery.State.QUEUED)
    assert tasks.warn_exhausting.apply().get() == 1
    assert Alert.objects.get(kind="giving_up").message.startswith("1 order will be given up")


def test_beat_runs_the_warning_every_15_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["warn-exhausting"]
    assert (entry["task"], entry["schedule"]) == (tasks.warn_exhausting.name, 900.0)
