import hashlib
import os
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from orders.models import Trigger


class RetryPolicy(models.TextChoices):
    FIXED = "fixed", "Fixed interval"
    EXPONENTIAL = "exponential", "Exponential backoff with jitter"


class BreakerState(models.TextChoices):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open", "Half open (probing)"


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
    mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text='Values translated before sending, per attribute: {"ship_method": '
        '{"EXPRESS-2": "UPS_2DAY"}}. Fixing a mapping resends the orders it failed.',
    )
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    retry_policy = models.CharField(
        max_length=20, choices=RetryPolicy.choices, default=RetryPolicy.FIXED
    )
    retry_interval = models.DurationField(
        default=timedelta(hours=1), help_text="Fixed policy: the wait between automatic retries."
    )
    backoff_base = models.DurationField(
        default=timedelta(minutes=1), help_text="Exponential policy: the first wait."
    )
    backoff_factor = models.FloatField(
        default=2.0, help_text="Exponential policy: each wait is this many times the last."
    )
    backoff_cap = models.DurationField(
        default=timedelta(hours=6), help_text="Exponential policy: the longest wait."
    )
    backoff_jitter = models.FloatField(
        default=0.2,
        help_text="Exponential policy: a random part of each wait, 0 to 1 (0.2: up to 20% "
        "shorter), so that retries of many orders spread out.",
    )
    max_retry_age = models.DurationField(
        default=timedelta(days=15),
        help_text="No automatic retry later than this after the first failure.",
    )
    max_attempts = models.PositiveIntegerField(
        null=True, blank=True, help_text="Give up after this many automatic attempts (optional)."
    )

    breaker_threshold = models.PositiveIntegerField(
        default=5, help_text="Consecutive transient failures that open the circuit breaker."
    )
    breaker_cooldown = models.DurationField(
        default=timedelta(minutes=1), help_text="Wait before the first probe once open."
    )
    breaker_state = models.CharField(
        max_length=20, choices=BreakerState.choices, default=BreakerState.CLOSED
    )
    breaker_since = models.DateTimeField(null=True, blank=True)
    breaker_reason = models.TextField(blank=True)
    breaker_failures = models.PositiveIntegerField(
        default=0, help_text="Consecutive transient failures so far."
    )
    breaker_trips = models.PositiveIntegerField(
        default=0, help_text="Consecutive re-openings; each doubles the cool-down."
    )
    breaker_probe_at = models.DateTimeField(null=True, blank=True)
    max_in_flight = models.PositiveIntegerField(
        default=100,
        help_text="Most requests in flight to this system at once, across every worker on every "
        "host.",
    )
    max_per_second = models.PositiveIntegerField(
        default=200,
        help_text="Most requests a second to this system, across every worker on every host. A "
        "429 or Retry-After from it slows this down for a while.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [
            ("change_integration_limits", "Can set the limits of integrations one's offerings use")
        ]

    def __str__(self) -> str:
        return self.name

    SEND_LEASE_GRACE = timedelta(seconds=30)

    @property
    def send_lease(self) -> timedelta:
        """How long one send may hold a delivery (or the breaker's probe): two timeouts and a
        grace, so that a send always fits; past it, the send is taken for lost."""
        return timedelta(seconds=self.timeout_seconds) * 2 + self.SEND_LEASE_GRACE

    def credential(self) -> str | None:
        """The credential from the environment; ``None`` when none is configured."""
        if not self.credential_env_var:
            return None
        return os.environ.get(self.credential_env_var, "")


