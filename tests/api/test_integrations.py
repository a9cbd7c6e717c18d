"""Integrations: status for those who may see them, configuration and maintenance for staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import Attempt, Delivery, Integration, MaintenanceWindow
from tests.api.conftest import ROLES, assert_error, results
from tests.factories import OrderFactory

VISIBLE = {
    "staff": {"Acme VMs", "Acme storage", "Other VMs"},
    "owner": {"Acme VMs", "Acme storage"},
    "manager": {"Acme VMs"},
    "other_owner": {"Other VMs"},
    "consumer": set(),
}
READ_ACME_VMS = {"staff": 200, "owner": 200, "manager": 200, "other_owner": 404, "consumer": 404}
WRITE_ACME_VMS = {"staff": 200, "owner": 403, "manager": 403, "other_owner": 404, "consumer": 404}
WINDOWS_ACME_VMS = {"staff": 200, "owner": 200, "manager": 403, "other_owner": 404, "consumer": 404}
"""Maintenance windows: staff, and the owner whose offerings use the integration."""


def names(rows) -> set[str]:
    return {row["name"] for row in rows}


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_the_integrations_of_the_callers_offerings(world, role):
    response = world.client(role).get("/api/integrations/")

    if role == "anonymous":
        assert_error(response, 401)
        return
    assert names(results(response)) == VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_detail(world, role):
    integration = world.managed.integration

    response = world.client(role).get(f"/api/integrations/{integration.pk}/")

    if role == "anonymous":
        assert_error(response, 401)
    elif READ_ACME_VMS[role] == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.json()["name"] == "Acme VMs"


def attempt(order, *, outcome, finished_at):
    delivery, _ = Delivery.objects.get_or_create(
        order=order, integration=order.offering.integration
    )
    return Attempt.objects.create(
        delivery=delivery,
        order=order,
        integration=delivery.integration,
        number=delivery.attempts.count() + 1,
        trigger="automatic",
        outcome=outcome,
        started_at=finished_at - timedelta(seconds=1),
        finished_at=finished_at,
    )


def test_status_breaker_held_and_last_success_and_failure(world, monkeypatch):
    # given
    integration = world.managed.integration
    now = timezone.now()
    Integration.objects.filter(pk=integration.pk).update(
        breaker_state="open",
        breaker_since=now,
        breaker_reason="5 transient failures in a row",
        credential_env_var="ACME_API_TOKEN",
    )
    monkeypatch.setenv("ACME_API_TOKEN", "s3cr3t-token-value")
    order = world.orders["managed"]
    attempt(order, outcome="success", finished_at=now - timedelta(hours=3))
    attempt(order, outcome="transient", finished_at=now - timedelta(hours=1))
    attempt(order, outcome="", finished_at=now)  # in progress: neither
    Attempt.objects.filter(outcome="").update(finished_at=None)
    for _ in range(2):
        Delivery.objects.create(
            order=OrderFactory(offering=world.managed), integration=integration, state="held"
        )

    # when
    response = world.client("owner").get(f"/api/integrations/{integration.pk}/")

    # then
    body = response.json()
    assert (body["breaker_state"], body["breaker_reason"]) == (
        "open",
        "5 transient failures in a row",
    )
    assert body["breaker_since"] is not None
    assert body["held_deliveries"] == 2
    assert body["last_success_at"] == (now - timedelta(hours=3)).isoformat().replace("+00:00", "Z")
    assert body["last_failure_at"] == (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert body["credential_env_var"] == "ACME_API_TOKEN"
    assert "s3cr3t" not in response.content.decode()
    listed = {row["name"]: row for row in results(world.client("owner").get("/api/integrations/"))}
    assert listed["Acme storage"]["held_deliveries"] == 0
    assert listed["Acme storage"]["last_success_at"] is None


def test_the_list_runs_the_same_queries_for_any_page_size(world, django_assert_num_queries):
    for index in range(12):
        integration = Integration.objects.create(name=f"Extra {index}", endpoint_url="http://x/")
        order = OrderFactory(offering__integration=integration)
        attempt(order, outcome="success", finished_at=timezone.now())
    client = world.client("staff")

    client.get("/api/organizations/")  # the key's first use records when (once a minute)
    for page_size in (2, 15):
        # the token and user, the role's permissions (user and group, once a request), the page
        with django_assert_num_queries(4):
            response = client.get(f"/api/integrations/?page_size={page_size}")
        assert len(response.json()["results"]) == page_size


CREATE = {
    "name": "Warehouse",
    "backend": "http_push",
    "endpoint_url": "https://warehouse.example.com/orders",
    "credential_env_var": "WAREHOUSE_TOKEN",
    "retry_policy": "exponential",
    "backoff_base": "PT30S",
    "backoff_factor": 3,
    "backoff_cap": "02:00:00",
    "backoff_jitter": 0.5,
    "breaker_threshold": 10,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_create_integrations(world, role):
    response = world.client(role).post("/api/integrations/", CREATE, format="json")

    if role != "staff":
        assert_error(response, 401 if role == "anonymous" else 403)
        assert not Integration.objects.filter(name="Warehouse").exists()
        return
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["backoff_base"], body["backoff_cap"], body["retry_interval"]) == (
        "P0DT00H00M30S",
        "P0DT02H00M00S",
        "P0DT01H00M00S",
    )
    created = Integration.objects.get(name="Warehouse")
    assert (created.backoff_factor, created.backoff_cap) == (3, timedelta(hours=2))
    assert created.breaker_threshold == 10 and created.enabled


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_edit_integrations(world, role):
    integration = world.managed.integration

    response = world.client(role).patch(
        f"/api/integrations/{integration.pk}/",
        {"timeout_seconds": 30, "retry_interval": "PT15M"},
        format="json",
    )

    integration.refresh_from_db()
    if role == "anonymous":
        assert_error(response, 401)
    elif WRITE_ACME_VMS[role] != 200:
        assert_error(response, WRITE_ACME_VMS[role])
        assert integration.timeout_seconds == 10
    else:
        assert response.status_code == 200, response.content
        assert response.json()["retry_interval"] == "P0DT00H15M00S"
        assert (integration.timeout_seconds, integration.retry_interval) == (
            30,
            timedelta(minutes=15),
        )


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"endpoint_url": ""}, "endpoint_url"),
        ({"endpoint_url": "not a url"}, "endpoint_url"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
        ({"backoff_factor": 0.5}, "backoff_factor"),
        ({"backoff_jitter": 1.5}, "backoff_jitter"),
        ({"backoff_jitter": -0.1}, "backoff_jitter"),
        ({"retry_interval": "00:00:00"}, "retry_interval"),
        ({"max_retry_age": "-1 00:00:00"}, "max_retry_age"),
        ({"breaker_cooldown": "soon"}, "breaker_cooldown"),
        ({"backoff_cap": "PT10S", "backoff_base": "PT1M"}, "backoff_cap"),
        ({"breaker_threshold": 0}, "breaker_threshold"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"credential_env_var": "Bearer abc.def-123"}, "credential_env_var"),
        ({"name": "Other VMs"}, "name"),
        ({"breaker_state": "closed"}, "breaker_state"),
        ({"backend": "carrier_pigeon"}, "backend"),
    ],
)
def test_bad_settings_are_a_400_naming_the_field(world, changes, named):
    integration = world.managed.integration
    before = Integration.objects.filter(pk=integration.pk).values().get()

    response = world.client("staff").patch(
        f"/api/integrations/{integration.pk}/", changes, format="json"
    )

    assert named in assert_error(response, 400, "invalid")["details"]
    assert Integration.objects.filter(pk=integration.pk).values().get() == before


def test_creating_needs_a_url_for_http_push_but_not_for_a_site_agent(world):
    client = world.client("staff")

    push = client.post("/api/integrations/", {"name": "P", "backend": "http_push"}, format="json")
    assert "endpoint_url" in assert_error(push, 400)["details"]
    missing = client.post("/api/integrations/", {"backend": "manual"}, format="json")
    assert "name" in assert_error(missing, 400)["details"]
    agent = client.post("/api/integrations/", {"name": "A", "backend": "site_agent"}, format="json")
    assert agent.status_code == 201, agent.content


@pytest.mark.parametrize("role", ROLES)
def test_maintenance_windows_read_by_who_sees_the_integration(world, role):
    integration = world.managed.integration
    window = MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
        note="Database upgrade",
    )
    url = f"/api/integrations/{integration.pk}/maintenance_windows/"

    listed = world.client(role).get(url)
    one = world.client(role).get(f"{url}{window.pk}/")

    if role == "anonymous":
        assert_error(listed, 401)
        assert_error(one, 401)
    elif READ_ACME_VMS[role] == 404:
        assert_error(listed, 404)
        assert_error(one, 404)
    else:
        assert [row["note"] for row in results(listed)] == ["Database upgrade"]
        assert one.json()["id"] == window.pk


@pytest.mark.parametrize("role", ROLES)
def test_staff_and_the_providers_owner_plan_and_remove_maintenance_windows(world, role):
    integration = world.managed.integration
    url = f"/api/integrations/{integration.pk}/maintenance_windows/"
    existing = MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    window = {
        "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        "ends_at": (timezone.now() + timedelta(days=1, hours=2)).isoformat(),
        "note": "Carrier upgrade",
    }

    created = world.client(role).post(url, window, format="json")
    removed = world.client(role).delete(f"{url}{existing.pk}/")

    if role != "anonymous" and WINDOWS_ACME_VMS[role] == 200:
        assert created.status_code == 201, created.content
        assert created.json()["created_by"] == role
        assert removed.status_code == 204
        assert list(MaintenanceWindow.objects.values_list("note", flat=True)) == ["Carrier upgrade"]
        return
    expected = 401 if role == "anonymous" else WINDOWS_ACME_VMS[role]
    assert_error(created, expected)
    assert_error(removed, expected)
    assert list(MaintenanceWindow.objects.all()) == [existing]


def test_a_window_must_end_after_it_starts_and_in_the_future(world):
    integration = world.managed.integration
    url = f"/api/integrations/{integration.pk}/maintenance_windows/"
    client = world.client("staff")
    now = timezone.now()

    backwards = client.post(
        url,
        {"starts_at": (now + timedelta(hours=2)).isoformat(), "ends_at": now.isoformat()},
        format="json",
    )
    error = assert_error(backwards, 400, "invalid")
    assert "end after it starts" in error["message"] and "ends_at" in error["details"]
    past = client.post(
        url,
        {
            "starts_at": (now - timedelta(hours=3)).isoformat(),
            "ends_at": (now - timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert "already over" in assert_error(past, 400)["message"]
    missing = client.post(url, {"starts_at": now.isoformat()}, format="json")
    assert "ends_at" in assert_error(missing, 400)["details"]
    assert not MaintenanceWindow.objects.exists()
    other = client.get(f"/api/integrations/{world.foreign.integration_id}/maintenance_windows/1/")
    assert_error(other, 404)


@pytest.mark.parametrize("role", ROLES)
def test_staff_and_the_providers_owner_move_or_extend_a_window(world, role):
    # given: a running window the remote side needs longer for
    integration = world.managed.integration
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=20),
        note="DB upgrade",
    )
    url = f"/api/integrations/{integration.pk}/maintenance_windows/{window.pk}/"
    later = now + timedelta(minutes=50)

    # when
    response = world.client(role).patch(url, {"ends_at": later.isoformat()}, format="json")

    # then
    window.refresh_from_db()
    if role != "anonymous" and WINDOWS_ACME_VMS[role] == 200:
        assert response.status_code == 200, response.content
        assert (window.ends_at, window.note) == (later, "DB upgrade")
        assert response.json()["ends_at"] == later.isoformat().replace("+00:00", "Z")
        return
    assert_error(response, 401 if role == "anonymous" else WINDOWS_ACME_VMS[role])
    assert window.ends_at == now + timedelta(minutes=20)


def test_a_moved_window_is_checked_and_a_released_one_is_history(world):
    integration = world.managed.integration
    client = world.client("staff")
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        integration=integration, starts_at=now, ends_at=now + timedelta(hours=1)
    )
    url = f"/api/integrations/{integration.pk}/maintenance_windows/{window.pk}/"

    backwards = client.patch(
        url, {"ends_at": (now - timedelta(hours=1)).isoformat()}, format="json"
    )
    assert "ends_at" in assert_error(backwards, 400, "invalid")["details"]

    MaintenanceWindow.objects.filter(pk=window.pk).update(released_at=now)
    released = client.patch(url, {"note": "again"}, format="json")
    assert "plan a new one" in assert_error(released, 409, "conflict")["message"]
    window.refresh_from_db()
    assert (window.ends_at, window.note) == (now + timedelta(hours=1), "")


LIMITS_ACME_VMS = {"staff": 200, "owner": 200, "manager": 403, "other_owner": 404, "consumer": 404}


@pytest.mark.parametrize("role", ROLES)
def test_staff_and_the_providers_owner_set_the_limits(world, role):
    # given: the integration the owner's offerings use
    integration = world.managed.integration

    # when
    response = world.client(role).patch(
        f"/api/integrations/{integration.pk}/",
        {"max_in_flight": 20, "max_per_second": 50},
        format="json",
    )

    # then: staff and the owner may; the limits are what every worker keeps to
    integration.refresh_from_db()
    if role == "anonymous":
        assert_error(response, 401)
    elif LIMITS_ACME_VMS[role] != 200:
        assert_error(response, LIMITS_ACME_VMS[role])
        assert (integration.max_in_flight, integration.max_per_second) == (100, 200)
    else:
        assert response.status_code == 200, response.content
        assert (response.json()["max_in_flight"], response.json()["max_per_second"]) == (20, 50)
        assert (integration.max_in_flight, integration.max_per_second) == (20, 50)


def test_an_owner_may_set_the_limits_only(world):
    integration = world.managed.integration

    response = world.client("owner").patch(
        f"/api/integrations/{integration.pk}/",
        {"max_in_flight": 20, "timeout_seconds": 30},
        format="json",
    )

    assert_error(response, 403)
    integration.refresh_from_db()
    assert (integration.max_in_flight, integration.timeout_seconds) == (100, 10)


@pytest.mark.parametrize("changes", [{"max_in_flight": 0}, {"max_per_second": -5}])
def test_limits_below_one_are_a_400(world, changes):
    integration = world.managed.integration

    response = world.client("staff").patch(
        f"/api/integrations/{integration.pk}/", changes, format="json"
    )

    assert next(iter(changes)) in assert_error(response, 400, "invalid")["details"]
