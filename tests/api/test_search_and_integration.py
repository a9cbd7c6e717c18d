"""The orders list's ``search`` (the one order search) and its ``integration`` filter (an id or
a name), in the list and in the bulk resubmit by filters."""

import pytest

from orders.models import Order
from orders.services import bulk_operation_run
from tests.api.conftest import assert_error, results
from tests.factories import IntegrationFactory, OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world):
    Order.objects.all().delete()
    return {
        "ada": world.order(
            number="RD-7K3M9Q2P", customer_name="Ada Lovelace", customer_email="ada@analytical.test"
        ),
        "grace": world.order(
            number="RD-Q2P7K3MZ",
            customer_name="Grace Hopper",
            customer_email="grace@navy.test",
            offering=world.unmanaged,
        ),
        "foreign": world.order(
            number="RD-7K3MAAAA", customer_name="Ada Other", offering=world.foreign
        ),
    }


def numbers(client, **params) -> set[str]:
    return {row["number"] for row in results(client.get("/api/orders/", params))}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("RD-7K3M9Q2P", {"RD-7K3M9Q2P"}),
        ("7k3m9q", {"RD-7K3M9Q2P"}),
        ("rd-q2p7", {"RD-Q2P7K3MZ"}),
        ("7K3M", {"RD-7K3M9Q2P", "RD-Q2P7K3MZ", "RD-7K3MAAAA"}),
        ("LOVELACE", {"RD-7K3M9Q2P"}),
        ("ada", {"RD-7K3M9Q2P", "RD-7K3MAAAA"}),
        ("@navy.TEST", {"RD-Q2P7K3MZ"}),
    ],
)
def test_search_matches_part_of_the_number_name_or_email(world, named, term, expected):
    assert numbers(world.client("staff"), search=term) == expected


def test_search_stays_in_the_callers_scope(world, named):
    assert numbers(world.client("owner"), search="7K3M") == {"RD-7K3M9Q2P", "RD-Q2P7K3MZ"}
    assert numbers(world.client("other_owner"), search="ada") == {"RD-7K3MAAAA"}


@pytest.mark.parametrize("term", ["ab", "RD-7K", "x"])
def test_a_search_under_three_characters_is_a_400_naming_the_minimum(world, term):
    body = assert_error(world.client("staff").get("/api/orders/", {"search": term}), 400)

    assert "search" in body["details"]
    assert "at least 3 characters" in " ".join(body["details"]["search"])


def test_the_schema_documents_search_and_integration(world):
    schema = world.client("staff").get("/api/schema/?format=json").json()
    parameters = {
        p["name"]: p for p in schema["paths"]["/api/orders/"]["get"]["parameters"] if "name" in p
    }

    assert "RD-" in parameters["search"]["description"]
    assert "3 characters" in parameters["search"]["description"]
    assert parameters["integration"]["schema"]["type"] == "string"
    assert "name" in parameters["integration"]["description"]


def test_integration_filter_takes_an_id_or_a_name(world, named):
    client = world.client("staff")
    integration = world.unmanaged.integration

    assert numbers(client, integration=integration.pk) == {"RD-Q2P7K3MZ"}
    assert numbers(client, integration=integration.name) == {"RD-Q2P7K3MZ"}
    assert numbers(client, integration=integration.name.upper()) == {"RD-Q2P7K3MZ"}


def test_an_integration_named_by_digits_is_found_by_its_name(world):
    Order.objects.all().delete()
    offering = OfferingFactory(provider=world.acme, integration=IntegrationFactory(name="2024"))
    order = world.order(offering=offering)

    assert numbers(world.client("staff"), integration="2024") == {order.number}


def test_an_unknown_integration_is_a_400_naming_it(world):
    body = assert_error(
        world.client("staff").get("/api/orders/", {"integration": "Nowhere Inc"}), 400
    )

    assert "Nowhere Inc" in " ".join(body["details"]["integration"])
    body = assert_error(world.client("staff").get("/api/orders/", {"integration": "999999"}), 400)
    assert "999999" in " ".join(body["details"]["integration"])


def test_an_integration_name_two_integrations_share_in_other_cases_says_so(world):
    IntegrationFactory(name="Acme Shipping")
    IntegrationFactory(name="ACME SHIPPING")

    body = assert_error(
        world.client("staff").get("/api/orders/", {"integration": "acme shipping"}), 400
    )

    assert "matches 2 integrations" in " ".join(body["details"]["integration"])
    exact = world.client("staff").get("/api/orders/", {"integration": "ACME SHIPPING"})
    assert exact.status_code == 200


def test_bulk_resubmit_selects_by_integration_name_and_search(world, named):
    client = world.client("staff")

    response = client.post(
        "/api/orders/resubmit/",
        {"filters": {"integration": world.managed.integration.name, "search": "lovelace"}},
        format="json",
    )

    assert response.status_code == 202, response.content
    assert response.json()["total"] == 1
    bulk_operation_run(operation_id=response.json()["id"])
    states = dict(Order.objects.values_list("number", "state"))
    assert states == {
        "RD-7K3M9Q2P": Order.State.EXECUTING,
        "RD-Q2P7K3MZ": Order.State.ERRED,
        "RD-7K3MAAAA": Order.State.ERRED,
    }


def test_bulk_resubmit_by_an_unknown_integration_name_is_a_400_and_changes_nothing(world, named):
    response = world.client("staff").post(
        "/api/orders/resubmit/", {"filters": {"integration": "Nowhere Inc"}}, format="json"
    )

    body = assert_error(response, 400)
    assert "Nowhere Inc" in body["message"]
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.ERRED}
