"""A person fixes an integration (its mapping, credentials, endpoint): the orders waiting on
that kind of error are sent again; held deliveries can be released by hand."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from integrations.models import Attempt, BreakerState, Delivery, Integration
from integrations.services import delivery_send, integration_update
from orders import services as order_services
from orders.models import Offering, Order
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    manager_of,
    owner_of,
    staff_user,
)


def failed_with(sandbox, integration, code: str) -> Order:
    sandbox.force({"status": 422 if code != "credentials" else 401, "code": code, "message": code})
    offering = OfferingFactory(type=Offering.Type.REMOTE, integration=integration)
    order = OrderFactory(
        state=Order.State.ERRED, offering=offering, attributes={"ship_method": "EXPRESS-2"}
    )
    order_services.order_retry(order=order, actor=staff_user())
    delivery_send(delivery_id=Delivery.objects.get(order=order).pk)
    assert Order.objects.get(pk=order.pk).failure_kind == "action_required"
    return order


def state_of(order) -> str:
    return Order.objects.values_list("state", flat=True).get(pk=order.pk)


@pytest.mark.django_db
def test_changing_the_mapping_resends_only_the_orders_it_failed(sandbox):
    # given
    integration = IntegrationFactory(endpoint_url=sandbox.orders_url)
    unmapped = failed_with(sandbox, integration, "mapping_missing")
    refused = failed_with(sandbox, integration, "credentials")

    # when
    integration_update(
        integration=integration,
        actor=staff_user(),
        data={"mapping": {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}},
    )

    # then
    assert state_of(unmapped) == Order.State.EXECUTING
    assert state_of(refused) == Order.State.ERRED
    delivery_send(delivery_id=Delivery.objects.get(order=unmapped).pk)
    assert state_of(unmapped) == Order.State.DONE
    assert Attempt.objects.filter(order=unmapped).latest("pk").trigger == "edit"


@pytest.mark.django_db
def test_an_update_that_changes_nothing_resends_nothing(sandbox):
    integration = IntegrationFactory(endpoint_url=sandbox.orders_url)
    unmapped = failed_with(sandbox, integration, "mapping_missing")
    integration_update(integration=integration, actor=staff_user(), data={"mapping": {}})
    assert state_of(unmapped) == Order.State.ERRED


@pytest.mark.django_db
def test_a_bad_mapping_is_refused_with_the_field_named(sandbox):
    from core.errors import ApplicationError

    integration = IntegrationFactory(endpoint_url=sandbox.orders_url)
    with pytest.raises(ApplicationError) as refused:
        integration_update(integration=integration, actor=staff_user(), data={"mapping": ["x"]})
    assert "mapping" in refused.value.extra
    assert Integration.objects.get(pk=integration.pk).mapping == {}


@pytest.mark.django_db
def test_api_resend_waiting_after_a_credential_fix_keeps_to_the_callers_offerings(sandbox):
    # given: one integration two providers use, an order of each refused for its credentials
    integration = IntegrationFactory(endpoint_url=sandbox.orders_url)
    mine = failed_with(sandbox, integration, "credentials")
    theirs = failed_with(sandbox, integration, "credentials")
    manager, owner, consumer = APIClient(), APIClient(), APIClient()
    manager.force_authenticate(manager_of(mine.offering))
    owner.force_authenticate(owner_of(theirs.offering.provider))
    consumer.force_authenticate(owner_of(mine.consumer_organization))
    staff = APIClient()
    staff.force_authenticate(staff_user())
    url = f"/api/integrations/{integration.pk}/resend_waiting/"

    # when / then: a consumer does not see the integration
    assert consumer.post(url).status_code == 404
    assert state_of(mine) == state_of(theirs) == Order.State.ERRED

    # when / then: the manager resends the order of their offering only
    response = manager.post(url)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "count": 1,
        "matched": 1,
        "skipped": 0,
        "skipped_by_reason": {},
        "message": "Sent again 1 of 1 waiting orders.",
    }
    assert (state_of(mine), state_of(theirs)) == (Order.State.EXECUTING, Order.State.ERRED)

    # when / then: the other provider's owner resends theirs; then staff find nothing waiting
    assert owner.post(url).json()["count"] == 1
    assert state_of(theirs) == Order.State.EXECUTING
    assert staff.post(url).json()["matched"] == 0


@pytest.mark.django_db
def test_api_release_closes_the_breaker_and_releases_held_deliveries(sandbox):
    integration = IntegrationFactory(
        endpoint_url=sandbox.orders_url, breaker_state=BreakerState.OPEN
    )
    offering = OfferingFactory(type=Offering.Type.REMOTE, integration=integration)
    order = OrderFactory(state=Order.State.ERRED, offering=offering)
    order_services.order_retry(order=order, actor=staff_user())
    Delivery.objects.filter(order=order).update(state=Delivery.State.HELD, held_reason="breaker")
    owner = APIClient()
    owner.force_authenticate(owner_of(offering.provider))
    staff = APIClient()
    staff.force_authenticate(staff_user())
    url = f"/api/integrations/{integration.pk}/release/"

    assert owner.post(url).status_code == 403
    response = staff.post(url)

    assert (response.status_code, response.json()["count"]) == (200, 1)
    assert Integration.objects.get(pk=integration.pk).breaker_state == BreakerState.CLOSED
    assert Delivery.objects.get(order=order).state == Delivery.State.QUEUED
    other = APIClient()
    other.force_authenticate(owner_of(OfferingFactory().provider))
    assert other.post(url).status_code == 404


@pytest.mark.django_db
def test_admin_resend_waiting_action(sandbox, client):
    integration = IntegrationFactory(endpoint_url=sandbox.orders_url)
    unmapped = failed_with(sandbox, integration, "mapping_missing")
    client.force_login(staff_user())
    response = client.post(
        reverse("admin:integrations_integration_changelist"),
        {"action": "resend_waiting_orders", "_selected_action": [integration.pk]},
        follow=True,
    )
    assert "sent again 1 orders" in response.content.decode()
    assert state_of(unmapped) == Order.State.EXECUTING
