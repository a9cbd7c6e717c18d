"""A small world with one user in each role, and API clients that log in with a real token.

- provider ``Acme`` (owner ``owner``) has two offerings: ``managed`` (manager ``manager``)
  and ``unmanaged``; ``Other provider`` (owner ``other_owner``) has ``foreign``;
- consumer ``Globex`` (owner ``consumer``) ordered from both of Acme's offerings; ``Initech``
  ordered from ``foreign``.
"""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from orders.models import Offering, Order, Organization
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
    acme: Organization
    other_provider: Organization
    globex: Organization
    initech: Organization
    managed: Offering
    unmanaged: Offering
    foreign: Offering
    orders: dict[str, Order]

    def client(self, role: str) -> APIClient:
        return client_for(self.users.get(role))

    def order(self, state=Order.State.ERRED, *, offering=None, consumer=None, **kwargs) -> Order:
        return OrderFactory(
            state=state,
            offering=offering or self.managed,
            consumer_organization=consumer or self.globex,
            **kwargs,
        )


def client_for(user) -> APIClient:
    """A client that sends ``Authorization: Token <key>``, or none for ``None``."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def world(db) -> World:
    acme = OrganizationFactory(name="Acme")
    other_provider = OrganizationFactory(name="Other provider")
    globex = OrganizationFactory(name="Globex")
    initech = OrganizationFactory(name="Initech")
    managed = OfferingFactory(
        name="Cloud VM", provider=acme, integration=IntegrationFactory(name="Acme VMs")
    )
    unmanaged = OfferingFactory(
        name="Storage", provider=acme, integration=IntegrationFactory(name="Acme storage")
    )
    foreign = OfferingFactory(
        name="Other VM",
        provider=other_provider,
        integration=IntegrationFactory(name="Other VMs"),
    )
    users = {
        "staff": staff_user(username="staff"),
        "owner": owner_of(acme, username="owner"),
        "manager": manager_of(managed, username="manager"),
        "other_owner": owner_of(other_provider, username="other_owner"),
        "consumer": owner_of(globex, username="consumer"),
        "anonymous": None,
    }
    orders = {
        "managed": OrderFactory(
            state=Order.State.ERRED, offering=managed, consumer_organization=globex
        ),
        "unmanaged": OrderFactory(
            state=Order.State.ERRED, offering=unmanaged, consumer_organization=globex
        ),
        "foreign": OrderFactory(
            state=Order.State.ERRED, offering=foreign, consumer_organization=initech
        ),
    }
    return World(
        users=users,
        acme=acme,
        other_provider=other_provider,
        globex=globex,
        initech=initech,
        managed=managed,
        unmanaged=unmanaged,
        foreign=foreign,
        orders=orders,
    )


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def uuids(rows) -> set[str]:
    return {row["uuid"] for row in rows}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape, with the expected status (and code, if given)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body
