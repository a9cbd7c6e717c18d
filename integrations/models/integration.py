"""An integration (a connection to one external system), its retry policy, breaker and
limits, and its incidents."""

import os
from datetime import timedelta

from django.db import models
from django.utils import timezone


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
