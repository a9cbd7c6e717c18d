"""Who hears of alerts: contacts' writes, by staff and by organization owners within their
scope (their organizations, and the integrations only their organizations' offerings use)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from alerts.models import AlertContact, Channel
from alerts.selectors import may_manage_contacts
from core.errors import ApplicationError, ErrorCode
from orders.models import Offering

CHANGEABLE = {"email", "frequency", "kinds", "channels", "webhook_url"}


def _require_manager(actor, *, organization=None, integration=None) -> None:
    """Staff, or an owner of ``organization`` / of every organization using ``integration``."""
    if organization is not None and not may_manage_contacts(actor, organization_id=organization.pk):
        raise ApplicationError(
            f"You may not manage the alert contacts of organization {organization.pk}.",
            code=ErrorCode.FORBIDDEN,
            extra={"field": "organization"},
        )
    if integration is not None and not may_manage_contacts(actor, integration_id=integration.pk):
        raise ApplicationError(
            f"You may not manage the alert contacts of integration {integration.pk}: it must be "
            "used only by offerings of organizations you own.",
            code=ErrorCode.FORBIDDEN,
            extra={"field": "integration"},
        )


def _require_person_in_scope(actor, contact: AlertContact) -> None:
    """A non-staff manager may name only people of the scope: the owners of the organization
    (or of those using the integration) and the managers of their offerings."""
    if contact.user_id is None or actor.is_staff:
        return
    offerings = (
        Offering.objects.filter(provider=contact.organization)
        if contact.organization_id
        else Offering.objects.filter(integration=contact.integration)
    )
    people = get_user_model().objects.filter(
        Q(owned_organizations__offerings__in=offerings) | Q(managed_offerings__in=offerings)
    )
    if not people.filter(pk=contact.user_id).exists():
        raise ApplicationError(
            f"User {contact.user} is not an owner or manager in this scope; give an e-mail "
            "address instead.",
            extra={"field": "user"},
        )


def _validated(contact: AlertContact) -> None:
    try:
        contact.full_clean(exclude=["digest_covered_until", "created"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(
            f"{field}: {' '.join(messages)}", extra={"field": field, "errors": error.message_dict}
        ) from None
    if Channel.WEBHOOK in contact.channels and not contact.webhook_secret:
        contact.webhook_secret = secrets.token_urlsafe(32)


@transaction.atomic
def alert_contact_create(*, actor, **fields) -> AlertContact:
    """A new contact (a user or an address; an organization or an integration), for staff or
    the owners of its scope. A webhook channel gets its signing secret here."""
    contact = AlertContact(**fields)
    _require_manager(actor, organization=contact.organization, integration=contact.integration)
    _validated(contact)
    _require_person_in_scope(actor, contact)
    contact.save()
    return contact


@transaction.atomic
def alert_contact_update(
    *, contact: AlertContact, actor, clear_refusal: bool = False, **changes
) -> AlertContact:
    """Change how often, which kinds and which channels (and the address, or the webhook URL)
    a contact hears of; ``clear_refusal`` sends to a refused address again. A new address or
    webhook URL takes effect at once; a refusal of the old address no longer applies."""
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise ApplicationError(f"Cannot change {sorted(unknown)}.", extra={"field": min(unknown)})
    locked = (
        AlertContact.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=contact.pk)
    )
    _require_manager(actor, organization=locked.organization, integration=locked.integration)
    for name, value in changes.items():
        setattr(locked, name, value)
    if clear_refusal:
        locked.refused_address, locked.refused_at, locked.refused_reason = "", None, ""
    _validated(locked)
    locked.save()
    return locked


@transaction.atomic
def alert_contact_delete(*, contact: AlertContact, actor) -> None:
    _require_manager(actor, organization=contact.organization, integration=contact.integration)
    AlertContact.objects.filter(pk=contact.pk).delete()


@transaction.atomic
def alert_contacts_refusal_clear(*, contacts: QuerySet[AlertContact]) -> int:
    """Send to these contacts' addresses again (a person says the address is fixed)."""
    return (
        contacts.exclude(refused_address="")
        .order_by()
        .update(refused_address="", refused_at=None, refused_reason="")
    )
