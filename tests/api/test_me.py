"""GET /api/me/: who is calling, with their roles, organizations and offerings; the dashboard's
first request, for a session or a key alike."""

import pytest

from orders.roles import OFFERING_MANAGERS, ORGANIZATION_OWNERS, STAFF
from tests.api.conftest import assert_error, client_for
from tests.factories import UserFactory


def me(world, role):
    response = world.client(role).get("/api/me/")
    assert response.status_code == 200, response.content
    return response.json()


def test_an_owner_sees_their_role_and_organizations_which_of_them_provide(world):
    world.globex.owners.add(world.users["owner"])

    shown = me(world, "owner")

    assert shown["username"] == "owner"
    assert shown["email"] == world.users["owner"].email
    assert shown["roles"] == [ORGANIZATION_OWNERS]
    assert shown["is_staff"] is False and shown["dashboard_access"] is True
    assert shown["organizations_owned"] == [
        {"uuid": str(world.acme.uuid), "name": "Acme", "is_provider": True},
        {"uuid": str(world.globex.uuid), "name": "Globex", "is_provider": False},
    ]
    assert shown["offerings_managed"] == []


def test_a_manager_sees_the_offerings_they_manage_and_their_provider(world):
    shown = me(world, "manager")

    assert shown["roles"] == [OFFERING_MANAGERS]
    assert shown["organizations_owned"] == []
    assert shown["offerings_managed"] == [
        {"uuid": str(world.managed.uuid), "name": "Cloud VM", "provider": "Acme"}
    ]
    assert shown["dashboard_access"] is True


def test_staff_are_staff_with_their_role(world):
    shown = me(world, "staff")

    assert shown["is_staff"] is True and shown["roles"] == [STAFF]
    assert shown["dashboard_access"] is True


@pytest.mark.parametrize("is_staff", [False, True])
def test_a_user_without_a_role_may_ask_and_is_told_there_is_no_dashboard_access(world, is_staff):
    # given: a member of a provider without a role, or is_staff alone (no Staff role)
    user = UserFactory(username="roleless", is_staff=is_staff)
    world.acme.owners.add(user)

    # when
    response = client_for(user).get("/api/me/")

    # then: their record, and no access (every list would be a 403)
    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["roles"] == [] and shown["dashboard_access"] is False
    assert [o["name"] for o in shown["organizations_owned"]] == ["Acme"]


def test_a_session_reads_it_as_the_dashboard_does(world, client):
    client.force_login(world.users["manager"])

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "manager"


def test_nobody_logged_in_gets_a_401_in_the_error_shape(world):
    assert_error(client_for(None).get("/api/me/"), 401, "not_authenticated")


def test_a_query_parameter_it_does_not_read_is_refused(world):
    assert_error(world.client("owner").get("/api/me/", {"user": "staff"}), 400, "invalid")


def test_it_is_a_read_only_endpoint(world):
    assert_error(world.client("owner").post("/api/me/", {}), 405, "method_not_allowed")
