"""The demo's fixed parts: integrations, organizations, offerings, users and who hears of
alerts. Each is looked up by name and made only when missing, so a second run adds nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from alerts.models import AlertContact, Frequency, Kind
from demo import history as demo_history
from integrations.models import Integration, RetryPolicy, Route
from orders.models import Offering, Organization
from orders.roles import OFFERING_MANAGERS, ORGANIZATION_OWNERS, STAFF

USERS = [
    # username, role, what they are
    ("admin", None, "superuser: everything"),
    ("staff", STAFF, "platform staff"),
    ("owner", ORGANIZATION_OWNERS, "owner of Northwind Provisioning (provider)"),
    ("manager", OFFERING_MANAGERS, "manager of the 'Cloud VM' offering"),
    ("shop", ORGANIZATION_OWNERS, "owner of Globex Shop (consumer)"),
]
SANDBOX = "Fulfillment sandbox"
AGENT = "Site agent (Lisbon)"
CARRIER = "Carrier API (Rotterdam)"
ERP = "ERP (sandbox)"
CRM = "CRM (sandbox)"
ROUTED = "Warehouse + ERP"
"""The offering whose orders go to three systems: the warehouse (the sandbox), the ERP after
the warehouse accepted, both required, and an optional CRM (both on the sandbox too)."""


@dataclass
class World:
    offerings: list[Offering]
    """The offerings the demo's drawn orders are spread over."""
    consumers: list[Organization]
    integrations: dict[str, Integration] = field(default_factory=dict)
    freight: Offering | None = None
    """The offering of the carrier whose breaker the demo opens (no drawn orders)."""
    routed: Offering | None = None
    """The offering routed to three integrations (no drawn orders: place one to see it)."""
    users: dict = field(default_factory=dict)


def world_build(*, sandbox_url: str, outage_url: str) -> World:
    """The integrations, organizations and offerings; the sandbox's URL is set every run, the
    carrier's only when it is made (a person may have fixed it since)."""
    sandbox, _ = Integration.objects.update_or_create(
        name=SANDBOX,
        defaults={
            "backend": Integration.Backend.HTTP_PUSH,
            "endpoint_url": f"{sandbox_url.rstrip('/')}/orders",
        },
        create_defaults={
            "backend": Integration.Backend.HTTP_PUSH,
            "endpoint_url": f"{sandbox_url.rstrip('/')}/orders",
            "retry_policy": RetryPolicy.FIXED,
            "retry_interval": demo_history.HOUR,
            "max_attempts": demo_history.MAX_ATTEMPTS,
        },
    )
    agent, _ = Integration.objects.get_or_create(
        name=AGENT, defaults={"backend": Integration.Backend.SITE_AGENT}
    )
    carrier, _ = Integration.objects.get_or_create(
        name=CARRIER,
        defaults={
            "backend": Integration.Backend.HTTP_PUSH,
            "endpoint_url": outage_url,
            "timeout_seconds": 5.0,
            "retry_policy": RetryPolicy.FIXED,
            "retry_interval": demo_history.HOUR,
            "max_attempts": demo_history.MAX_ATTEMPTS,
        },
    )
    erp, crm = (
        Integration.objects.update_or_create(
            name=name,
            defaults={"endpoint_url": f"{sandbox_url.rstrip('/')}/orders"},
            create_defaults={
                "backend": Integration.Backend.HTTP_PUSH,
                "endpoint_url": f"{sandbox_url.rstrip('/')}/orders",
            },
        )[0]
        for name in (ERP, CRM)
    )
    northwind, _ = Organization.objects.get_or_create(name="Northwind Provisioning")
    acme, _ = Organization.objects.get_or_create(name="Acme Warehouses")
    globex, _ = Organization.objects.get_or_create(name="Globex Shop")
    initech, _ = Organization.objects.get_or_create(name="Initech")
    # What each offering requires of an order (checked when placed and before an edit is
    # saved); the postal code is left to the remote side, whose refusal is the demo's address
    # story.
    item = ["sku", "quantity"]
    shipped = [*item, "shipping_method", "shipping_address.street", "shipping_address.city"]
    offerings = [
        (northwind, "Cloud VM", Offering.Type.REMOTE, sandbox, item),
        (acme, "Pallet shipping", Offering.Type.REMOTE, sandbox, shipped),
        (northwind, "On-site server rack", Offering.Type.SITE_AGENT, agent, item),
        (acme, "Consulting hours", Offering.Type.BASIC, None, []),
        (acme, "Express freight", Offering.Type.REMOTE, carrier, shipped),
        (acme, ROUTED, Offering.Type.REMOTE, sandbox, shipped),
    ]
    made = [
        Offering.objects.get_or_create(
            provider=provider,
            name=name,
            defaults={"type": kind, "integration": target, "required_attributes": required},
        )[0]
        for provider, name, kind, target, required in offerings
    ]
    routes_ensure(made[5], erp=erp, crm=crm)
    return World(
        offerings=made[:4],
        consumers=[globex, initech],
        integrations={SANDBOX: sandbox, AGENT: agent, CARRIER: carrier, ERP: erp, CRM: crm},
        freight=made[4],
        routed=made[5],
    )


