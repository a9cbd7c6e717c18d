import hashlib
import os
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Integration(models.Model):
    """A connection to one external system that fulfils orders.

    The credential itself never lives in the database: ``credential_env_var`` names the
    environment variable that holds it.
    """

    class Backend(models.TextChoices):
        HTTP_PUSH = "http_push", "HTTP push"
        SITE_AGENT = "site_agent", "Site agent (pull)"
        MANUAL = "manual", "Manual"

    name = models.CharField(max_length=200, unique=True)
    backend = models.CharField(max_length=20, choices=Backend.choices, default=Backend.HTTP_PUSH)
    endpoint_url = models.URLField(blank=True, max_length=500)
    credential_env_var = models.CharField(
        max_length=100,
        blank=True,
        help_text="Name of the environment variable holding the credential, e.g. ACME_API_TOKEN.",
    )
    timeout_seconds = models.FloatField(default=10.0)
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def credential(self) -> str | None:
        """The credential from the environment; ``None`` when none is configured."""
        if not self.credential_env_var:
            return None
        return os.environ.get(self.credential_env_var, "")


class Trigger(models.TextChoices):
    AUTOMATIC = "automatic"
    USER = "user"
    BULK = "bulk"
    EDIT = "edit"
    AGENT = "agent"


class Delivery(models.Model):
    """One order's journey to one integration, across every retry.

    ``idempotency_key`` never changes, so the remote side can recognise a retry of a send it
    already accepted. ``lease_expires_at`` bounds how long a worker may hold an ``in_flight``
    delivery: past it, another worker may reclaim it (the first one died).
    """

    class State(models.TextChoices):
        QUEUED = "queued"
        IN_FLIGHT = "in_flight"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        HELD = "held"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="deliveries")
    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="deliveries"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    pending_trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.USER)
    pending_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["order", "integration"], name="delivery_one_per_order")
        ]
        indexes = [models.Index(fields=["integration", "state"], name="delivery_integration_state")]

    def __str__(self) -> str:
        return f"{self.order_id} -> {self.integration_id} ({self.state})"


class Attempt(models.Model):
    """One try of a delivery, kept forever: what was sent, when, and what came back.

    An attempt is written when the send starts, so a worker that dies mid-send still leaves
    its row; the next claim closes it as abandoned.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success"
        TRANSIENT = "transient"
        ACTION_REQUIRED = "action_required"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="attempts")
    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    remote_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    retry_after_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_unique_number")
        ]
        indexes = [
            models.Index(fields=["integration", "started_at"], name="attempt_integration_time")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.outcome or 'in progress'}"


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

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, integration: Integration, label: str = "") -> tuple["AgentToken", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(integration=integration, key_hash=cls.hash(key), label=label), key
