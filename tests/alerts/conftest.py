"""One user in each role and one alert in each corner of the scope.

Provider ``Acme`` (owner ``owner``) has ``managed`` (manager ``manager``) and ``unmanaged``;
``Other provider`` (owner ``other_owner``) has ``foreign``; ``Globex`` (owner ``consumer``)
placed Acme's orders. Alerts: one per order, and one about no order for the integrations of
``managed`` and ``foreign``.
"""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from alerts.models import Alert, Kind
from orders.models import Offering
from tests.alerts.factories import AlertFactory
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    OrganizationFactory,
    api_key,
    manager_of,
    owner_of,
    staff_user,
)

ROLES = ["staff", "owner", "manager", "other_owner", "consumer", "anonymous"]


@dataclass
class World:
    users: dict
    offerings: dict[str, Offering]
    alerts: dict[str, Alert]

    def client(self, role: str) -> APIClient:
        return client_for(self.users.get(role))


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def world(db) -> World:
    acme = OrganizationFactory(name="Acme")
    other = OrganizationFactory(name="Other provider")
    globex = OrganizationFactory(name="Globex")
    offerings = {
        "managed": OfferingFactory(provider=acme, integration=IntegrationFactory(name="Acme VMs")),
        "unmanaged": OfferingFactory(
            provider=acme, integration=IntegrationFactory(name="Acme storage")
        ),
        "foreign": OfferingFactory(provider=other, integration=IntegrationFactory(name="Other")),
    }
    users = {
        "staff": staff_user(username="staff"),
        "owner": owner_of(acme, username="owner"),
        "manager": manager_of(offerings["managed"], username="manager"),
        "other_owner": owner_of(other, username="other_owner"),
        "consumer": owner_of(globex, username="consumer"),
        "anonymous": None,
    }
    alerts = {
        name: AlertFactory(
            order=OrderFactory(state="erred", offering=offering, consumer_organization=globex),
            message=f"{name}: postal_code is required",
        )
        for name, offering in offerings.items()
    }
    for name in ("managed", "foreign"):
        alerts[f"{name}_integration"] = AlertFactory(
            order=None,
            integration=offerings[name].integration,
            kind=Kind.UNAVAILABLE,
            message=f"{name}: circuit breaker opened",
        )
    return World(users=users, offerings=offerings, alerts=alerts)


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body
