import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from integrations.models import AgentToken, Attempt, Delivery, Integration
from orders import services as order_services
from orders.models import Offering, Order, Resource
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    UserFactory,
    staff_user,
)


def agent_world():
    integration = IntegrationFactory(backend=Integration.Backend.SITE_AGENT, endpoint_url="")
    offering = OfferingFactory(type=Offering.Type.SITE_AGENT, integration=integration)
    order = OrderFactory(state=Order.State.ERRED, offering=offering)
    order_services.order_retry(order=order, actor=staff_user())
    _, key = AgentToken.issue(integration=integration)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Agent {key}")
    return integration, order, client


@pytest.mark.django_db
def test_agent_lists_the_executing_orders_of_its_integration_only():
    # given
    _, order, client = agent_world()
    _, other_order, _ = agent_world()

    # when
    response = client.get("/api/agent/orders/")

    # then
    assert response.status_code == 200
    listed = [row["order"]["uuid"] for row in response.json()["results"]]
    assert listed == [str(order.uuid)]
    assert str(other_order.uuid) not in listed


@pytest.mark.django_db
def test_agent_reports_done():
    _, order, client = agent_world()
    response = client.post(
        f"/api/agent/orders/{order.uuid}/done/", {"external_id": "RACK-7"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["order_state"] == "done"
    order.refresh_from_db()
    assert order.state == Order.State.DONE
    assert order.resource.state == Resource.State.OK
    delivery = Delivery.objects.get(order=order)
    assert (delivery.state, delivery.external_id) == (Delivery.State.SUCCEEDED, "RACK-7")
    attempt = Attempt.objects.get(order=order)
    assert (attempt.trigger, attempt.outcome) == ("agent", "success")
    assert client.get("/api/agent/orders/").json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("retryable", "outcome"), [(True, "transient"), (False, "action_required")]
)
def test_agent_reports_erred(retryable, outcome):
    integration, order, client = agent_world()
    response = client.post(
        f"/api/agent/orders/{order.uuid}/erred/",
        {"message": "Disk full on rack 7", "traceback": "Traceback ...", "retryable": retryable},
        format="json",
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.state, order.error_message, order.error_traceback) == (
        Order.State.ERRED,
        f"{integration.name}: agent_error: Disk full on rack 7",  # where, as for any failure
        "Traceback ...",
    )
    assert Attempt.objects.get(order=order).outcome == outcome


@pytest.mark.django_db
def test_erred_needs_a_message():
    _, order, client = agent_world()
    response = client.post(f"/api/agent/orders/{order.uuid}/erred/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["details"] == {"message": ["Say what went wrong."]}
    assert Order.objects.get(pk=order.pk).state == Order.State.EXECUTING


@pytest.mark.django_db
def test_another_integrations_order_is_404():
    _, order, _ = agent_world()
    _, _, other_client = agent_world()
    response = other_client.post(f"/api/agent/orders/{order.uuid}/done/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Order.objects.get(pk=order.pk).state == Order.State.EXECUTING


@pytest.mark.django_db
def test_reporting_twice_is_a_conflict():
    _, order, client = agent_world()
    assert (
        client.post(f"/api/agent/orders/{order.uuid}/done/", {}, format="json").status_code == 200
    )
    again = client.post(f"/api/agent/orders/{order.uuid}/done/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert Attempt.objects.filter(order=order).count() == 1


@pytest.mark.django_db
def test_unknown_result_is_404():
    _, order, client = agent_world()
    assert (
        client.post(f"/api/agent/orders/{order.uuid}/maybe/", {}, format="json").status_code == 404
    )


@pytest.mark.django_db
def test_no_key_bad_key_and_user_tokens_are_refused():
    anonymous = APIClient()
    assert anonymous.get("/api/agent/orders/").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Agent not-a-key")
    response = bad.get("/api/agent/orders/")
    assert (response.status_code, response.json()["message"]) == (401, "Unknown agent key.")
    user = APIClient()
    user.force_authenticate(UserFactory())
    assert user.get("/api/agent/orders/").status_code == 403


@pytest.mark.django_db
def test_issue_agent_token_command(capsys):
    integration = IntegrationFactory(backend=Integration.Backend.SITE_AGENT, name="Lisbon")
    call_command("issue_agent_token", integration="Lisbon")
    key = capsys.readouterr().out.strip()
    assert AgentToken.objects.get(key_hash=AgentToken.hash(key)).integration == integration
    with pytest.raises(CommandError, match="Unknown integration 'Porto'"):
        call_command("issue_agent_token", integration="Porto")
    IntegrationFactory(name="Push", backend=Integration.Backend.HTTP_PUSH)
    with pytest.raises(CommandError, match="agent keys are for site_agent"):
        call_command("issue_agent_token", integration="Push")
