"""GET /api/integrations/{id}/health/: breaker, held and in-flight deliveries, failing orders,
windows, limits and the last day's attempts per hour, for each role, in fixed queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import Attempt, Delivery, Integration, MaintenanceWindow
from tests.api.conftest import ROLES, assert_error
from tests.factories import OfferingFactory, OrderFactory

NOW = datetime(2030, 5, 1, 12, 40, tzinfo=UTC)
READ = {"staff": 200, "owner": 200, "manager": 200, "other_owner": 404, "consumer": 404}


def health_url(integration) -> str:
    return f"/api/integrations/{integration.pk}/health/"


def attempt(order, *, outcome: str, started_at: datetime) -> Attempt:
    delivery, _ = Delivery.objects.get_or_create(
        order=order, integration=order.offering.integration
    )
    delivery.attempt_count += 1
    delivery.save(update_fields=["attempt_count"])
    return Attempt.objects.create(
        delivery=delivery,
        order=order,
        integration=delivery.integration,
        number=delivery.attempt_count,
        trigger="automatic",
        outcome=outcome,
        started_at=started_at,
        finished_at=started_at + timedelta(seconds=1) if outcome else None,
    )


def delivery(world, state: str, held_reason: str = "") -> Delivery:
    return Delivery.objects.create(
        order=world.order("executing"),
        integration=world.managed.integration,
        state=state,
        held_reason=held_reason,
    )


@pytest.mark.parametrize("role", ROLES)
def test_health_for_each_role(world, role):
    response = world.client(role).get(health_url(world.managed.integration))

    if role == "anonymous":
        assert_error(response, 401, "not_authenticated")
    elif READ[role] == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["name"]) == (world.managed.integration_id, "Acme VMs")
        assert len(body["attempts_per_hour"]) == 24


@pytest.fixture
def busy(world):
    """Acme VMs in trouble at NOW: an open breaker, held, in-flight and queued deliveries, erred
    orders of each kind (one of them another provider's, on a shared offering of the same
    integration), a running and a planned window, and attempts over the last 30 hours."""
    integration = world.managed.integration
    with time_machine.travel(NOW, tick=False):
        Integration.objects.filter(pk=integration.pk).update(
            breaker_state="open",
            breaker_since=NOW - timedelta(minutes=5),
            breaker_reason="5 transient failures in a row",
            breaker_failures=5,
            breaker_probe_at=NOW + timedelta(minutes=1),
            max_in_flight=7,
            max_per_second=9,
        )
        for state, reason in [("held", "breaker")] * 2 + [
            ("held", "maintenance"),
            ("in_flight", ""),
            ("queued", ""),
            ("queued", ""),
            ("queued", ""),
            ("succeeded", ""),
        ]:
            delivery(world, state, reason)
        world.orders["managed"].__class__.objects.filter(pk=world.orders["managed"].pk).update(
            failure_kind="transient"
        )
        world.order(failure_kind="action_required")
        world.order(failure_kind="action_required")
        world.order(failure_kind="exhausted")
        shared = OfferingFactory(provider=world.other_provider, integration=integration)
        OrderFactory(state="erred", offering=shared, failure_kind="action_required")
        MaintenanceWindow.objects.create(
            integration=integration,
            starts_at=NOW - timedelta(minutes=10),
            ends_at=NOW + timedelta(minutes=20),
            note="DB upgrade",
        )
        MaintenanceWindow.objects.create(
            integration=integration,
            starts_at=NOW + timedelta(days=1),
            ends_at=NOW + timedelta(days=1, hours=1),
            note="Next one",
        )
        order = world.orders["managed"]
        for outcome, minutes_ago in [
            ("success", 5),  # 12:35, the current hour
            ("transient", 30),  # 12:10
            ("transient", 41),  # 11:59
            ("action_required", 65),  # 11:35
            ("success", 23 * 60 + 30),  # 13:10 yesterday: the first bucket
            ("success", 24 * 60 + 45),  # 11:55 yesterday: too old
            ("", 1),  # in progress: no outcome yet, not counted
        ]:
            attempt(order, outcome=outcome, started_at=NOW - timedelta(minutes=minutes_ago))
        Delivery.objects.filter(order=order).update(state="succeeded")
    return world


def test_health_counts_what_the_integration_page_shows(busy):
    # when
    with time_machine.travel(NOW, tick=False):
        response = busy.client("owner").get(health_url(busy.managed.integration))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["breaker"] == {
        "state": "open",
        "since": "2030-05-01T12:35:00Z",
        "reason": "5 transient failures in a row",
        "failures": 5,
        "threshold": busy.managed.integration.breaker_threshold,
        "next_probe_at": "2030-05-01T12:41:00Z",
    }
    assert body["held"] == {"total": 3, "breaker": 2, "maintenance": 1, "disabled": 0}
    assert (body["in_flight"], body["queued"]) == (1, 3)
    # the owner's erred orders only: the other provider's order on the shared integration is not
    # theirs
    assert body["failing_orders"] == {
        "total": 4,
        "transient": 1,
        "action_required": 2,
        "exhausted": 1,
    }
    assert body["limits"] == {"max_in_flight": 7, "max_per_second": 9}
    assert body["maintenance_window"]["note"] == "DB upgrade"
    assert body["next_maintenance_window"]["note"] == "Next one"
    assert body["last_success_at"] == "2030-05-01T12:35:01Z"
    assert body["last_failure_at"] == "2030-05-01T12:10:01Z"
    hours = body["attempts_per_hour"]
    assert [hour["hour_start"] for hour in (hours[0], hours[-2], hours[-1])] == [
        "2030-04-30T13:00:00Z",
        "2030-05-01T11:00:00Z",
        "2030-05-01T12:00:00Z",
    ]
    counts = ("success", "transient", "action_required")
    assert [hours[-1][c] for c in counts] == [1, 1, 0]
    assert [hours[-2][c] for c in counts] == [0, 1, 1]
    assert [hours[0][c] for c in counts] == [1, 0, 0]
    assert sum(hour[c] for hour in hours for c in counts) == 5


def test_staff_count_every_providers_failing_orders(busy):
    with time_machine.travel(NOW, tick=False):
        body = busy.client("staff").get(health_url(busy.managed.integration)).json()

    assert body["failing_orders"]["total"] == 5
    assert body["failing_orders"]["action_required"] == 3


def test_a_quiet_integration_has_zeros_and_no_windows(world):
    body = world.client("manager").get(health_url(world.managed.integration)).json()

    assert body["breaker"]["state"] == "closed"
    assert body["held"] == {"total": 0, "breaker": 0, "maintenance": 0, "disabled": 0}
    assert (body["in_flight"], body["queued"]) == (0, 0)
    assert (body["maintenance_window"], body["next_maintenance_window"]) == (None, None)
    assert (body["last_success_at"], body["last_failure_at"]) == (None, None)
    assert {hour["success"] + hour["transient"] for hour in body["attempts_per_hour"]} == {0}
    assert body["failing_orders"]["total"] == 1  # the world's erred order, no failure kind set


def test_health_runs_the_same_queries_however_busy(world):
    client = world.client("owner")
    url = health_url(world.managed.integration)
    client.get("/api/organizations/")  # the key's first use records when (once a minute)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    quiet = queries()
    now = timezone.now()
    for index in range(30):
        order = world.order(failure_kind="transient")
        attempt(order, outcome="transient", started_at=now - timedelta(hours=index % 20))
        delivery(world, "held", "breaker")
    MaintenanceWindow.objects.create(
        integration=world.managed.integration,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        created_by=world.users["staff"],
    )

    # three to authenticate and check the role, then the integration with its status, the
    # deliveries, the orders, the windows and the attempts: one each
    assert queries() == quiet == 8


def test_health_refuses_query_parameters_it_does_not_read(world):
    response = world.client("owner").get(health_url(world.managed.integration) + "?hours=48")

    assert "hours" in assert_error(response, 400, "invalid")["details"]
