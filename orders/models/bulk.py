"""Bulk operations: every person's resubmit, and the background runs of large ones."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class BulkOperation(models.Model):
    """A person's resubmit of orders, from the admin, the API or a command: every one is
    recorded, so what became of the orders it sent again can be followed.

    A selection too large for one web request runs in the background, by a Celery worker:
    ``ids`` is the selection the operator confirmed (the orders' primary keys, in order), so
    the run acts on exactly what was shown; ``processed`` is how far through ``ids`` it has
    come, which lets a run whose worker died resume where it stopped (see
    ``orders.services.bulk``). One run at once records ``ids`` empty and is done when saved.
    ``resubmitted_ids`` are the orders it sent again, whatever their number.
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

    action = models.CharField(max_length=20, choices=Action.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(
        default=dict, blank=True, help_text="The change list's filters and search when started."
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    ids = models.JSONField(
        default=list, blank=True, help_text="The selected orders' keys (background runs)."
    )
    resubmitted_ids = models.JSONField(
        default=list, blank=True, help_text="The keys of the orders it sent again."
    )
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
        return f"{self.get_action_display()} #{self.pk} of {self.total} orders ({self.state})"

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)
