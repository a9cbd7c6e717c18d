"""Who provides and who orders: organizations, their offerings, and the resources orders
create, change and terminate."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Organization(models.Model):
    """A provider (it has offerings) or a consumer (it places orders), or both."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="owned_organizations"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


ATTRIBUTE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$")


def required_paths_problem(paths) -> str:
    """Why ``paths`` is not a list of dotted attribute paths; empty when it is."""
    if not isinstance(paths, list):
        return 'Give a list of attribute paths, like ["sku", "shipping_address.postal_code"].'
    bad = [
        repr(path) for path in paths if not (isinstance(path, str) and ATTRIBUTE_PATH.match(path))
    ]
    if bad:
        return (
            f"Not attribute paths: {', '.join(bad)}; a path is names joined by dots, like "
            '"shipping_address.postal_code".'
        )
    return ""


class Offering(models.Model):
    class Type(models.TextChoices):
        BASIC = "basic", "Basic (fulfilled manually)"
        SITE_AGENT = "site_agent", "Site agent (pulled by an agent)"
        REMOTE = "remote", "Remote (pushed to an integration)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="offerings")
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_offerings"
    )
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.BASIC)
    integration = models.ForeignKey(
        "integrations.Integration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offerings",
        help_text="Where orders for this offering are sent (remote and site agent offerings).",
    )
    auto_approve = models.BooleanField(
        default=False,
        help_text="Orders go straight to executing after the consumer approves them.",
    )
    required_attributes = models.JSONField(
        default=list,
        blank=True,
        help_text="Attributes every order of this offering must have, non-empty, as dotted paths "
        '(e.g. "sku", "shipping_address.postal_code"): checked when an order is placed and '
        "before an edited order is saved or sent again.",
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="offering_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def integration_model(cls) -> type[models.Model]:
        """The model of what an offering sends its orders to (the integrations app's, named in
        the foreign key, so that orders need not import it)."""
        return cls._meta.get_field("integration").related_model

    def clean(self):
        problem = required_paths_problem(self.required_attributes)
        if problem:
            raise ValidationError({"required_attributes": problem})

    def needs_provider_approval(self, consumer_organization_id: int) -> bool:
        return not (self.auto_approve or consumer_organization_id == self.provider_id)


class Resource(models.Model):
    """What an offering provides to a consumer; its orders create, update and terminate it."""

    class State(models.TextChoices):
        CREATING = "creating"
        OK = "ok"
        ERRED = "erred"
        UPDATING = "updating"
        TERMINATING = "terminating"
        TERMINATED = "terminated"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="resources")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="resources"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.CREATING)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
