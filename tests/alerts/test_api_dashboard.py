"""What the dashboard's Alerts screen reads and does: filters by status, kind and integration
(id or name), links to the order and the integration, dismiss with a note."""

import pytest

from alerts.models import Alert
from tests.alerts.conftest import ROLES, assert_error, client_for
from tests.alerts.test_api import VISIBLE, ids
from tests.factories import UserFactory


def listed(world, role: str, query: str) -> set[int]:
    response = world.client(role).get(f"/api/alerts/?{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def close(alert: Alert, status: str) -> None:
    Alert.objects.filter(pk=alert.pk).update(status=status)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_filter_by_integration_name_keeps_to_the_callers_scope(world, role):
    by_name = listed(world, role, "integration=Acme VMs")
    by_id = listed(world, role, f"integration={world.offerings['managed'].integration_id}")
    other_case = listed(world, role, "integration=acme vms")

    expected = ids(world, {"managed", "managed_integration"} & VISIBLE[role])
    assert by_name == by_id == other_case == expected


def test_filter_by_status_each_and_several(world):
    close(world.alerts["unmanaged"], "resolved")
    close(world.alerts["foreign"], "dismissed")

    assert listed(world, "staff", "status=resolved") == ids(world, ["unmanaged"])
    assert listed(world, "staff", "status=dismissed") == ids(world, ["foreign"])
    assert listed(world, "staff", "status=open") == ids(
        world, ["managed", "managed_integration", "foreign_integration"]
    )
    assert listed(world, "staff", "status=resolved&status=dismissed") == ids(
        world, ["unmanaged", "foreign"]
    )
    assert listed(world, "owner", "status=open&kind=unavailable&integration=Acme VMs") == ids(
        world, ["managed_integration"]
    )


def test_a_consumer_sees_none_and_a_user_without_a_role_is_refused(world):
    assert listed(world, "consumer", "integration=Acme VMs") == set()
    response = client_for(UserFactory(username="nobody")).get("/api/alerts/?status=open")
    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("integration=No such thing", "integration"),
        ("integration=999999", "integration"),
        ("status=archived", "status"),
        ("kind=meteor", "kind"),
        ("integration=", "integration"),
        ("integrations=1", "integrations"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(world, query, named):
    response = world.client("owner").get(f"/api/alerts/?{query}")

    assert named in assert_error(response, 400, "invalid")["details"]


def test_each_alert_links_to_its_order_and_integration(world):
    rows = {row["id"]: row for row in world.client("owner").get("/api/alerts/").json()["results"]}

    managed = world.alerts["managed"]
    assert rows[managed.pk]["order"] == {
        "uuid": str(managed.order.uuid),
        "number": managed.order.number,
        "url": f"http://testserver/api/orders/{managed.order.uuid}/",
    }
    assert rows[managed.pk]["integration"]["name"] == "Acme VMs"
    about_no_order = rows[world.alerts["managed_integration"].pk]
    assert about_no_order["order"] is None
    assert about_no_order["integration"] == rows[managed.pk]["integration"]


def test_the_note_is_optional(world):
    alert = world.alerts["managed"]

    response = world.client("manager").post(f"/api/alerts/{alert.pk}/dismiss/", {})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["dismissed_note"]) == ("dismissed", "")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"note": "x" * 501}, "note"),
        ({"note": 5}, "note"),
        ({"note": None}, "note"),
        ({"note": "a", "reason": "b"}, "reason"),
        ({"notes": "typo"}, "notes"),
    ],
)
def test_a_bad_note_is_a_400_naming_it_and_changes_nothing(world, body, named):
    alert = world.alerts["managed"]

    response = world.client("owner").post(f"/api/alerts/{alert.pk}/dismiss/", body, format="json")

    assert named in assert_error(response, 400, "invalid")["details"]
    alert.refresh_from_db()
    assert (alert.status, alert.dismissed_note, alert.dismissed_at) == ("open", "", None)


def test_a_reopened_alert_keeps_the_last_note_as_history(world):
    from alerts.services import alert_raise

    alert = world.alerts["managed"]
    world.client("owner").post(f"/api/alerts/{alert.pk}/dismiss/", {"note": "known issue"})

    alert_raise(integration=alert.integration, kind=alert.kind, message="again", order=alert.order)

    body = world.client("owner").get(f"/api/alerts/{alert.pk}/").json()
    assert (body["status"], body["reopen_count"], body["dismissed_note"]) == (
        "open",
        1,
        "known issue",
    )