def routes_ensure(offering: Offering, *, erp: Integration, crm: Integration) -> None:
    """The routed offering's routes besides its main one (kept by saving the offering): the
    ERP, required, after the warehouse; the CRM, optional."""
    main = Route.objects.get(offering=offering, integration_id=offering.integration_id)
    Route.objects.get_or_create(
        offering=offering, integration=erp, defaults={"position": 1, "after": main}
    )
    Route.objects.get_or_create(
        offering=offering, integration=crm, defaults={"position": 2, "required": False}
    )


def users_reset(world: World, password: str) -> None:
    """The demo users in their roles, each with ``password`` (one hash for all)."""
    User = get_user_model()
    hashed = make_password(password)
    groups = {group.name: group for group in Group.objects.all()}
    for username, role, _ in USERS:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        user.is_superuser = username == "admin"
        user.is_staff = username in ("admin", "staff")
        user.password = hashed
        user.save(update_fields=["is_superuser", "is_staff", "password"])
        if role:
            user.groups.set([groups[role]])
        world.users[username] = user
    Organization.objects.get(name="Northwind Provisioning").owners.add(world.users["owner"])
    world.offerings[0].managers.add(world.users["manager"])
    Organization.objects.get(name="Globex Shop").owners.add(world.users["shop"])


def contacts_ensure(world: World) -> int:
    """Who hears of alerts, in every scope and frequency the model allows; returns how many
    were made."""
    users, integrations = world.users, world.integrations
    northwind = Organization.objects.get(name="Northwind Provisioning")
    acme = Organization.objects.get(name="Acme Warehouses")
    wanted = [
        # the provider's owner, at once, of everything on its offerings
        {"user": users["owner"], "organization": northwind, "frequency": Frequency.IMMEDIATE},
        # the offering manager, hourly, of what a person fixes on the order
        {
            "user": users["manager"],
            "integration": integrations[SANDBOX],
            "frequency": Frequency.HOURLY,
            "kinds": [Kind.ADDRESS_INVALID, Kind.MAPPING_MISSING],
        },
        # staff, at once, of the carrier's outages and refused credentials
        {
            "user": users["staff"],
            "integration": integrations[CARRIER],
            "frequency": Frequency.IMMEDIATE,
            "kinds": [Kind.UNAVAILABLE, Kind.CREDENTIALS],
        },
        # a warehouse's shared mailbox, a daily digest of its offerings' alerts
        {"email": "ops@acme.example", "organization": acme, "frequency": Frequency.DAILY},
        # the site's on-call address, at once, of the agent's alerts
        {
            "email": "oncall@lisbon.example",
            "integration": integrations[AGENT],
            "frequency": Frequency.IMMEDIATE,
        },
    ]
    made = 0
    for contact in wanted:
        key = {name: contact.get(name) for name in ("user", "organization", "integration")}
        key["email"] = contact.get("email", "")
        if AlertContact.objects.filter(**key).exists():
            continue
        row = AlertContact(**key, frequency=contact["frequency"], kinds=contact.get("kinds", []))
        row.full_clean()
        row.save()
        made += 1
    return made
