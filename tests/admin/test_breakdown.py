"""The confirmation's counts for users outside staff's everything-scope (the same rules the
services apply, counted in SQL)."""

import pytest

from orders.admin.selection import ACTIONS, selection_breakdown
from orders.models import Order
from tests.admin.conftest import orders_in_state
from tests.factories import OfferingFactory, manager_of, owner_of

pytestmark = pytest.mark.django_db


def test_orders_outside_a_managers_offerings_are_counted_as_no_permission():
    # given
    managed = OfferingFactory()
    manager = manager_of(managed)
    mine = orders_in_state(2, offering=managed)
    others = orders_in_state(3)
    done = orders_in_state(1, state=Order.State.DONE, offering=managed)
    selection = Order.objects.filter(pk__in=[o.pk for o in mine + others + done])

    # when
    breakdown = selection_breakdown(
        queryset=selection, action=ACTIONS["resubmit_selected"], user=manager
    )

    # then
    assert (breakdown.total, breakdown.actionable, breakdown.cannot_count) == (6, 2, 4)
    assert dict((reason.split(":")[0], count) for reason, count in breakdown.cannot) == {
        "wrong state": 1,
        "no permission": 3,
    }
    assert {o.pk for o in breakdown.sample} == {o.pk for o in mine}
    reasons = {order.pk: reason for order, reason in breakdown.sample_cannot}
    assert reasons[others[0].pk] == (
        "no permission: 'resubmit for provisioning' is for the provider side (owners of the "
        "offering's organization, the offering's managers, or staff)"
    )
    assert (reasons[others[0].pk], 3) in breakdown.cannot
    assert reasons[done[0].pk] == "wrong state: done"


def test_approval_scope_follows_whose_turn_it_is():
    # given: the owner of the consumer organization may approve its pending_consumer orders,
    # not orders waiting for the provider
    offering = OfferingFactory()
    consumer_orders = orders_in_state(2, state=Order.State.PENDING_CONSUMER, offering=offering)
    owner = owner_of(consumer_orders[0].consumer_organization)
    provider_turn = orders_in_state(
        1,
        state=Order.State.PENDING_PROVIDER,
        offering=offering,
        consumer_organization=consumer_orders[0].consumer_organization,
    )
    selection = Order.objects.filter(pk__in=[o.pk for o in consumer_orders + provider_turn])

    # when
    breakdown = selection_breakdown(
        queryset=selection, action=ACTIONS["approve_selected"], user=owner
    )

    # then
    assert (breakdown.actionable, breakdown.cannot_count) == (2, 1)


def test_without_the_model_permission_nothing_is_actionable():
    offering = OfferingFactory()
    owner = owner_of(offering.provider)
    owner.groups.clear()
    orders_in_state(2, offering=offering)

    breakdown = selection_breakdown(
        queryset=Order.objects.all(), action=ACTIONS["retry_selected"], user=owner
    )

    assert breakdown.actionable == 0
    assert breakdown.cannot == [("no permission: you may not retry orders", 2)]


def test_a_consumer_owner_is_told_resubmitting_is_for_the_provider_side():
    # given: the owner of the organization that placed the orders (it sees them)
    placed = orders_in_state(2)
    owner = owner_of(placed[0].consumer_organization)
    Order.objects.filter(pk=placed[1].pk).update(
        consumer_organization=placed[0].consumer_organization
    )
    selection = Order.objects.filter(pk__in=[o.pk for o in placed])

    # when
    breakdown = selection_breakdown(
        queryset=selection, action=ACTIONS["resubmit_selected"], user=owner
    )

    # then
    rule = (
        "no permission: 'resubmit for provisioning' is for the provider side (owners of the "
        "offering's organization, the offering's managers, or staff)"
    )
    assert (breakdown.actionable, breakdown.cannot) == (0, [(rule, 2)])
    assert {reason for _, reason in breakdown.sample_cannot} == {rule}
