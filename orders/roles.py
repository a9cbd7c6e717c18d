"""Roles (groups with model permissions) and object scope (membership).

Both are checked on every path: a user acts on an order only with the model permission from
one of the three groups *and* a membership that puts the order in their scope:

- staff (``is_staff``): every organization;
- organization owners: orders of their organization's offerings (provider side) and orders
  their organization placed (consumer side);
- offering managers: orders of the offerings they manage (provider side).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from orders.models import Order

    User = AbstractBaseUser | AnonymousUser

STAFF = "Staff"
ORGANIZATION_OWNERS = "Organization owners"
OFFERING_MANAGERS = "Offering managers"

PROVIDER_ACTIONS = [
    "orders.view_order",
    "orders.view_ordertransition",
    "orders.view_organization",
    "orders.view_offering",
    "integrations.view_integration",
    "integrations.view_attempt",
    "integrations.view_delivery",
    "integrations.view_route",
    "integrations.view_maintenancewindow",
    "orders.approve_order",
    "orders.reject_order",
    "orders.retry_order",
    "orders.resubmit_order",
    "orders.mark_done_order",
    "orders.change_order",
    "alerts.view_alert",
    "alerts.dismiss_alert",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    STAFF: [
        *PROVIDER_ACTIONS,
        "orders.add_order",
        "orders.cancel_order",
        "core.view_apitoken",
        "core.delete_apitoken",
        "orders.view_ordertransition",
        "orders.view_organization",
        "orders.add_organization",
        "orders.change_organization",
        "orders.view_offering",
        "orders.add_offering",
        "orders.change_offering",
        "integrations.view_route",
        "integrations.add_route",
        "integrations.change_route",
        "integrations.delete_route",
        "orders.view_resource",
        "orders.change_resource",
        "integrations.view_integration",
        "integrations.add_integration",
        "integrations.change_integration",
        "integrations.change_integration_limits",
        "alerts.view_alertcontact",
        "alerts.add_alertcontact",
        "alerts.change_alertcontact",
        "alerts.delete_alertcontact",
        "alerts.view_alertnotification",
        "alerts.view_problem",
        "alerts.view_webhookdelivery",
        "integrations.view_incident",
        "orders.view_failedorder",
        "orders.view_bulkoperation",
        "integrations.view_delivery",
        "integrations.view_attempt",
        "integrations.view_agenttoken",
        "integrations.view_maintenancewindow",
        "integrations.add_maintenancewindow",
        "integrations.change_maintenancewindow",
        "integrations.delete_maintenancewindow",
    ],
    ORGANIZATION_OWNERS: [
        *PROVIDER_ACTIONS,
        "orders.add_order",
        "orders.cancel_order",
        "integrations.change_integration_limits",
        # the contacts of their organizations and of the integrations only they use
        "alerts.view_alertcontact",
        "alerts.add_alertcontact",
        "alerts.change_alertcontact",
        "alerts.delete_alertcontact",
    ],
    OFFERING_MANAGERS: list(PROVIDER_ACTIONS),
}


def sync_roles(group_model, permission_model) -> dict[str, int]:
    """Create the three groups and give each exactly its permissions; idempotent.

    Takes the models as arguments so that a data migration can pass its historical ones.
    Returns how many permissions each group has. A permission whose app is not migrated yet is
    skipped; the next ``setup_roles`` (``make run`` and ``make test`` call it) adds it.
    """
    counts = {}
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        query = Q(pk__in=[])
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(permission_model.objects.filter(query))
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def may_read(user: User, permission: str) -> bool:
    """An active user with ``permission`` from a role: the first half of every read (scope is
    the second); ``is_staff`` alone is not a role."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(permission))


def is_staff(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def is_provider_side(user: User, order: Order) -> bool:
    """Staff, an owner of the offering's provider organization, or a manager of the offering."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    offering = order.offering
    return (
        offering.managers.filter(pk=user.pk).exists()
        or offering.provider.owners.filter(pk=user.pk).exists()
    )


def is_consumer_side(user: User, order: Order) -> bool:
    """Staff or an owner of the organization that placed the order."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_staff or order.consumer_organization.owners.filter(pk=user.pk).exists()


def provider_scope(user: User) -> Q:
    """A filter on Order: the orders this user may act on as the provider side."""
    from orders.models import Offering

    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    offerings = Offering.objects.filter(Q(provider__owners=user) | Q(managers=user)).values("pk")
    return Q(offering__in=offerings)


def consumer_scope(user: User) -> Q:
    """A filter on Order: the orders this user's organizations placed."""
    from orders.models import Organization

    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    return Q(consumer_organization__in=Organization.objects.filter(owners=user).values("pk"))


PROVIDER_SIDE = (
    "the provider side (owners of the offering's organization, the offering's managers, or staff)"
)
CONSUMER_SIDE = "the consumer side (owners of the organization that placed the order, or staff)"


def may(permission: str, side):
    """A django-fsm permission callable: the model permission and the object scope. ``rule``
    says both in words, for the refusal a person reads."""

    def check(order: Order, user: User) -> bool:
        return bool(user and user.has_perm(permission)) and side(user, order)

    who = PROVIDER_SIDE if side is is_provider_side else CONSUMER_SIDE
    check.__name__ = f"may_{permission.split('.')[-1]}"
    check.rule = f"only {who} may, with the {permission} permission"
    return check


def system_only(order: Order, user: User) -> bool:
    """Dispatch results are the system's to record; no user may call these transitions."""
    return False
