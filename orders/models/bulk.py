"""Bulk operations: every person's resubmit, run in the background with progress, cancel and
resume; and the previews a resubmit is confirmed from."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class BulkOperation(models.Model):
    """A person's resubmit of orders, from the admin, the API, a command or the dashboard:
    every one is recorded and run by a worker (``orders.services.bulk``), so its progress can
    be followed, it can be cancelled, and a run whose worker died resumes where it stopped.

    ``selection`` is the set the operator confirmed, frozen when it was previewed (``frozen_at``):
    the orders' keys as ``[first, last]`` runs of consecutive keys, in order, so a million
    contiguous failures take a few numbers. The run takes it ``chunk_size`` keys at a time;
    each chunk's writes and its ``BulkOperationChunk`` row (the checkpoint: what it resubmitted
    and skipped) commit in one transaction, so a chunk is done once or not at all. An order
    changed since ``frozen_at`` (retried, edited, succeeded) is skipped and reported.
    """

    class Source(models.TextChoices):
        ADMIN = "admin", "Admin"
        API = "api", "API"
        COMMAND = "command", "Command (manage.py)"

    class Action(models.TextChoices):
        RESUBMIT = "resubmit", "Resubmit for provisioning"

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINISHED = (State.DONE, State.FAILED, State.CANCELLED)

    action = models.CharField(max_length=20, choices=Action.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    as_system = models.BooleanField(
        default=False, help_text="Run by the system (a command without --as), not a person."
    )
    filters = models.JSONField(
        default=dict, blank=True, help_text="The selection's filters and search when started."
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    selection = models.JSONField(
        default=list,
        blank=True,
        help_text="The confirmed orders' keys as [first, last] runs of consecutive keys.",
    )
    frozen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the selection was counted (the preview)."
    )
    chunk_size = models.PositiveIntegerField(default=1000)
    patch = models.JSONField(
        null=True,
        blank=True,
        help_text="A JSON Merge Patch on attributes applied to each order before it is sent "
        "again (edit many, then resend); none for a plain resubmit.",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    resubmitted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skipped_by_reason = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker running it."
    )
    runner = models.CharField(
        max_length=32,
        blank=True,
        help_text="The run that holds it now: a chunk of any other run is rolled back.",
    )
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk} of {self.total} orders ({self.state})"

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED


class BulkOperationChunk(models.Model):
    """One chunk of a bulk operation's run, written in the transaction of the chunk's own
    writes: the checkpoint a resumed run starts after, and the orders it sent again (appended
    chunk by chunk; never one growing list rewritten)."""

    operation = models.ForeignKey(BulkOperation, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField(help_text="Which chunk of the selection (0 first).")
    processed = models.PositiveIntegerField(default=0)
    resubmitted_ids = models.JSONField(default=list, blank=True)
    skipped_by_reason = models.JSONField(default=dict, blank=True)
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "seq"], name="bulk_chunk_once"),
        ]

    def __str__(self) -> str:
        return f"chunk {self.seq} of bulk operation {self.operation_id}"


class BulkPreview(models.Model):
    """A dry run's answer, frozen: the orders it counted (``selection``, as a bulk operation
    holds it), for its user only, until ``expires_at``. Confirming it with its ``token``
    starts a bulk operation on exactly that set."""

    token = models.CharField(max_length=64, unique=True)
    action = models.CharField(
        max_length=20, choices=BulkOperation.Action.choices, default=BulkOperation.Action.RESUBMIT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        max_length=20, choices=BulkOperation.Source.choices, default=BulkOperation.Source.API
    )
    filters = models.JSONField(default=dict, blank=True)
    selection = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    patch = models.JSONField(
        null=True, blank=True, help_text="A JSON Merge Patch on attributes applied before sending."
    )
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    operation = models.OneToOneField(
        BulkOperation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="preview",
        help_text="The operation it was confirmed into.",
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"preview of {self.total} orders by {self.requested_by_id}"


def runs_count(runs: list) -> int:
    """How many keys ``[first, last]`` runs hold."""
    return sum(last - first + 1 for first, last in runs)


def runs_slice(runs: list, start: int, count: int) -> list[int]:
    """The keys at positions ``start`` to ``start + count`` of ``runs``, in order."""
    keys: list[int] = []
    for first, last in runs:
        size = last - first + 1
        if start >= size:
            start -= size
            continue
        take = min(size - start, count - len(keys))
        keys.extend(range(first + start, first + start + take))
        start = 0
        if len(keys) == count:
            break
    return keys
