"""The commands' selection: ``--search`` (the one order search) and ``--integration`` by id or
name, as the API reads them."""

import pytest
from django.core.management.base import CommandError

from orders.models import Order
from tests.commands.support import run, states, summary
from tests.factories import IntegrationFactory

ERRED = Order.State.ERRED
EXECUTING = Order.State.EXECUTING


@pytest.fixture
def searchable(two_offerings):
    Order.objects.filter(pk=two_offerings.a_orders[0].pk).update(
        number="RD-7K3M9Q2P", customer_name="Ada Lovelace", customer_email="ada@analytical.test"
    )
    Order.objects.filter(pk=two_offerings.b_orders[0].pk).update(
        number="RD-Q2P7K3MZ", customer_name="Grace Hopper", customer_email="grace@navy.test"
    )
    return two_offerings


@pytest.mark.parametrize(
    ("term", "resubmitted"),
    [
        ("7k3m9q", {"RD-7K3M9Q2P"}),
        ("RD-Q2P7", {"RD-Q2P7K3MZ"}),
        ("7K3M", {"RD-7K3M9Q2P", "RD-Q2P7K3MZ"}),
        ("LOVELACE", {"RD-7K3M9Q2P"}),
        ("@navy", {"RD-Q2P7K3MZ"}),
    ],
)
def test_resubmit_orders_selects_by_search(searchable, term, resubmitted):
    out = run("resubmit_orders", "--search", term)

    assert f"matching {term!r}" in out
    assert summary(out)["resubmitted"] == len(resubmitted)
    executing = set(Order.objects.filter(state=EXECUTING).values_list("number", flat=True))
    assert executing == resubmitted


def test_retry_orders_selects_by_search_with_other_flags(searchable):
    run("retry_orders", "--search", "ada@", "--offering", "Cloud VM")

    assert states(searchable.a_orders) == [EXECUTING, ERRED, ERRED]
    assert states(searchable.b_orders) == [ERRED, ERRED]


def test_a_search_too_short_is_refused_naming_the_flag(searchable):
    with pytest.raises(CommandError, match=r"--search: Give at least 3 characters") as raised:
        run("resubmit_orders", "--search", "rd-7k")

    assert "Nothing was changed." in str(raised.value)
    assert set(Order.objects.values_list("state", flat=True)) == {ERRED}


def test_integration_by_name_in_another_case_or_by_id(searchable):
    integration = searchable.b.integration

    run("resubmit_orders", "--integration", integration.name.upper(), "--search", "grace")
    assert states(searchable.b_orders) == [EXECUTING, ERRED]
    run("resubmit_orders", "--integration", str(integration.pk))
    assert states(searchable.b_orders) == [EXECUTING, EXECUTING]
    assert states(searchable.a_orders) == [ERRED] * 3


def test_an_integration_name_shared_in_other_cases_is_refused_saying_so(searchable):
    IntegrationFactory(name="Acme Shipping")
    IntegrationFactory(name="ACME SHIPPING")

    with pytest.raises(CommandError, match=r"matches 2 integrations in different cases"):
        run("resubmit_orders", "--integration", "acme shipping")
    assert set(Order.objects.values_list("state", flat=True)) == {ERRED}
