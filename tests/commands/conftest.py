from dataclasses import dataclass

import pytest

from orders.models import Offering, Order
from tests.commands.support import erred_orders
from tests.factories import OfferingFactory, manager_of, staff_user


@dataclass
class TwoOfferings:
    """Offering A and offering B of two providers, each with erred orders; a manager of A."""

    a: Offering
    b: Offering
    a_orders: list[Order]
    b_orders: list[Order]
    manager_of_a: object
    staff: object


@pytest.fixture
def two_offerings(db) -> TwoOfferings:
    a = OfferingFactory(name="Cloud VM")
    b = OfferingFactory(name="Pallet shipping")
    return TwoOfferings(
        a=a,
        b=b,
        a_orders=erred_orders(a, 3),
        b_orders=erred_orders(b, 2),
        manager_of_a=manager_of(a, username="manager_a"),
        staff=staff_user(username="staff"),
    )
