"""An integration's incidents in the API and the admin: the orders each affected, counted and
listed (the caller's own), and the problems it caused."""

import pytest
from django.utils import timezone

from alerts.models import Kind
from alerts.services import alert_raise
from integrations.models import Attempt, Incident
from tests.alerts.conftest import client_for
from tests.alerts.factories import attempt_for
from tests.factories import (
    OfferingFactory,
    OrderFactory,
    OrganizationFactory,
    owner_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage():
    """An incident at an integration two providers send to: 2 of Acme's orders and 1 of
    Other's failed in it; an order that failed before it is not its."""
    acme, other = OrganizationFactory(name="Acme"), OrganizationFactory(name="Other")
    mine = OfferingFactory(provider=acme)
    integration = mine.integration
    theirs = OfferingFactory(provider=other, integration=integration)
    before = attempt_for(OrderFactory(state="erred", offering=mine), outcome="transient")
    incident = Incident.objects.create(
        integration=integration, started_at=timezone.now(), failures=3, first_error="HTTP 503"
    )
    orders = [OrderFactory(state="erred", offering=o) for o in (mine, mine, theirs)]
    for order in orders:
        attempt = attempt_for(order, outcome="transient")
        Attempt.objects.filter(pk=attempt.pk).update(incident=incident)
    alert_raise(
        integration=integration,
        kind=Kind.UNAVAILABLE,
        message="Circuit breaker opened",
        incident_id=incident.pk,
    )
    return {
        "incident": incident,
        "orders": orders,
        "before": before.order,
        "users": {
            "staff": staff_user(),
            "owner": owner_of(acme),
            "stranger": owner_of(OfferingFactory().provider),
        },
    }


@pytest.mark.parametrize(("role", "listed"), [("staff", 3), ("owner", 2), ("stranger", None)])
def test_incidents_count_and_list_the_orders_affected(outage, role, listed):
    incident = outage["incident"]
    client = client_for(outage["users"][role])
    base = f"/api/integrations/{incident.integration_id}/incidents/"

    response = client.get(base)
    detail = client.get(f"{base}{incident.pk}/")

    if listed is None:
        assert response.status_code == 404 and detail.status_code == 404
        return
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    assert (row["id"], row["orders"], row["failures"], row["ended_at"]) == (
        incident.pk,
        3,
        3,
        None,
    )
    assert [p["kind"] for p in row["problems"]] == ["unavailable"]
    numbers = {order["number"] for order in detail.json()["affected"]}
    assert len(numbers) == listed
    assert outage["before"].number not in numbers


def test_anonymous_gets_a_401(outage):
    incident = outage["incident"]
    response = client_for(None).get(f"/api/integrations/{incident.integration_id}/incidents/")
    assert response.status_code == 401


def test_the_admin_lists_incidents_with_their_orders(outage, client):
    client.force_login(outage["users"]["staff"])
    incident = outage["incident"]

    listing = client.get("/admin/integrations/incident/")
    page = client.get(f"/admin/integrations/incident/{incident.pk}/change/")

    assert listing.status_code == 200 and page.status_code == 200
    body = page.content.decode()
    for order in outage["orders"]:
        assert f"/admin/orders/order/{order.pk}/change/" in body
    assert f"/admin/alerts/problem/?incident__id__exact={incident.pk}" in body
