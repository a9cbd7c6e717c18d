"""Staff writes to an integration's maintenance windows: plan, move or extend, remove.

Nothing is sent to an integration during one of its windows; when the window ends, what it
held is released (``releases``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from integrations.models import Integration, MaintenanceWindow
from integrations.services.configuration import require_staff


@transaction.atomic
def maintenance_window_create(
    *, integration: Integration, actor, starts_at, ends_at, note: str = ""
) -> MaintenanceWindow:
    """Plan downtime of ``integration``: nothing is sent to it from ``starts_at`` to
    ``ends_at``. The single entry point for opening a window, so that whatever a window does
    to deliveries happens here too."""
    require_staff(actor, "integrations.change_integration", "plan maintenance windows")
    _check_window(starts_at, ends_at)
    return MaintenanceWindow.objects.create(
        integration=integration, starts_at=starts_at, ends_at=ends_at, note=note, created_by=actor
    )


def _check_window(starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise ApplicationError(
            "A maintenance window must end after it starts (ends_at > starts_at).",
            extra={"ends_at": ["Must be later than starts_at."]},
        )
    if ends_at <= timezone.now():
        raise ApplicationError(
            "This maintenance window is already over; ends_at must be in the future.",
            extra={"ends_at": ["Must be in the future."]},
        )


@transaction.atomic
def maintenance_window_update(
    *, window: MaintenanceWindow, actor, starts_at=None, ends_at=None, note: str | None = None
) -> MaintenanceWindow:
    """Move or extend a planned or running window (the remote side needs another half
    hour). A window that has ended and released its deliveries is history: plan a new one."""
    require_staff(actor, "integrations.change_integration", "change maintenance windows")
    if window.released_at is not None:
        raise ApplicationError(
            "This maintenance window has ended and its deliveries were released; plan a new "
            "one instead.",
            conflict=Conflict.STATE,
        )
    starts_at = window.starts_at if starts_at is None else starts_at
    ends_at = window.ends_at if ends_at is None else ends_at
    _check_window(starts_at, ends_at)
    window.starts_at, window.ends_at = starts_at, ends_at
    if note is not None:
        window.note = note
    window.save(update_fields=["starts_at", "ends_at", "note"])
    return window


@transaction.atomic
def maintenance_window_delete(*, window: MaintenanceWindow, actor) -> None:
    """Remove a planned (or running) window; the single entry point for ending one early."""
    require_staff(actor, "integrations.change_integration", "remove maintenance windows")
    window.delete()
