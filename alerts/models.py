"""Alerts (failures a person should know about) and who hears of them, how often.

One open alert per (integration, order, kind): a repeat raises its ``occurrences`` and
``last_seen_at`` instead of adding a row. Alerts about no particular order (a product's
inventory sync, an integration's credentials) are one per (integration, product code, kind).
Every alert belongs to a ``Problem``: one open problem per (integration, kind, remote error
code) groups the alerts of every order that failed the same way, and it is what is e-mailed.
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
    GIVING_UP = "giving_up", "Orders about to be given up"
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
    Kind.GIVING_UP: True,
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
    Kind.GIVING_UP: Severity.WARNING,
    Kind.SYNC_FAILED: Severity.WARNING,
}


class Problem(models.Model):
    """What people think in: "the warehouse API is down", "12 orders lack a postal code".

    One open problem per (integration, kind, remote error code); each alert opened (or opened
    again) under that key counts in it (``alerts``), so an outage erring 10,000 orders is one
    problem with a count, not 10,000 e-mails. ``incident`` is the integration's outage it
    belongs to (``integrations.Incident``, the one the recovery work tracks) for the kinds an
    outage causes. It is resolved when the last open alert under it is closed (its orders
    succeeded, or they were dismissed) or its incident ends; the next failure of the same key
    opens a new problem.
    """

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"

    integration = models.ForeignKey(
        "integrations.Integration", on_delete=models.CASCADE, related_name="problems"
    )
    incident = models.ForeignKey(
        "integrations.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    code = models.CharField(
        max_length=100, blank=True, help_text="The remote system's error code; may be empty."
    )
    severity = models.CharField(max_length=20, choices=Severity.choices)
    needs_action = models.BooleanField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    message = models.TextField(help_text="The remote system's message, the latest one.")
    alerts_count = models.PositiveIntegerField(
        default=1, help_text="Alerts opened under it: one per order (or per product) affected."
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_reason = models.TextField(blank=True)
    mailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its last opened or update e-mail was queued."
    )
    mailed_count = models.PositiveIntegerField(
        default=0, help_text="The count its last opened or update e-mail told."
    )
    updates_mailed = models.PositiveIntegerField(
        default=0, help_text="Update e-mails so far: each waits twice as long as the one before."
    )

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "kind", "code"],
                condition=Q(status="open"),
                name="problem_one_open",
            )
        ]
        # No index holds a column an alert's counting changes (alerts_count, last_seen_at,
        # message): every failure under an open problem updates its one row, and that update
        # stays HOT (no index entry; migration 0005). Problems are few; their lists and the
        # digests' time range read the table itself.

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code else ""
        return f"{self.get_kind_display()}{code} at {self.integration}"


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
        "orders.Order",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        db_index=False,  # alert_order_key leads with it
    )
    product_code = models.CharField(max_length=100, blank=True)
    problem = models.ForeignKey(
        Problem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="The problem it was last opened under.",
    )
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
            # An order's alerts of one kind at one integration, as a raise looks for its key's
            # latest one: exact even before the table's statistics know it holds thousands of
            # one integration's alerts (an outage's first minutes).
            models.Index(fields=["order", "integration", "kind"], name="alert_order_key"),
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


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook (signed JSON; Slack and Teams incoming webhooks too)"


def _email_only() -> list[str]:
    return [Channel.EMAIL]


class AlertContact(models.Model):
    """Who hears of alerts: a user or an e-mail address, for an organization or an integration.

    An organization contact hears of the alerts of its offerings' orders and of the
    integrations its offerings use. ``kinds`` empty means every kind. ``channels`` say how:
    e-mail, a webhook (``webhook_url``, signed with ``webhook_secret``), or both.
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
    channels = models.JSONField(
        default=_email_only, blank=True, help_text=f"How it hears: some of {Channel.values}."
    )
    webhook_url = models.URLField(
        max_length=500, blank=True, help_text="Where the webhook channel posts (https)."
    )
    webhook_secret = models.CharField(
        max_length=100, blank=True, help_text="Signs each webhook post (HMAC-SHA256)."
    )
    refused_address = models.CharField(
        max_length=254,
        blank=True,
        help_text="The address the mail server refused for good (a 5xx); no mail goes to it "
        "until the contact's address (or its user's) is another, or this is cleared.",
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_reason = models.TextField(
        blank=True, help_text="What the mail server said when it refused the address."
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
        """Where the mail goes; empty for a user without an address or no longer active, and
        for an address the mail server refused for good."""
        address = self.mailbox
        if address and self.refused_address and address.lower() == self.refused_address.lower():
            return ""
        return address

    @property
    def mailbox(self) -> str:
        """The contact's address, refused or not."""
        if self.user_id:
            return self.user.email if self.user.is_active else ""
        return self.email

    @property
    def refused(self) -> bool:
        return bool(self.refused_address) and self.mailbox.lower() == self.refused_address.lower()

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    @property
    def mails(self) -> bool:
        return Channel.EMAIL in (self.channels or [])

    @property
    def posts(self) -> bool:
        return Channel.WEBHOOK in (self.channels or []) and bool(self.webhook_url)

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
        if not isinstance(self.channels, list) or not self.channels:
            problems["channels"] = f"Channels must be a non-empty list of {Channel.values}."
        else:
            unknown = sorted(str(c) for c in self.channels if c not in Channel.values)
            if unknown:
                problems["channels"] = f"Unknown channels {unknown}; use some of {Channel.values}."
            elif Channel.WEBHOOK in self.channels and not self.webhook_url:
                problems["webhook_url"] = "The webhook channel needs a webhook_url."
        if self.webhook_url and not self.webhook_url.startswith(("https://", "http://")):
            problems["webhook_url"] = "Give an http(s) URL."
        if problems:
            raise ValidationError(problems)


class AlertNotification(models.Model):
    """One problem put in one e-mail to one contact for one period, and whether it went out.

    The unique (contact, problem, period) row is what stops a second mail about the same
    problem in the same period; a row stays ``pending`` until the mail server took it, so a
    failed send is tried again, not lost. ``period`` is ``opened``, ``update:<count>`` or
    ``resolved`` for the at-once mails, ``hourly:2025-05-01T10`` or ``daily:2025-05-01`` for
    digests. Rows from before problems name an ``alert`` (and ``immediate:<n>``) instead.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        SKIPPED = "skipped", "Skipped (no e-mail address, or the address was refused)"

    contact = models.ForeignKey(
        AlertContact, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
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
            ),
            models.UniqueConstraint(
                fields=["contact", "problem", "period"],
                name="problem_notification_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(alert__isnull=False) | Q(problem__isnull=False),
                name="alert_notification_alert_or_problem",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created"],
                name="alert_notification_pending",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        about = f"problem {self.problem_id}" if self.problem_id else f"alert {self.alert_id}"
        return f"{about} to {self.contact_id} ({self.period}, {self.status})"


class WebhookDelivery(models.Model):
    """One event posted (or to be posted) to one contact's webhook, and how each try went.

    ``body`` is the exact JSON text that is signed and posted, fixed when the event happened,
    so a retry sends the same bytes under the same ``X-Redrive-Delivery`` id (a receiver can
    drop a repeat). A try claims the row by moving ``next_attempt_at`` past the post's timeout
    in a short transaction of its own, posts with no lock held, then records the answer.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed", "Failed (gave up after every retry)"

    contact = models.ForeignKey(
        AlertContact, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.CharField(max_length=40)
    delivery_id = models.UUIDField(unique=True)
    url = models.URLField(max_length=500)
    body = models.TextField()
    problem = models.ForeignKey(
        Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.url} ({self.status})"
