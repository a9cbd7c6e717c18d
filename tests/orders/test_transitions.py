import pytest

from core.errors import ApplicationError
from orders import services
from orders.models import Offering, Order, OrderTransition, Resource
from tests.factories import OfferingFactory, OrderFactory, staff_user

S = Order.State
ALL_STATES = list(S.values)


def approve(order, user):
    return services.order_approve(order=order, actor=user)


def reject(order, user):
    return services.order_reject(order=order, actor=user, reason="Out of stock")


def cancel(order, user):
    return services.order_cancel(order=order, actor=user)


def set_done(order, user):
    return services.order_set_done(order=order, actor=user)


def retry(order, user):
    return services.order_retry(order=order, actor=user)


def complete(order, user):
    return services.order_complete(order=order)


def fail(order, user):
    return services.order_fail(order=order, message="Remote said no", traceback="Traceback ...")


# (service, offering type, allowed source -> expected target)
TABLE = [
    (
        approve,
        Offering.Type.REMOTE,
        {S.PENDING_CONSUMER: S.PENDING_PROVIDER, S.PENDING_PROVIDER: S.EXECUTING},
    ),
    (
        reject,
        Offering.Type.REMOTE,
        {S.PENDING_CONSUMER: S.REJECTED, S.PENDING_PROVIDER: S.REJECTED},
    ),
    (
        cancel,
        Offering.Type.REMOTE,
        {S.PENDING_CONSUMER: S.CANCELED, S.PENDING_PROVIDER: S.CANCELED},
    ),
    (
        cancel,
        Offering.Type.BASIC,
        {S.PENDING_CONSUMER: S.CANCELED, S.PENDING_PROVIDER: S.CANCELED, S.EXECUTING: S.CANCELED},
    ),
    (set_done, Offering.Type.BASIC, {S.EXECUTING: S.DONE}),
    (set_done, Offering.Type.REMOTE, {}),
    (retry, Offering.Type.REMOTE, {S.ERRED: S.EXECUTING}),
    (complete, Offering.Type.REMOTE, {S.EXECUTING: S.DONE}),
    (fail, Offering.Type.REMOTE, {S.EXECUTING: S.ERRED}),
]
CASES = [
    pytest.param(
        service,
        offering_type,
        source,
        allowed.get(source),
        id=f"{service.__name__}-{offering_type}-{source}",
    )
    for service, offering_type, allowed in TABLE
    for source in ALL_STATES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "offering_type", "source", "target"), CASES)
def test_transition_allowed_only_from_its_sources(service, offering_type, source, target):
    # given
    user = staff_user()
    order = OrderFactory(state=source, offering=OfferingFactory(type=offering_type))
    history_before = OrderTransition.objects.filter(order=order).count()

    # when
    if target is None:
        with pytest.raises(ApplicationError) as refused:
            service(order, user)
        # then
        assert refused.value.code == "conflict"
        assert order.number in refused.value.message
        order.refresh_from_db()
        assert order.state == source
        assert OrderTransition.objects.filter(order=order).count() == history_before
    else:
        service(order, user)
        # then
        order.refresh_from_db()
        assert order.state == target
        record = OrderTransition.objects.filter(order=order).latest("pk")
        assert (record.source_state, record.target_state) == (source, target)


@pytest.mark.django_db
def test_refusal_names_the_state_and_what_is_allowed():
    order = OrderFactory(state=S.DONE)
    with pytest.raises(ApplicationError) as refused:
        services.order_retry(order=order, actor=staff_user())
    assert (
        refused.value.message
        == f"Cannot retry order {order.number}: it is done, and this is allowed only from erred."
    )
    assert refused.value.extra == {"state": "done", "allowed_states": ["erred"]}


@pytest.mark.django_db
def test_marking_a_remote_order_done_says_why():
    order = OrderFactory(state=S.EXECUTING)
    with pytest.raises(ApplicationError, match="only orders of manual \\(basic\\) offerings"):
        services.order_set_done(order=order, actor=staff_user())


@pytest.mark.django_db
def test_state_field_is_protected():
    order = OrderFactory()
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        order.state = S.DONE


@pytest.mark.django_db
def test_consumer_approval_skips_provider_when_offering_auto_approves():
    order = OrderFactory(offering=OfferingFactory(auto_approve=True))
    services.order_approve(order=order, actor=staff_user())
    assert order.state == S.EXECUTING


@pytest.mark.django_db
def test_reject_needs_a_reason_and_keeps_it():
    order = OrderFactory(state=S.PENDING_PROVIDER)
    user = staff_user()
    with pytest.raises(ApplicationError, match="A reason is required"):
        services.order_reject(order=order, actor=user, reason="  ")
    services.order_reject(order=order, actor=user, reason="Address outside delivery area")
    order.refresh_from_db()
    assert (order.state, order.rejection_reason, order.provider_reviewed_by) == (
        S.REJECTED,
        "Address outside delivery area",
        user,
    )
    assert order.transitions.latest("pk").reason == "Address outside delivery area"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("order_type", "resource_state"),
    [
        (Order.Type.CREATE, Resource.State.CREATING),
        (Order.Type.UPDATE, Resource.State.UPDATING),
        (Order.Type.TERMINATE, Resource.State.TERMINATING),
    ],
)
def test_retry_clears_the_error_and_keeps_it_in_history(order_type, resource_state):
    # given
    order = OrderFactory(state=S.EXECUTING, type=order_type)
    services.order_fail(order=order, message="Timeout after 10s", traceback="Traceback: ...")
    order.refresh_from_db()
    erred_at = order.erred_at
    assert order.resource.state == Resource.State.ERRED

    # when
    services.order_retry(order=order, actor=staff_user())

    # then
    order.refresh_from_db()
    assert (order.state, order.error_message, order.error_traceback) == (S.EXECUTING, "", "")
    assert order.erred_at is None and order.completed_at is None
    assert order.resource.state == resource_state
    record = order.transitions.latest("pk")
    assert record.details["error_message"] == "Timeout after 10s"
    assert record.details["error_traceback"] == "Traceback: ..."
    assert record.details["erred_at"] == erred_at.isoformat()


@pytest.mark.django_db
def test_done_sets_completion_and_resource_state():
    order = OrderFactory(state=S.EXECUTING, type=Order.Type.TERMINATE)
    services.order_complete(order=order)
    order.refresh_from_db()
    assert order.completed_at is not None
    assert order.resource.state == Resource.State.TERMINATED
