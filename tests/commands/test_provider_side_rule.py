"""A consumer organization's owner sees its orders but may not send them again: the commands
say which rule refused them, not "outside your organizations"."""

from io import StringIO

import pytest
from django.core.management.base import CommandError

from orders.models import Order
from orders.services import OUT_OF_SCOPE
from tests.commands.support import run, states
from tests.factories import owner_of

RULE = (
    "only the provider side (owners of the offering's organization, the offering's managers, "
    "or staff) may resubmit an order"
)


def test_resubmit_orders_names_the_provider_side_rule_for_a_consumer(two_offerings):
    # given: the owner of the organization that placed B's orders (it sees them)
    owner_of(two_offerings.b_orders[0].consumer_organization, username="shop")
    out = StringIO()

    # when
    with pytest.raises(CommandError, match="Nothing resubmitted"):
        run("resubmit_orders", "--offering", "Pallet shipping", "--as", "shop", stdout=out)

    # then
    assert RULE in OUT_OF_SCOPE
    assert f"2  {OUT_OF_SCOPE}" in out.getvalue()
    assert "outside your organizations" not in out.getvalue()
    assert states(two_offerings.b_orders) == [Order.State.ERRED] * 2
