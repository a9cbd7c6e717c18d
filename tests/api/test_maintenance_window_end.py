"""POST .../maintenance_windows/{id}/end/ ends a running window now and releases what it held;
PATCH moves or extends one; both refuse a window that has ended. Staff and the owner of the
provider whose offerings use the integration may; a manager may not; others see nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import Delivery, MaintenanceWindow
from tests.api.conftest import ROLES, assert_error
from tests.api.test_integrations import WINDOWS_ACME_VMS


def window_url(window, suffix: str = "") -> str:
    return f"/api/integrations/{window.integration_id}/maintenance_windows/{window.pk}/{suffix}"


def running_window(world, **kwargs) -> MaintenanceWindow:
    now = timezone.now()
    return MaintenanceWindow.objects.create(
        integration=world.managed.integration,
        starts_at=kwargs.pop("starts_at", now - timedelta(minutes=10)),
        ends_at=kwargs.pop("ends_at", now + timedelta(minutes=50)),
        note="DB upgrade",
        **kwargs,
    )


def held(world, count: int) -> list[Delivery]:
    return [
        Delivery.objects.create(
            order=world.order("executing"),
            integration=world.managed.integration,
            state=Delivery.State.HELD,
            held_reason="maintenance",
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("role", ROLES)
def test_ending_a_running_window_releases_what_it_held(world, role):
    # given: a running window holding three deliveries
    window = running_window(world)
    deliveries = held(world, 3)
    before = timezone.now()

    # when
    response = world.client(role).post(window_url(window, "end/"))

    # then
    window.refresh_from_db()
    states = {d.state for d in Delivery.objects.filter(pk__in=[d.pk for d in deliveries])}
    if role == "anonymous" or WINDOWS_ACME_VMS[role] != 200:
        assert_error(response, 401 if role == "anonymous" else WINDOWS_ACME_VMS[role])
        assert window.ends_at > before and window.released_at is None
        assert states == {"held"}
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["released"] == 3
    assert body["window"]["id"] == window.pk
    assert before <= window.ends_at <= timezone.now()
    assert window.released_at is not None
    assert body["window"]["released_at"] is not None
    assert states == {"queued"}


def test_a_window_not_started_is_not_ended(world):
    now = timezone.now()
    window = running_window(
        world, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )

    response = world.client("staff").post(window_url(window, "end/"))

    body = assert_error(response, 409, "conflict")
    assert "has not started" in body["message"]
    window.refresh_from_db()
    assert window.ends_at == now + timedelta(hours=2)


@pytest.mark.parametrize("released", [True, False])
def test_a_window_that_has_ended_is_neither_ended_nor_changed(world, released):
    # given: a window that ended a minute ago, released or not yet (the tick runs every few
    # seconds)
    now = timezone.now()
    window = running_window(
        world,
        starts_at=now - timedelta(hours=1),
        ends_at=now - timedelta(minutes=1),
        released_at=now if released else None,
    )

    ended = world.client("staff").post(window_url(window, "end/"))
    extended = world.client("owner").patch(
        window_url(window), {"ends_at": (now + timedelta(hours=1)).isoformat()}, format="json"
    )

    for response in (ended, extended):
        assert "plan a new one" in assert_error(response, 409, "conflict")["message"]
    window.refresh_from_db()
    assert window.ends_at == now - timedelta(minutes=1)


def test_moving_a_planned_window_is_checked(world):
    now = timezone.now()
    window = running_window(
        world, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )
    client = world.client("owner")

    moved = client.patch(
        window_url(window),
        {
            "starts_at": (now + timedelta(hours=3)).isoformat(),
            "ends_at": (now + timedelta(hours=5)).isoformat(),
        },
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["starts_at"] == (now + timedelta(hours=3)).isoformat().replace(
        "+00:00", "Z"
    )

    # then: a start moved past the end, a typo, a bad time: 400 naming the field, no change
    for body, named in [
        ({"starts_at": (now + timedelta(hours=6)).isoformat()}, "ends_at"),
        ({"ends": (now + timedelta(hours=6)).isoformat()}, "ends"),
        ({"ends_at": "tomorrow"}, "ends_at"),
        ({"ends_at": None}, "ends_at"),
    ]:
        refused = client.patch(window_url(window), body, format="json")
        assert named in assert_error(refused, 400, "invalid")["details"], body
    window.refresh_from_db()
    assert (window.starts_at, window.ends_at) == (
        now + timedelta(hours=3),
        now + timedelta(hours=5),
    )


def test_overlapping_windows_are_allowed_and_the_end_of_one_keeps_the_other_holding(world):
    # given: two running windows, the second to the end of the day
    first = running_window(world)
    second = running_window(world, ends_at=timezone.now() + timedelta(hours=8))
    deliveries = held(world, 2)

    # when: the first is ended
    response = world.client("staff").post(window_url(first, "end/"))

    # then: the second still holds them
    assert response.status_code == 200, response.content
    assert response.json()["released"] == 0
    assert {d.state for d in Delivery.objects.filter(pk__in=[d.pk for d in deliveries])} == {"held"}
    second.refresh_from_db()
    assert second.released_at is None


def test_a_window_of_another_integration_is_a_404(world):
    window = running_window(world)
    url = f"/api/integrations/{world.unmanaged.integration_id}/maintenance_windows/{window.pk}/end/"

    assert_error(world.client("staff").post(url), 404, "not_found")
    window.refresh_from_db()
    assert window.released_at is None
