"""Who provides and who orders: organizations, their offerings, and the resources orders
create, change and terminate."""

from __future__ import annotations

import uuid

from django.conf import settings
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
