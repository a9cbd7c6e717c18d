"""The admin's Orders and Failed orders lists search as the API does (``orders_matching``)."""

import pytest

from tests.admin.conftest import FAILED_ORDERS, ORDERS, messages_of, orders_in_state

pytestmark = pytest.mark.django_db


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {order.number for order in response.context["cl"].result_list}


@pytest.fixture
def two(staff):
    return {
        "ada": orders_in_state(
            1,
            number="RD-7K3M9Q2P",
            customer_name="Ada Lovelace",
            customer_email="ada@analytical.test",
        )[0],
        "grace": orders_in_state(
            1,
            number="RD-Q2P7K3MZ",
            customer_name="Grace Hopper",
            customer_email="grace@navy.test",
        )[0],
    }


@pytest.mark.parametrize("changelist", [ORDERS, FAILED_ORDERS])
@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("rd-7k3m9q2p", {"RD-7K3M9Q2P"}),
        ("q2p7", {"RD-Q2P7K3MZ"}),
        ("7K3M", {"RD-7K3M9Q2P", "RD-Q2P7K3MZ"}),
        ("hopper", {"RD-Q2P7K3MZ"}),
        ("@ANALYTICAL", {"RD-7K3M9Q2P"}),
    ],
)
def test_both_lists_search_part_of_the_number_name_or_email(
    client, two, changelist, term, expected
):
    assert listed(client.get(changelist, {"q": term})) == expected


@pytest.mark.parametrize("changelist", [ORDERS, FAILED_ORDERS])
def test_a_term_too_short_empties_the_list_and_says_why(client, two, changelist):
    response = client.get(changelist, {"q": "7k"})

    assert listed(response) == set()
    assert any("at least 3 characters" in message for message in messages_of(response))


def test_the_search_box_says_what_it_matches(client, two):
    page = client.get(ORDERS).content.decode()

    assert "with or without its RD- prefix" in page
