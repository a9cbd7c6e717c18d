"""Site agents' keys and planned maintenance windows."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import key_digest
from integrations.models.integration import Integration


class AgentToken(models.Model):
    """A site agent's API token; only its SHA-256 is stored, the key is shown once."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="agent_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.integration}: {self.label or self.pk}"

    hash = staticmethod(key_digest)

    @classmethod
    def issue(cls, *, integration: Integration, label: str = "") -> tuple["AgentToken", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(integration=integration, key_hash=cls.hash(key), label=label), key


class MaintenanceWindow(models.Model):
    """Planned downtime of an integration: nothing is sent to it between start and end."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="maintenance_windows"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    released_at = models.DateTimeField(
        null=True, blank=True, help_text="When the deliveries it held were released."
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="maintenance_window_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["integration", "ends_at"], name="maintenance_integration_end")
        ]

    def __str__(self) -> str:
        return (
            f"{self.integration}: {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"
        )
