"""Who may do what: the model permission from the role and the scope from membership."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import ApplicationError
from orders import services
from orders.models import Offering, Order
from tests.factories import (
    OfferingFactory,
    OrderFactory,
    OrganizationFactory,
    UserFactory,
    manager_of,
    owner_of,
    staff_user,
)

S = Order.State
ROLES = [
    "staff",
    "owner",
    "manager",
    "other_owner",
    "other_manager",
    "consumer",
    "plain_user",
    "anonymous",
]
PROVIDER = {"staff", "owner", "manager"}
CONSUMER = {"staff", "consumer"}


@pytest.fixture
def world(db):
    provider = OrganizationFactory(name="Provider")
    consumer_org = OrganizationFactory(name="Consumer")
    offering = OfferingFactory(provider=provider, type=Offering.Type.BASIC)
    other_offering = OfferingFactory(type=Offering.Type.BASIC)
    users = {
        "staff": staff_user(),
        "owner": owner_of(provider),
        "manager": manager_of(offering),
        "other_owner": owner_of(other_offering.provider),
        "other_manager": manager_of(other_offering),
        "consumer": owner_of(consumer_org),
        "plain_user": UserFactory(),
        "anonymous": AnonymousUser(),
    }

    def order(state):
        return OrderFactory(state=state, offering=offering, consumer_organization=consumer_org)

    return users, order


SERVICES = {
    "approve as consumer": (
        S.PENDING_CONSUMER,
        CONSUMER,
        lambda o, u: services.order_approve(order=o, actor=u),
    ),
    "approve as provider": (
        S.PENDING_PROVIDER,
        PROVIDER,
        lambda o, u: services.order_approve(order=o, actor=u),
    ),
    "reject as consumer": (
        S.PENDING_CONSUMER,
        CONSUMER,
        lambda o, u: services.order_reject(order=o, actor=u, reason="no"),
    ),
    "reject as provider": (
        S.PENDING_PROVIDER,
        PROVIDER,
        lambda o, u: services.order_reject(order=o, actor=u, reason="no"),
    ),
    "cancel": (S.PENDING_PROVIDER, CONSUMER, lambda o, u: services.order_cancel(order=o, actor=u)),
    "mark done": (S.EXECUTING, PROVIDER, lambda o, u: services.order_set_done(order=o, actor=u)),
    "retry": (S.ERRED, PROVIDER, lambda o, u: services.order_retry(order=o, actor=u)),
    "edit": (
        S.ERRED,
        PROVIDER,
        lambda o, u: services.order_edit(order=o, actor=u, changes={"customer_name": "New"}),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(SERVICES))
def test_single_order_services(world, action, role):
    # given
    users, make_order = world
    state, allowed, call = SERVICES[action]
    order = make_order(state)
    before = Order.objects.values("state", "customer_name").get(pk=order.pk)

    # when / then
    if role in allowed:
        call(order, users[role])
        assert Order.objects.values("state", "customer_name").get(pk=order.pk) != before
    else:
        with pytest.raises(ApplicationError) as refused:
            call(order, users[role])
        assert refused.value.code == "forbidden"
        assert Order.objects.values("state", "customer_name").get(pk=order.pk) == before


@pytest.mark.parametrize("role", ROLES)
def test_resubmit_many(world, role):
    # given
    users, make_order = world
    order = make_order(S.ERRED)
    may_resubmit = {"staff", "owner", "manager", "other_owner", "other_manager", "consumer"}

    # when / then
    if role not in may_resubmit:
        with pytest.raises(ApplicationError) as refused:
            services.orders_resubmit(orders=Order.objects.all(), actor=users[role])
        assert refused.value.code == "forbidden"
        expected_state = S.ERRED
    else:
        result = services.orders_resubmit(orders=Order.objects.all(), actor=users[role])
        in_scope = role in PROVIDER
        assert (result.matched, result.resubmitted) == (1, 1 if in_scope else 0)
        if not in_scope:
            assert result.skipped_by_reason == {services.OUT_OF_SCOPE: 1}
        expected_state = S.EXECUTING if in_scope else S.ERRED
    order.refresh_from_db()
    assert order.state == expected_state


@pytest.mark.parametrize("role", ROLES)
def test_place_order(world, role):
    users, make_order = world
    order = make_order(S.PENDING_CONSUMER)
    call = lambda: services.order_create(  # noqa: E731
        actor=users[role],
        offering=order.offering,
        consumer_organization=order.consumer_organization,
        attributes={"sku": "VM-SMALL"},
    )
    if role in CONSUMER:
        created = call()
        assert created.state == S.PENDING_CONSUMER
        assert created.resource.organization == order.consumer_organization
    else:
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "forbidden"


def test_group_without_the_permission_is_refused_even_in_scope(world):
    users, make_order = world
    owner = users["owner"]
    owner.groups.clear()
    owner = type(owner).objects.get(pk=owner.pk)  # drop the permission cache
    with pytest.raises(ApplicationError) as refused:
        services.order_retry(order=make_order(S.ERRED), actor=owner)
    assert refused.value.code == "forbidden"
