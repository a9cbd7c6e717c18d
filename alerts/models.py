"""Alerts (failures a person should know about) and who hears of them, how often.

One open alert per (integration, order, kind): a repeat raises its ``occurrences`` and
``last_seen_at`` instead of adding a row. Alerts about no particular order (a product's
inventory sync, an integration's credentials) are one per (integration, product code, kind).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    ADDRESS_INVALID = "address_invalid", "Invalid address"
    MAPPING_MISSING = "mapping_missing", "Mapping missing (e.g. shipping method)"
    CREDENTIALS = "credentials", "Credentials refused"
    VALIDATION = "validation", "Rejected by the remote system"
    UNAVAILABLE = "unavailable", "Remote system unavailable"
    RETRY_EXHAUSTED = "retry_exhausted", "Retries exhausted"
    SYNC_FAILED = "sync_failed", "Sync failed (tracking, inventory)"


class Severity(models.TextChoices):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


KIND_NEEDS_ACTION: dict[str, bool] = {
    Kind.ADDRESS_INVALID: True,
    Kind.MAPPING_MISSING: True,
    Kind.CREDENTIALS: True,
    Kind.VALIDATION: True,
    Kind.UNAVAILABLE: False,
    Kind.RETRY_EXHAUSTED: True,
    Kind.SYNC_FAILED: False,
}
"""Whether a person must act: those kinds are e-mailed at once to immediate contacts."""

KIND_SEVERITY: dict[str, str] = {
    Kind.ADDRESS_INVALID: Severity.ERROR,
    Kind.MAPPING_MISSING: Severity.ERROR,
    Kind.CREDENTIALS: Severity.CRITICAL,
    Kind.VALIDATION: Severity.ERROR,
    Kind.UNAVAILABLE: Severity.WARNING,
    Kind.RETRY_EXHAUSTED: Severity.ERROR,
    Kind.SYNC_FAILED: Severity.WARNING,
}


class Alert(models.Model):
    """A failure a person should know about, kept across repeats, resolution and reopening.

    ``resolved_*`` and ``dismissed_*`` describe the last time it was closed; a reopened alert
    keeps them as history (``opened_at`` and ``reopen_count`` say it came back).
    """

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"
        DISMISSED = "dismissed"

    integration = models.ForeignKey(
        "integrations.Integration", on_delete=models.CASCADE, related_name="alerts"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    product_code = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    message = models.TextField(help_text="The remote system's own message, the latest one.")
    needs_action = models.BooleanField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    occurrences = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(
        default=timezone.now, help_text="When it was raised, or raised again after closing."
    )
    reopen_count = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_reason = models.TextField(
        blank=True, help_text="Why it was closed: 'success of order RD-...', 'dismissed by ...'."
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismissed_note = models.TextField(
        blank=True, help_text="The note the person who dismissed it last gave; may be empty."
    )

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "order", "kind"],
                condition=Q(status="open", order__isnull=False),
                name="alert_one_open_per_order",
            ),
            models.UniqueConstraint(
                fields=["integration", "product_code", "kind"],
                condition=Q(status="open", order__isnull=True),
                name="alert_one_open_per_product",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_seen_at"], name="alert_status_last_seen"),
            models.Index(fields=["last_seen_at"], name="alert_last_seen"),
        ]
        permissions = [("dismiss_alert", "Can dismiss alerts")]

    def __str__(self) -> str:
        subject = self.order.number if self.order_id else self.product_code or self.integration
        return f"{self.get_kind_display()}: {subject}"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "At once (kinds that need action); the rest hourly"
    HOURLY = "hourly", "Hourly digest"
    DAILY = "daily", "Daily digest"
    OFF = "off", "Off"


class AlertContact(models.Model):
    """Who hears of alerts: a user or an e-mail address, for an organization or an integration.

    An organization contact hears of the alerts of its offerings' orders and of the
    integrations its offerings use. ``kinds`` empty means every kind.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_contacts",
    )
    email = models.EmailField(blank=True)
    organization = models.ForeignKey(
        "orders.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_contacts",
    )
    integration = models.ForeignKey(
        "integrations.Integration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_contacts",
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    kinds = models.JSONField(
        default=list, blank=True, help_text=f"Kinds wanted, a list of {Kind.values}; empty: all."
    )
    digest_covered_until = models.DateTimeField(
        null=True, blank=True, help_text="Alerts seen up to this time were put in a digest."
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email=""))
                | (Q(user__isnull=True) & ~Q(email="")),
                name="alert_contact_user_or_email",
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False, integration__isnull=True)
                | Q(organization__isnull=True, integration__isnull=False),
                name="alert_contact_organization_or_integration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address or self.user} ({self.get_frequency_display()}) for {self.scope}"

    @property
    def scope(self):
        return self.organization or self.integration

    @property
    def address(self) -> str:
        """Where the mail goes; empty for a user without an address or no longer active."""
        if self.user_id:
            return self.user.email if self.user.is_active else ""
        return self.email

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def clean(self):
        problems = {}
        if bool(self.user_id) == bool(self.email):
            problems["email"] = "Give a user or an e-mail address" + (
                ", not both." if self.user_id else "."
            )
        if bool(self.organization_id) == bool(self.integration_id):
            problems["integration"] = "Give an organization or an integration" + (
                ", not both." if self.organization_id else "."
            )
        if not isinstance(self.kinds, list):
            problems["kinds"] = f"Kinds must be a list of {Kind.values}."
        else:
            unknown = sorted(str(kind) for kind in self.kinds if kind not in Kind.values)
            if unknown:
                problems["kinds"] = f"Unknown kinds {unknown}; use some of {Kind.values}."
        if problems:
            raise ValidationError(problems)


class AlertNotification(models.Model):
    """One alert put in one e-mail to one contact for one period, and whether it went out.

    The unique (contact, alert, period) row is what stops a second mail about the same alert
    in the same period; a row stays ``pending`` until the mail server took it, so a failed send
    is tried again, not lost. ``period`` is ``immediate:<n>`` (the n-th opening of the alert),
    ``hourly:2025-05-01T10`` or ``daily:2025-05-01``.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        SKIPPED = "skipped", "Skipped (no e-mail address)"

    contact = models.ForeignKey(
        AlertContact, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    period = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "alert", "period"], name="alert_notification_once_per_period"
            )
        ]
        indexes = [
            models.Index(
                fields=["created"],
                name="alert_notification_pending",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} to {self.contact_id} ({self.period}, {self.status})"
