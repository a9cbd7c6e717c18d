import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from orders.roles import is_consumer_side, is_provider_side, may, system_only

NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_number() -> str:
    """A short human order number (Crockford base32, no I/L/O/U): ``RD-7K3M9Q2P``."""
    return "RD-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


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


class OrderQuerySet(models.QuerySet):
    def erred(self):
        return self.filter(state=Order.State.ERRED)


class Order(ConcurrentTransitionMixin, models.Model):
    """An order sent to the system that fulfils it; ``state`` changes only through services."""

    class State(models.TextChoices):
        PENDING_CONSUMER = "pending_consumer", "Pending consumer approval"
        PENDING_PROVIDER = "pending_provider", "Pending provider approval"
        EXECUTING = "executing", "Executing"
        DONE = "done", "Done"
        ERRED = "erred", "Erred"
        CANCELED = "canceled", "Canceled"
        REJECTED = "rejected", "Rejected"

    class Type(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        TERMINATE = "terminate"

    class FailureKind(models.TextChoices):
        TRANSIENT = "transient", "Transient (retried automatically)"
        ACTION_REQUIRED = "action_required", "Action required"
        EXHAUSTED = "exhausted", "Retry exhausted"

    RESOURCE_STATE_WHEN_SENT = {
        Type.CREATE: Resource.State.CREATING,
        Type.UPDATE: Resource.State.UPDATING,
        Type.TERMINATE: Resource.State.TERMINATING,
    }
    RESOURCE_STATE_WHEN_DONE = {
        Type.CREATE: Resource.State.OK,
        Type.UPDATE: Resource.State.OK,
        Type.TERMINATE: Resource.State.TERMINATED,
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Unique by a constraint rather than unique=True, which on PostgreSQL adds a second,
    # LIKE-pattern index that no query here uses and every update of an order writes.
    number = models.CharField(max_length=20, default=new_order_number, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="orders")
    consumer_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="placed_orders"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.EmailField(blank=True)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.CREATE)
    attributes = models.JSONField(
        default=dict, blank=True, help_text="What is ordered, the shipping address, ..."
    )
    state = FSMField(default=State.PENDING_CONSUMER, choices=State.choices, protected=True)
    error_message = models.TextField(blank=True)
    error_traceback = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)
    erred_at = models.DateTimeField(null=True, blank=True)
    failure_kind = models.CharField(
        max_length=20, choices=FailureKind.choices, blank=True, help_text="Why it is erred now."
    )
    next_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next automatic retry is due, if any."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    consumer_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    consumer_reviewed_at = models.DateTimeField(null=True, blank=True)
    provider_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    provider_reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["number"], name="order_unique_number")]
        indexes = [
            models.Index(fields=["state", "erred_at"], name="order_state_erred_at"),
            models.Index(fields=["state", "created"], name="order_state_created"),
            models.Index(
                fields=["next_retry_at"],
                name="order_retry_due",
                condition=models.Q(state="erred", next_retry_at__isnull=False),
            ),
            # Reviewers are looked up only when a user is deleted; partial, so orders nobody
            # reviewed (auto-approved, the system's) cost no entry on their many updates.
            models.Index(
                fields=["consumer_reviewed_by"],
                name="order_consumer_reviewer",
                condition=models.Q(consumer_reviewed_by__isnull=False),
            ),
            models.Index(
                fields=["provider_reviewed_by"],
                name="order_provider_reviewer",
                condition=models.Q(provider_reviewed_by__isnull=False),
            ),
        ]
        permissions = [
            ("approve_order", "Can approve orders"),
            ("reject_order", "Can reject orders"),
            ("retry_order", "Can retry an erred order"),
            ("resubmit_order", "Can resubmit many erred orders"),
            ("mark_done_order", "Can mark orders of manual offerings done"),
            ("cancel_order", "Can cancel orders"),
        ]

    def __str__(self) -> str:
        return self.number

    @transition(
        field=state,
        source=State.PENDING_CONSUMER,
        target=RETURN_VALUE(State.PENDING_PROVIDER, State.EXECUTING),
        permission=may("orders.approve_order", is_consumer_side),
    )
    def approve_by_consumer(self, *, by, at, needs_provider_approval: bool):
        self.consumer_reviewed_by = by
        self.consumer_reviewed_at = at
        return self.State.PENDING_PROVIDER if needs_provider_approval else self.State.EXECUTING

    @transition(
        field=state,
        source=State.PENDING_PROVIDER,
        target=State.EXECUTING,
        permission=may("orders.approve_order", is_provider_side),
    )
    def approve_by_provider(self, *, by, at):
        self.provider_reviewed_by = by
        self.provider_reviewed_at = at

    @transition(
        field=state,
        source=State.PENDING_CONSUMER,
        target=State.REJECTED,
        permission=may("orders.reject_order", is_consumer_side),
    )
    def reject_by_consumer(self, *, by, at, rejection_reason: str):
        self.consumer_reviewed_by = by
        self.consumer_reviewed_at = at
        self.rejection_reason = rejection_reason

    @transition(
        field=state,
        source=State.PENDING_PROVIDER,
        target=State.REJECTED,
        permission=may("orders.reject_order", is_provider_side),
    )
    def reject_by_provider(self, *, by, at, rejection_reason: str):
        self.provider_reviewed_by = by
        self.provider_reviewed_at = at
        self.rejection_reason = rejection_reason

    @transition(
        field=state,
        source=[State.PENDING_CONSUMER, State.PENDING_PROVIDER, State.EXECUTING],
        target=State.CANCELED,
        conditions=[lambda order: order.is_cancelable],
        permission=may("orders.cancel_order", is_consumer_side),
    )
    def cancel(self):
        pass

    @transition(
        field=state,
        source=State.EXECUTING,
        target=State.DONE,
        conditions=[lambda order: order.is_manual],
        permission=may("orders.mark_done_order", is_provider_side),
    )
    def set_done(self, *, at):
        self.completed_at = at

    @transition(field=state, source=State.EXECUTING, target=State.DONE, permission=system_only)
    def succeed(self, *, at):
        self.completed_at = at

    @transition(field=state, source=State.EXECUTING, target=State.ERRED, permission=system_only)
    def fail(self, *, at, message: str, traceback: str = "", kind: str = "", next_retry_at=None):
        self.error_message = message
        self.error_traceback = traceback
        self.erred_at = at
        self.failure_kind = kind
        self.next_retry_at = next_retry_at

    @transition(
        field=state,
        source=State.ERRED,
        target=State.EXECUTING,
        permission=may("orders.retry_order", is_provider_side),
    )
    def retry(self):
        self.error_message = ""
        self.error_traceback = ""
        self.erred_at = None
        self.failure_kind = ""
        self.next_retry_at = None
        self.completed_at = None

    @classmethod
    def transition_sources(cls, *names: str) -> tuple[str, ...]:
        """The states transitions ``names`` start from, read off the state machine itself."""
        states = {
            str(state) for name in names for state in getattr(cls, name)._django_fsm.transitions
        }
        return tuple(sorted(states))

    @property
    def is_manual(self) -> bool:
        return self.offering.type == Offering.Type.BASIC

    @property
    def is_cancelable(self) -> bool:
        """Pending orders; executing ones only where nothing was sent (manual offerings)."""
        return self.state != self.State.EXECUTING or self.is_manual


