"""Placing an order and editing what it orders; an edit that fixes what a remote system
refused sends the order again.

Both check the attributes with the same rules (``attribute_problems``): what an order of the
offering must hold. An edit of the attributes is a JSON Merge Patch (RFC 7396) by default, so
that changing the shipping address keeps the SKU, quantity and shipping method.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.errors import ApplicationError, ErrorCode
from orders.models import Offering, Order, OrderTransition, Organization, Resource, Trigger
from orders.roles import provider_scope
from orders.services.transitions import require_user, retry_and_send


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
    require_user(actor)
    if not actor.has_perm("orders.add_order"):
        raise ApplicationError("You are not allowed to place orders.", code=ErrorCode.FORBIDDEN)
    if not (actor.is_staff or consumer_organization.owners.filter(pk=actor.pk).exists()):
        raise ApplicationError(
            f"You cannot place orders for {consumer_organization}.", code=ErrorCode.FORBIDDEN
        )
    if type not in Order.Type.values:
        raise ApplicationError(f"Unknown order type {type!r}; use one of {Order.Type.values}.")
    require_valid_attributes(attributes or {}, offering=offering)
    resource = _resource_for(
        type=type,
        resource=resource,
        offering=offering,
        consumer_organization=consumer_organization,
        attributes=attributes or {},
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


def _resource_for(
    *, type: str, resource, offering: Offering, consumer_organization: Organization, attributes
) -> Resource:
    """A create order makes a new resource; an update or terminate order names its own."""
    if type == Order.Type.CREATE:
        if resource is not None:
            raise ApplicationError("A create order makes a new resource; do not name one.")
        return Resource.objects.create(
            name=attributes.get("name") or f"{offering.name} for {consumer_organization}",
            offering=offering,
            organization=consumer_organization,
        )
    if resource is None:
        raise ApplicationError(f"An {type} order needs the resource it changes.")
    if resource.offering_id != offering.pk or resource.organization_id != consumer_organization.pk:
        raise ApplicationError(
            f"Resource {resource} does not belong to this offering and organization."
        )
    return resource


EDITABLE_FIELDS = ("attributes", "customer_name", "customer_email")
RESOURCE_NAME_LENGTH = Resource._meta.get_field("name").max_length
MERGE_PATCH = "merge_patch"
REPLACE = "replace"


def merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with JSON Merge Patch ``patch`` applied (RFC 7396): objects merge key by key
    and recursively, a ``null`` removes its key, anything else (arrays, strings, numbers)
    replaces what was there. Neither argument is changed."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def attribute_problems(attributes: Any, *, offering: Offering) -> dict[str, str]:
    """What makes ``attributes`` unfit for an order of ``offering``, by attribute path.

    Every order's attributes are a JSON object with each of the offering's
    ``required_attributes`` present and not empty (``null``, ``""``, ``[]`` or ``{}``), and a
    ``name`` (a create order names its new resource with it), if any, a non-blank string the
    resource can hold."""
    if not isinstance(attributes, dict):
        return {"attributes": "must be a JSON object"}
    problems = {}
    for path in offering.required_attributes or []:
        if _empty(_at(attributes, path)):
            problems[f"attributes.{path}"] = f"is required by the offering {offering.name!r}"
    if "name" in attributes:
        name = attributes["name"]
        if not isinstance(name, str) or not name.strip():
            problems["attributes.name"] = "must be a non-blank string (it names the resource)"
        elif len(name) > RESOURCE_NAME_LENGTH:
            problems["attributes.name"] = (
                f"must be at most {RESOURCE_NAME_LENGTH} characters (it names the resource)"
            )
    return problems


MISSING = object()


def _at(attributes: dict, path: str):
    value = attributes
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return MISSING
        value = value[key]
    return value


def _empty(value) -> bool:
    return (
        value is MISSING
        or value is None
        or value in ("", [], {})
        or (isinstance(value, str) and not value.strip())
    )


def require_valid_attributes(attributes: Any, *, offering: Offering) -> None:
    problems = attribute_problems(attributes, offering=offering)
    if problems:
        described = "; ".join(f"{path} {problem}" for path, problem in problems.items())
        raise ApplicationError(
            f"Invalid order attributes for {offering}: {described}.",
            extra={"field": "attributes", "attributes": problems},
        )


@transaction.atomic
def order_edit(
    *, order: Order, actor, changes: dict[str, Any], attributes_edit: str = MERGE_PATCH
) -> Order:
    """Change what is ordered or who it is for; state and history are not editable.

    ``changes["attributes"]`` is a JSON Merge Patch of the order's attributes
    (``attributes_edit=MERGE_PATCH``, what the API takes) or their whole new value
    (``REPLACE``, the admin's form, which shows the whole object). Either way the result is
    checked (``attribute_problems``) before anything is saved or sent: a bad one changes
    nothing. Editing the attributes of an order that failed for a reason a person had to fix (a
    bad address, an unmapped ship method) sends it again at once, with the trigger ``edit``.
    """
    require_user(actor)
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
            f"You are not allowed to edit order {order.number}.", code=ErrorCode.FORBIDDEN
        )
    if attributes_edit not in (MERGE_PATCH, REPLACE):
        raise ValueError(f"attributes_edit must be {MERGE_PATCH!r} or {REPLACE!r}")
    changes = dict(changes)
    if "attributes" in changes:
        if not isinstance(changes["attributes"], dict):
            raise ApplicationError(
                "Order attributes must be a JSON object.", extra={"field": "attributes"}
            )
        if attributes_edit == MERGE_PATCH:
            changes["attributes"] = merge_patch(order.attributes, changes["attributes"])
        require_valid_attributes(changes["attributes"], offering=order.offering)
    for name, value in changes.items():
        setattr(order, name, value)
    order.save(update_fields=[*changes, "modified"])
    if (
        "attributes" in changes
        and order.state == Order.State.ERRED
        and order.failure_kind == Order.FailureKind.ACTION_REQUIRED
    ):
        retry_and_send(
            order,
            actor=actor,
            trigger=Trigger.EDIT,
            reason="attributes edited",
            check_permission=False,
        )
    return order
