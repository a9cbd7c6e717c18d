"""The dashboard's alert and integration operations answer true to the schema on rows that
exist (the fuzzing reaches an object's own page only by a lucky id): an integration's health
when it is busy, a window moved and ended (200, then 409), waiting orders resent, an alert
listed by integration name and dismissed with a note."""

from datetime import timedelta

from django.utils import timezone

from alerts.models import Kind
from integrations.models import Delivery, Integration, MaintenanceWindow
from tests.alerts.factories import AlertFactory
from tests.api.test_dashboard_conformance import call, keep_connection  # noqa: F401
from tests.api.test_integration_health import attempt


def test_health_windows_and_resend_answer(world, keep_connection):  # noqa: F811
    # given: a busy integration with an open breaker, held deliveries and a running window
    integration = world.managed.integration
    now = timezone.now()
    Integration.objects.filter(pk=integration.pk).update(
        breaker_state="open", breaker_since=now, breaker_probe_at=now + timedelta(minutes=1)
    )
    attempt(world.orders["managed"], outcome="transient", started_at=now - timedelta(hours=2))
    Delivery.objects.create(
        order=world.order("executing"),
        integration=integration,
        state=Delivery.State.HELD,
        held_reason="maintenance",
    )
    window = MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )
    ids = {"integration_id": integration.pk, "id": window.pk}

    # when / then
    health = call(
        world,
        "manager",
        "/api/integrations/{id}/health/",
        "GET",
        200,
        path_parameters={"id": integration.pk},
    )
    assert health["maintenance_window"]["id"] == window.pk and health["held"]["maintenance"] == 1
    moved = call(
        world,
        "owner",
        "/api/integrations/{integration_id}/maintenance_windows/{id}/",
        "PATCH",
        200,
        path_parameters=ids,
        body={"ends_at": (now + timedelta(hours=2)).isoformat(), "note": "longer"},
    )
    assert moved["note"] == "longer"
    path = "/api/integrations/{integration_id}/maintenance_windows/{id}/end/"
    ended = call(world, "owner", path, "POST", 200, path_parameters=ids)
    assert ended["released"] == 1
    call(world, "owner", path, "POST", 409, path_parameters=ids)
    resent = call(
        world,
        "manager",
        "/api/integrations/{id}/resend_waiting/",
        "POST",
        200,
        path_parameters={"id": integration.pk},
    )
    assert resent["matched"] == 0


def test_alerts_listed_by_integration_name_and_dismissed_with_a_note(world, keep_connection):  # noqa: F811
    alert = AlertFactory(order=world.orders["managed"])
    AlertFactory(order=None, integration=world.managed.integration, kind=Kind.UNAVAILABLE)

    listed = call(world, "manager", "/api/alerts/", "GET", 200, query={"integration": "Acme VMs"})
    assert len(listed["results"]) == 2
    dismissed = call(
        world,
        "manager",
        "/api/alerts/{id}/dismiss/",
        "POST",
        200,
        path_parameters={"id": alert.pk},
        body={"note": "known"},
    )
    assert dismissed["dismissed_note"] == "known"