class OrderTransition(models.Model):
    """One state change of an order: who, when, from, to, why, and what it replaced.

    ``details`` keeps what the transition cleared (a retry's previous error message, traceback,
    failure and completion times), so clearing the current error never loses it.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(max_length=40)
    source_state = models.CharField(max_length=20, choices=Order.State.choices)
    target_state = models.CharField(max_length=20, choices=Order.State.choices)
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
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    ROW_FIELDS = (
        "order",
        "transition",
        "source_state",
        "target_state",
        "actor",
        "reason",
        "details",
        "created",
    )
    """A history row's fields, in the order the set-based services write them."""

    class Meta:
        ordering = ["created", "pk"]
        indexes = [
            models.Index(
                fields=["actor"],
                name="transition_actor",
                condition=models.Q(actor__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.source_state} -> {self.target_state}"

    @property
    def actor_label(self) -> str:
        return self.actor.get_username() if self.actor else "system"


class FailedOrder(Order):
    """The Failed orders queue of the admin: erred orders, with their own admin entry."""

    class Meta:
        proxy = True
        verbose_name = "failed order"
        verbose_name_plural = "failed orders"


class BulkOperation(models.Model):
    """A bulk action too large for one web request, run by a Celery worker.

    ``ids`` is the selection the operator confirmed (the orders' primary keys, in order), so the
    run acts on exactly what was shown; ``processed`` is how far through ``ids`` it has come,
    which lets a run whose worker died resume where it stopped (see ``orders.bulk``).
    """

    class Action(models.TextChoices):
        RESUBMIT = "resubmit", "Resubmit for provisioning"

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    action = models.CharField(max_length=20, choices=Action.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(
        default=dict, blank=True, help_text="The change list's filters and search when started."
    )
    ids = models.JSONField(default=list, blank=True, help_text="The selected orders' keys.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    resubmitted = models.PositiveIntegerField(default=0)
    skipped_by_reason = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker running it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of {self.total} orders ({self.state})"

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)
