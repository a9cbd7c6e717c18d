"""Organizations and offerings as each role may see them."""

import pytest

from tests.api.conftest import ROLES, assert_error, results

ORGANIZATIONS = {
    "staff": {"Acme", "Other provider", "Globex", "Initech"},
    "owner": {"Acme"},
    "manager": {"Acme"},
    "other_owner": {"Other provider"},
    "consumer": {"Globex"},
}
OFFERINGS = {
    "staff": {"Cloud VM", "Storage", "Other VM"},
    "owner": {"Cloud VM", "Storage"},
    "manager": {"Cloud VM"},
    "other_owner": {"Other VM"},
    "consumer": {"Cloud VM", "Storage"},  # Globex ordered from both
}


def names(rows) -> set[str]:
    return {row["name"] for row in rows}


@pytest.mark.parametrize("role", ROLES)
def test_organizations(world, role):
    client = world.client(role)

    listed = client.get("/api/organizations/")
    acme = client.get(f"/api/organizations/{world.acme.uuid}/")

    if role == "anonymous":
        assert_error(listed, 401)
        assert_error(acme, 401)
        return
    assert names(results(listed)) == ORGANIZATIONS[role]
    if "Acme" in ORGANIZATIONS[role]:
        assert acme.json() | {"created": None} == {
            "uuid": str(world.acme.uuid),
            "name": "Acme",
            "created": None,
        }
    else:
        assert_error(acme, 404, "not_found")


@pytest.mark.parametrize("role", ROLES)
def test_offerings(world, role):
    client = world.client(role)

    listed = client.get("/api/offerings/")
    storage = client.get(f"/api/offerings/{world.unmanaged.uuid}/")

    if role == "anonymous":
        assert_error(listed, 401)
        assert_error(storage, 401)
        return
    assert names(results(listed)) == OFFERINGS[role]
    if "Storage" in OFFERINGS[role]:
        body = storage.json()
        assert body["provider"] == {"uuid": str(world.acme.uuid), "name": "Acme"}
        assert body["integration"] == {"id": world.unmanaged.integration_id, "name": "Acme storage"}
    else:
        assert_error(storage, 404, "not_found")
