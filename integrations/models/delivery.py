"""Where an offering's orders go (Route), an order's way to one integration (Delivery), every
try of it (Attempt), and the retries a sweep claimed (RetryClaim)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from integrations.models.integration import Incident, Integration
from orders.models import Trigger


class HeldReason(models.TextChoices):
    BREAKER = "breaker", "Circuit breaker open"
    MAINTENANCE = "maintenance", "Maintenance window"
    DISABLED = "disabled", "Integration disabled"


class Route(models.Model):
    """One integration an offering sends its orders to.

    An order entering ``executing`` gets one delivery per route. It is done when the
    deliveries of every **required** route have succeeded, erred when one of them has failed;
    an optional route's delivery is retried and alerted like any other but never holds the
    order. A route ``after`` another is sent only once that route's delivery has succeeded
    (the ERP after the warehouse accepted). ``Offering.integration`` is the offering's main
    route: saving an offering keeps a required route to it (``routes_follow_offering``).
    """

    offering = models.ForeignKey(
        "orders.Offering", on_delete=models.CASCADE, related_name="routes", db_index=False
    )
    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="routes")
    required = models.BooleanField(
        default=True,
        help_text="The order is done only when this delivery succeeded; an optional one is "
        "retried and alerted, but never holds the order.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="The order the routes are listed (and first sent) in."
    )
    after = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        help_text="Sent only after this route's delivery succeeded.",
    )

    class Meta:
        ordering = ["offering", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "integration"], name="route_one_per_offering"
            )
        ]

    def __str__(self) -> str:
        kind = "required" if self.required else "optional"
        return f"to {self.integration} ({kind})"

    def clean(self):
        if self.after_id is None:
            return
        if self.pk is not None and self.after_id == self.pk:
            raise ValidationError({"after": "A route cannot wait for itself."})
        if self.after.offering_id != self.offering_id:
            raise ValidationError({"after": "A route can wait only for a route of its offering."})
        if self.after.integration_id == self.integration_id:
            raise ValidationError({"after": "A route cannot wait for its own integration."})
        seen, step = {self.pk}, self.after
        while step is not None:
            if step.pk in seen:
                raise ValidationError({"after": "These routes wait for each other in a circle."})
            seen.add(step.pk)
            step = step.after


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
        WAITING = "waiting", "Waiting for another delivery"

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
        Incident,
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
    # The route's rules, as they were when the order was sent: an edited route changes the
    # orders sent after, never the deliveries under way.
    required = models.BooleanField(
        default=True, help_text="The order is done only when this delivery succeeded."
    )
    waits_for = models.ForeignKey(
        Integration,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
        help_text="Sent only after the order's delivery to this integration succeeded.",
    )
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
            # Optional deliveries' automatic retries (a required one's go with its order's).
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_optional_retry_due",
                condition=models.Q(state="failed", required=False, next_attempt_at__isnull=False),
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
