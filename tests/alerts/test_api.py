"""The alerts API: list, detail and dismiss for every role, scoped like orders."""

import pytest
from django.contrib.auth.models import Group, Permission

from alerts.models import Alert
from tests.alerts.conftest import ROLES, assert_error, client_for
from tests.factories import UserFactory

VISIBLE = {
    "staff": {"managed", "unmanaged", "foreign", "managed_integration", "foreign_integration"},
    "owner": {"managed", "unmanaged", "managed_integration"},
    "manager": {"managed", "managed_integration"},
    "other_owner": {"foreign", "foreign_integration"},
    "consumer": set(),
}
SEES_MANAGED = {"staff", "owner", "manager"}


def ids(world, names) -> set[int]:
    return {world.alerts[name].pk for name in names}


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_each_role_its_alerts(world, role):
    response = world.client(role).get("/api/alerts/")

    if role == "anonymous":
        assert_error(response, 401, "not_authenticated")
        return
    assert response.status_code == 200, response.content
    assert {row["id"] for row in response.json()["results"]} == ids(world, VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_detail_is_a_404_outside_the_scope(world, role):
    alert = world.alerts["managed"]

    response = world.client(role).get(f"/api/alerts/{alert.pk}/")

    if role == "anonymous":
        assert_error(response, 401)
    elif role not in SEES_MANAGED:
        assert_error(response, 404, "not_found")
    else:
        body = response.json()
        assert response.status_code == 200
        assert (body["id"], body["kind"], body["status"]) == (alert.pk, "address_invalid", "open")
        assert body["message"] == "managed: postal_code is required"
        assert body["order"]["number"] == alert.order.number
        assert body["order"]["url"] == f"http://testserver/api/orders/{alert.order.uuid}/"
        assert body["integration"] == {
            "id": alert.integration_id,
            "name": "Acme VMs",
            "url": f"http://testserver/api/integrations/{alert.integration_id}/",
        }


@pytest.mark.parametrize("field", ["note", "reason"])  # reason: the note's earlier name
@pytest.mark.parametrize("role", ROLES)
def test_dismiss_for_each_role(world, role, field):
    alert = world.alerts["managed"]

    response = world.client(role).post(f"/api/alerts/{alert.pk}/dismiss/", {field: " known "})

    alert.refresh_from_db()
    if role == "anonymous":
        assert_error(response, 401)
    elif role not in SEES_MANAGED:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "dismissed"
        assert response.json()["dismissed_by"] == role
        assert (alert.status, alert.dismissed_by.username) == ("dismissed", role)
        assert alert.resolved_reason == f"dismissed by {role}: known"
        assert response.json()["dismissed_note"] == alert.dismissed_note == "known"
        shown = world.client(role).get("/api/alerts/?status=dismissed").json()["results"]
        assert [row["dismissed_note"] for row in shown] == ["known"]
        return
    assert (alert.status, alert.dismissed_note) == ("open", "")


def test_dismiss_in_scope_without_the_permission_is_403(world):
    # given: a manager of the offering whose group may see alerts but not dismiss them
    viewers = Group.objects.create(name="Alert viewers")
    viewers.permissions.add(Permission.objects.get(codename="view_alert"))
    user = UserFactory(username="viewer")
    user.groups.add(viewers)
    world.offerings["managed"].managers.add(user)
    alert = world.alerts["managed"]

    # when
    seen = client_for(user).get(f"/api/alerts/{alert.pk}/")
    response = client_for(user).post(f"/api/alerts/{alert.pk}/dismiss/")

    # then
    assert seen.status_code == 200
    assert_error(response, 403, "forbidden")
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_dismissing_twice_is_a_conflict(world):
    alert = world.alerts["managed"]
    client = world.client("owner")
    client.post(f"/api/alerts/{alert.pk}/dismiss/")

    response = client.post(f"/api/alerts/{alert.pk}/dismiss/")

    body = assert_error(response, 409, "conflict")
    assert "dismissed" in body["message"]


def test_a_reason_too_long_is_refused_and_changes_nothing(world):
    alert = world.alerts["managed"]

    response = world.client("owner").post(f"/api/alerts/{alert.pk}/dismiss/", {"reason": "x" * 501})

    body = assert_error(response, 400, "invalid")
    assert "reason" in body["details"]
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_filters(world):
    client = world.client("staff")
    world.alerts["unmanaged"].status = "resolved"
    world.alerts["unmanaged"].save(update_fields=["status"])

    def listed(query: str) -> set[int]:
        response = client.get(f"/api/alerts/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert listed("status=resolved") == ids(world, ["unmanaged"])
    assert listed("kind=unavailable") == ids(world, ["managed_integration", "foreign_integration"])
    assert listed("needs_action=false") == listed("kind=unavailable")
    integration = world.offerings["managed"].integration_id
    assert listed(f"integration={integration}") == ids(world, ["managed", "managed_integration"])
    assert listed("status=open&needs_action=true") == ids(world, ["managed", "foreign"])


def test_a_bad_filter_value_names_the_parameter(world):
    response = world.client("staff").get("/api/alerts/?status=sleeping")

    body = assert_error(response, 400, "invalid")
    assert "status" in body["details"]
