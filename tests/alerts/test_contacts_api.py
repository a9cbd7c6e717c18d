"""The alert contacts API by role: staff manage every contact, an owner those of their
organizations and of the integrations only their offerings use; nobody else any (404)."""

import pytest

from alerts.models import AlertContact
from tests.alerts.conftest import ROLES, assert_error
from tests.alerts.factories import AlertContactFactory
from tests.factories import OfferingFactory, manager_of

pytestmark = pytest.mark.django_db

CREATES = {"staff": 201, "owner": 201, "manager": 403, "other_owner": 403, "consumer": 403}


@pytest.fixture
def contacts(world):
    acme = world.offerings["managed"].provider
    return {
        "acme": AlertContactFactory(organization=acme, email="ops@acme.test"),
        "acme_vms": AlertContactFactory(
            organization=None,
            integration=world.offerings["managed"].integration,
            email="vms@acme.test",
        ),
        "other": AlertContactFactory(organization=world.offerings["foreign"].provider),
    }


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_the_contacts_in_scope(world, contacts, role):
    response = world.client(role).get("/api/alert-contacts/")

    if role in ("anonymous", "manager"):
        assert_error(response, 401 if role == "anonymous" else 403)  # no role to read them
        return
    assert response.status_code == 200, response.content
    seen = {row["email"] for row in response.json()["results"]}
    expected = {
        "staff": {"ops@acme.test", "vms@acme.test", contacts["other"].email},
        "owner": {"ops@acme.test", "vms@acme.test"},
        "other_owner": {contacts["other"].email},
    }.get(role, set())
    assert seen == expected


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_create_for_an_organization_by_role(world, role):
    acme = world.offerings["managed"].provider

    response = world.client(role).post(
        "/api/alert-contacts/",
        {"email": "new@acme.test", "organization": acme.pk, "frequency": "hourly"},
        format="json",
    )

    if CREATES[role] == 201:
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["email"], body["frequency"], body["channels"]) == (
            "new@acme.test",
            "hourly",
            ["email"],
        )
        assert body["organization"] == {"id": acme.pk, "name": "Acme"}
        assert AlertContact.objects.filter(email="new@acme.test").exists()
    else:
        assert_error(response, 403, "forbidden")
        assert not AlertContact.objects.filter(email="new@acme.test").exists()


def test_an_owner_may_add_a_contact_for_an_integration_only_their_offerings_use(world):
    owner = world.client("owner")
    mine = world.offerings["managed"].integration
    shared = world.offerings["unmanaged"].integration
    OfferingFactory(integration=shared, provider=world.offerings["foreign"].provider)

    ok = owner.post(
        "/api/alert-contacts/", {"email": "a@acme.test", "integration": mine.pk}, format="json"
    )
    refused = owner.post(
        "/api/alert-contacts/", {"email": "b@acme.test", "integration": shared.pk}, format="json"
    )

    assert ok.status_code == 201, ok.content
    body = assert_error(refused, 403, "forbidden")
    assert "used only by offerings of organizations you own" in body["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"email": "x@acme.test"}, "Give an organization or an integration"),
        ({"organization": "ACME"}, "organization"),
        ({"email": "x@acme.test", "frequency": "weekly"}, "frequency"),
        ({"email": "x@acme.test", "kinds": ["on_fire"]}, "kinds"),
        ({"email": "x@acme.test", "channels": ["webhook"]}, "webhook_url"),
        ({"email": "x@acme.test", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_gets_a_400_naming_the_problem(world, body, words):
    acme = world.offerings["managed"].provider
    if "frequency" in body or "kinds" in body or "channels" in body or "colour" in body:
        body = {"organization": acme.pk, **body}

    response = world.client("staff").post("/api/alert-contacts/", body, format="json")

    error = assert_error(response, 400)
    assert words in str(error), error
    assert not AlertContact.objects.exists()


def test_an_owner_may_name_only_people_of_the_scope(world):
    acme = world.offerings["managed"].provider
    owner = world.client("owner")

    manager = owner.post(
        "/api/alert-contacts/",
        {"user": "manager", "organization": acme.pk},
        format="json",
    )
    stranger = owner.post(
        "/api/alert-contacts/",
        {"user": "other_owner", "organization": acme.pk},
        format="json",
    )

    assert manager.status_code == 201, manager.content
    assert "is not an owner or manager in this scope" in assert_error(stranger, 400)["message"]


@pytest.mark.parametrize("role", ROLES)
def test_change_frequency_and_channels_by_role(world, contacts, role):
    contact = contacts["acme"]

    response = world.client(role).patch(
        f"/api/alert-contacts/{contact.pk}/",
        {
            "frequency": "daily",
            "channels": ["email", "webhook"],
            "webhook_url": "https://hooks.example.test/redrive",
        },
        format="json",
    )

    contact.refresh_from_db()
    if role in ("staff", "owner"):
        assert response.status_code == 200, response.content
        assert (contact.frequency, contact.channels) == ("daily", ["email", "webhook"])
        assert len(contact.webhook_secret) >= 32
        assert response.json()["webhook_secret"] == contact.webhook_secret
    else:
        assert_error(response, 401 if role == "anonymous" else 404)
        assert contact.frequency == "immediate"


@pytest.mark.parametrize("role", ROLES)
def test_delete_by_role(world, contacts, role):
    contact = contacts["acme"]

    response = world.client(role).delete(f"/api/alert-contacts/{contact.pk}/")

    if role in ("staff", "owner"):
        assert response.status_code == 204
        assert not AlertContact.objects.filter(pk=contact.pk).exists()
    else:
        assert_error(response, 401 if role == "anonymous" else 404)
        assert AlertContact.objects.filter(pk=contact.pk).exists()


def test_a_refused_address_shows_its_reason_and_a_new_address_or_clear_sends_again(world, contacts):
    # given: the mail server refused the address
    contact = contacts["acme"]
    AlertContact.objects.filter(pk=contact.pk).update(
        refused_address="ops@acme.test", refused_reason="550 5.1.1 mailbox unavailable"
    )
    staff = world.client("staff")
    url = f"/api/alert-contacts/{contact.pk}/"

    # when / then: shown as refused, with the reason, and no address
    body = staff.get(url).json()
    assert (body["refused"], body["address"]) == (True, "")
    assert body["refused_reason"] == "550 5.1.1 mailbox unavailable"

    # when / then: clearing it sends to the address again
    body = staff.patch(url, {"clear_refusal": True}, format="json").json()
    assert (body["refused"], body["address"], body["refused_reason"]) == (
        False,
        "ops@acme.test",
        "",
    )

    # when / then: a new address is not the refused one
    AlertContact.objects.filter(pk=contact.pk).update(refused_address="ops@acme.test")
    body = staff.patch(url, {"email": "ops2@acme.test"}, format="json").json()
    assert (body["refused"], body["address"]) == (False, "ops2@acme.test")


def test_a_manager_of_an_offering_holds_no_role_to_read_contacts(world, contacts):
    manager_of(world.offerings["unmanaged"], username="manager2")

    response = world.client("manager").get(f"/api/alert-contacts/{contacts['acme'].pk}/")

    assert "alerts.view_alertcontact" in assert_error(response, 403)["message"]