class Incident(models.Model):
    """An outage of an integration as Redrive saw it: from the first transient failure of a
    streak until the remote system answered again (a probe or another send succeeded, a
    maintenance window ended, or a person released it). When it ends, everything that failed
    transiently during it is sent again at once, at the integration's limits."""

    class End(models.TextChoices):
        ANSWERED = "answered", "The remote system answered"
        WINDOW = "window", "The maintenance window ended"
        PERSON = "person", "Released by a person"

    integration = models.ForeignKey(
        "Integration", on_delete=models.CASCADE, related_name="incidents", db_index=False
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=20, choices=End.choices, blank=True)
    first_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(
        default=0, help_text="Transient failures recorded during it."
    )
    released = models.PositiveIntegerField(
        default=0, help_text="Deliveries sent again when it ended (held and erred)."
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration"],
                condition=models.Q(ended_at__isnull=True),
                name="incident_one_open",
            )
        ]
        indexes = [models.Index(fields=["integration", "started_at"], name="incident_started")]

    def __str__(self) -> str:
        return f"{self.integration_id} from {self.started_at:%Y-%m-%d %H:%M:%S}"


class HeldReason(models.TextChoices):
    BREAKER = "breaker", "Circuit breaker open"
    MAINTENANCE = "maintenance", "Maintenance window"
    DISABLED = "disabled", "Integration disabled"


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

    # No index of their own: the unique (order, integration) and (integration, state) lead
    # with them. Every index is written on each change of state, a delivery's commonest write.
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    pending_trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.USER)
    # Who acted. No database constraint: Django sets it to NULL when the user is deleted,
    # and rows written in bulk skip a foreign-key check each (an index serves the deletion).
    pending_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The incident whose end released this delivery: its next attempt records it.
    pending_incident = models.ForeignKey(
        "Incident",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    first_failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Start of the give-up clock; a person's retry resets it."
    )
    counted_attempts = models.PositiveIntegerField(
        default=0, help_text="Automatic attempts that count toward give-up in this cycle."
    )
    held_reason = models.CharField(max_length=20, choices=HeldReason.choices, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["order", "integration"], name="delivery_one_per_order")
        ]
        # Partial where they can be: most deliveries are succeeded or failed, and a row that
        # matches no condition costs no entry when it changes.
        indexes = [
            models.Index(fields=["integration", "state"], name="delivery_integration_state"),
            models.Index(
                fields=["lease_expires_at"],
                name="delivery_in_flight_lease",
                condition=models.Q(state="in_flight"),
            ),
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_queued_since",
                condition=models.Q(state="queued"),
            ),
            models.Index(
                fields=["integration"], name="delivery_held", condition=models.Q(state="held")
            ),
            models.Index(
                fields=["pending_actor"],
                name="delivery_pending_actor",
                condition=models.Q(pending_actor__isnull=False),
            ),
        ]

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

    # delivery and integration lead the unique (delivery, number) and (integration,
    # started_at) indexes, so they need none of their own.
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="attempts")
    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="attempts", db_index=False
    )
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    # Who acted. No database constraint: Django sets it to NULL when the user is deleted,
    # and rows written in bulk skip a foreign-key check each (an index serves the deletion).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    remote_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    retry_after_seconds = models.PositiveIntegerField(null=True, blank=True)
    counts_toward_give_up = models.BooleanField(
        default=True, help_text="False for attempts failed by a maintenance window."
    )
    decision = models.TextField(
        blank=True, help_text="What the system decided after this attempt, and why."
    )
    # The incident this attempt failed in, or was released by. No index or constraint of its
    # own: incidents are never deleted, and the incident page reads them by integration.
    incident = models.ForeignKey(
        Incident,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_unique_number")
        ]
        indexes = [
            models.Index(fields=["integration", "started_at"], name="attempt_integration_time"),
            models.Index(
                fields=["actor"], name="attempt_actor", condition=models.Q(actor__isnull=False)
            ),
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


class RetryClaim(models.Model):
    """A due automatic retry a sweep has taken for the workers.

    The sweep only finds and claims (``services.retries_claim_due``); a worker sends the order
    again (``services.retries_send``) and removes the claim. If no worker does before
    ``expires_at`` (its task was lost with a broker restart, say), the next sweep takes the
    order again; until then no other sweep does.
    """

    order = models.OneToOneField(
        "orders.Order", primary_key=True, on_delete=models.CASCADE, related_name="retry_claim"
    )
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.order_id} until {self.expires_at:%H:%M:%S}"
