"""The admin index: failure counts that match the queue they link to, and the hourly chart."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from integrations.admin.chart import HOURS
from integrations.models import Attempt, BreakerState, Delivery, HeldReason, MaintenanceWindow
from orders.models import Order
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    UserFactory,
    staff_user,
)

INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def half_past_noon():
    """Half past the hour, so "an hour ago" always falls in the same hourly bucket."""
    with time_machine.travel(datetime(2026, 5, 4, 12, 30, tzinfo=UTC), tick=False):
        yield


def erred(offering, count, **fields) -> list[Order]:
    made = [OrderFactory(state=Order.State.ERRED, offering=offering) for _ in range(count)]
    Order.objects.filter(pk__in=[o.pk for o in made]).update(**fields)
    return made


def failed_attempt(order, *, hours_ago: float, outcome=Attempt.Outcome.TRANSIENT) -> Attempt:
    integration = order.offering.integration
    delivery, _ = Delivery.objects.get_or_create(order=order, integration=integration)
    number = delivery.attempts.count() + 1
    attempt = Attempt.objects.create(
        delivery=delivery,
        order=order,
        integration=integration,
        number=number,
        trigger="automatic",
        outcome=outcome,
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return attempt


@pytest.fixture
def failures(db):
    now = timezone.now()
    acme = OfferingFactory(integration=IntegrationFactory(name="Acme"))
    globex = OfferingFactory(integration=IntegrationFactory(name="Globex"))
    retrying = erred(
        acme, 3, failure_kind=Order.FailureKind.TRANSIENT, next_retry_at=now + timedelta(hours=1)
    )
    erred(acme, 2, failure_kind=Order.FailureKind.ACTION_REQUIRED)
    exhausted = erred(globex, 1, failure_kind=Order.FailureKind.EXHAUSTED)
    OrderFactory(state=Order.State.DONE, offering=acme)
    held = OrderFactory(state=Order.State.EXECUTING, offering=globex)
    Delivery.objects.create(
        order=held,
        integration=globex.integration,
        state=Delivery.State.HELD,
        held_reason=HeldReason.BREAKER,
    )
    for order in retrying:
        failed_attempt(order, hours_ago=1)
    failed_attempt(retrying[0], hours_ago=5)
    failed_attempt(exhausted[0], hours_ago=1, outcome=Attempt.Outcome.ACTION_REQUIRED)
    failed_attempt(exhausted[0], hours_ago=HOURS + 2)  # before the chart's window
    failed_attempt(retrying[1], hours_ago=2, outcome=Attempt.Outcome.SUCCESS)  # not a failure


def test_staff_see_the_counts_that_matter(failures, client):
    client.force_login(staff_user())

    response = client.get(INDEX)

    assert response.status_code == 200
    counts = {item.label: item.count for item in response.context["failure_counts"]}
    assert counts == {
        "failed now": 6,
        "retrying": 3,
        "need action": 2,
        "exhausted": 1,
        "held": 1,
    }


def test_each_count_opens_a_list_of_exactly_that_many(failures, client):
    # given: staff who may also see deliveries
    user = staff_user()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="integrations", codename="view_delivery")
    )
    client.force_login(user)
    index = client.get(INDEX)

    for item in index.context["failure_counts"]:
        assert f'href="{item.url}"' in index.content.decode()
        listed = client.get(item.url)
        assert listed.status_code == 200, item.url
        assert listed.context["cl"].result_count == item.count, item.label


def test_without_access_to_deliveries_held_links_to_the_integrations_list(failures, client):
    # given: a staff member who may see orders and integrations, not deliveries
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["orders", "integrations"],
            codename__in=["view_order", "view_failedorder", "view_integration"],
        )
    )
    client.force_login(user)

    items = {item.label: item for item in client.get(INDEX).context["failure_counts"]}

    assert items["held"].url == reverse("admin:integrations_integration_changelist")
    assert client.get(items["held"].url).status_code == 200


def test_the_chart_shows_failed_attempts_per_hour_and_integration(failures, client):
    client.force_login(staff_user())

    response = client.get(INDEX)

    chart = response.context["failure_chart"]
    assert chart["total"] == 5  # not the one before the window, not the success
    legend = {entry["name"]: entry["total"] for entry in chart["legend"]}
    assert legend == {"Acme": 4, "Globex": 1}
    assert chart["peak"] == 4  # an hour ago: 3 at Acme and 1 at Globex
    html = response.content.decode()
    svg = re.search(r'<svg class="failure-chart".*?</svg>', html, re.S).group(0)
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert len(titles) == 3  # (hour, integration) pairs with failures
    assert sorted(t.split(": ", 1)[1] for t in titles) == [
        "1 failed at Acme",
        "1 failed at Globex",
        "3 failed at Acme",
    ]
    assert "<script" not in html.split('id="failure-overview"')[1].split("</figure>")[0]


def test_with_no_failures_the_chart_says_so(db, client):
    client.force_login(staff_user())

    response = client.get(INDEX)

    assert response.status_code == 200
    assert response.context["failure_chart"]["total"] == 0
    assert "(0 in all): none." in response.content.decode()


def test_the_overview_is_for_staff_only(failures, client):
    client.force_login(UserFactory(is_staff=False))

    response = client.get(INDEX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_open_breaker_and_maintenance_now_and_planned_are_banners_above_the_counts(db, client):
    now = timezone.now()
    down = IntegrationFactory(
        name="Acme WMS",
        breaker_state=BreakerState.OPEN,
        breaker_since=now - timedelta(minutes=5),
        breaker_reason="5 failures in a row: HTTP 503",
    )
    held = OrderFactory(state=Order.State.EXECUTING, offering=OfferingFactory(integration=down))
    Delivery.objects.create(
        order=held, integration=down, state=Delivery.State.HELD, held_reason=HeldReason.BREAKER
    )
    resting = IntegrationFactory(name="Globex ERP")
    MaintenanceWindow.objects.create(
        integration=resting,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=1),
        note="database upgrade",
    )
    later = IntegrationFactory(name="Initech CRM")
    MaintenanceWindow.objects.create(
        integration=later, starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4)
    )
    far = IntegrationFactory(name="Far Future")
    MaintenanceWindow.objects.create(
        integration=far, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=4)
    )
    client.force_login(staff_user())

    response = client.get(INDEX)

    banners = response.context["status_banners"]
    assert [(b.level, b.url) for b in banners] == [
        ("error", reverse("admin:integrations_integration_change", args=[down.pk])),
        ("warning", reverse("admin:integrations_integration_change", args=[resting.pk])),
        ("info", reverse("admin:integrations_integration_change", args=[later.pk])),
    ]
    assert "Acme WMS: the breaker is open since" in banners[0].text
    assert "HTTP 503" in banners[0].text and "1 delivery held" in banners[0].text
    assert "Globex ERP is in maintenance until" in banners[1].text
    assert "database upgrade" in banners[1].text
    assert "Initech CRM: maintenance planned from" in banners[2].text
    html = response.content.decode()
    assert html.index('id="status-banners"') < html.index('id="failure-overview"')


def test_banners_only_name_integrations_the_user_may_read(db, client):
    IntegrationFactory(name="Acme WMS", breaker_state=BreakerState.OPEN)
    order_viewer = UserFactory(is_staff=True)  # may see orders, not integrations
    order_viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(order_viewer)

    assert client.get(INDEX).context["status_banners"] == []
