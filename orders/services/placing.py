"""Placing an order and editing what it orders; an edit that fixes what a remote system
refused sends the order again."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from orders import dispatch
from orders.errors import ApplicationError
from orders.models import Offering, Order, OrderTransition, Organization, Resource
from orders.roles import provider_scope
from orders.services.transitions import (
    _apply,
    _error_snapshot,
    _require_user,
    _set_resource_state,
)


@transaction.atomic
def order_create(
    *,
    actor,
    offering: Offering,
    consumer_organization: Organization,
    type: str = Order.Type.CREATE,
    attributes: dict | None = None,
    customer_name: str = "",
    customer_email: str = "",
    resource: Resource | None = None,
) -> Order:
    """Place an order for ``consumer_organization``; it waits for the consumer's approval."""
    _require_user(actor)
    if not actor.has_perm("orders.add_order"):
        raise ApplicationError("You are not allowed to place orders.", code="forbidden")
    if not (actor.is_staff or consumer_organization.owners.filter(pk=actor.pk).exists()):
        raise ApplicationError(
            f"You cannot place orders for {consumer_organization}.", code="forbidden"
        )
    if type not in Order.Type.values:
        raise ApplicationError(f"Unknown order type {type!r}; use one of {Order.Type.values}.")
    if not isinstance(attributes or {}, dict):
        raise ApplicationError("Order attributes must be a JSON object.")
    if type == Order.Type.CREATE:
        if resource is not None:
            raise ApplicationError("A create order makes a new resource; do not name one.")
        resource = Resource.objects.create(
            name=(attributes or {}).get("name") or f"{offering.name} for {consumer_organization}",
            offering=offering,
            organization=consumer_organization,
        )
    elif resource is None:
        raise ApplicationError(f"An {type} order needs the resource it changes.")
    elif (
        resource.offering_id != offering.pk or resource.organization_id != consumer_organization.pk
    ):
        raise ApplicationError(
            f"Resource {resource} does not belong to this offering and organization."
        )
    order = Order.objects.create(
        offering=offering,
        consumer_organization=consumer_organization,
        resource=resource,
        type=type,
        attributes=attributes or {},
        customer_name=customer_name,
        customer_email=customer_email,
    )
    OrderTransition.objects.create(
        order=order,
        transition="create",
        source_state="",
        target_state=order.state,
        actor=actor,
    )
    return order


EDITABLE_FIELDS = ("attributes", "customer_name", "customer_email")


@transaction.atomic
def order_edit(*, order: Order, actor, changes: dict[str, Any]) -> Order:
    """Change what is ordered or who it is for; state and history are not editable.

    Editing the attributes of an order that failed for a reason a person had to fix (a bad
    address, an unmapped ship method) sends it again at once, with the trigger ``edit``.
    """
    _require_user(actor)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ApplicationError(
            f"Cannot edit {', '.join(unknown)}; editable fields: {', '.join(EDITABLE_FIELDS)}."
        )
    if not (
        actor.has_perm("orders.change_order")
        and (actor.is_staff or Order.objects.filter(provider_scope(actor), pk=order.pk).exists())
    ):
        raise ApplicationError(
            f"You are not allowed to edit order {order.number}.", code="forbidden"
        )
    if "attributes" in changes and not isinstance(changes["attributes"], dict):
        raise ApplicationError(
            "Order attributes must be a JSON object.", extra={"field": "attributes"}
        )
    for name, value in changes.items():
        setattr(order, name, value)
    order.save(update_fields=[*changes, "modified"])
    if (
        "attributes" in changes
        and order.state == Order.State.ERRED
        and order.failure_kind == Order.FailureKind.ACTION_REQUIRED
    ):
        _apply(
            order,
            "retry",
            actor=actor,
            check_permission=False,
            reason="attributes edited",
            details=_error_snapshot(order) | {"trigger": "edit"},
        )
        _set_resource_state(order, Order.RESOURCE_STATE_WHEN_SENT)
        dispatch.queue([order.pk], trigger="edit", actor=actor)
    return order
