"""Writes to an integration's maintenance windows: plan, move or extend, end now, remove.

Nothing is sent to an integration during one of its windows; when the window ends, what it
held is released (``releases``). Staff plan windows for any integration; an organization
owner (``change_integration_limits``, the permission that lets them set the limits) for the
integrations their offerings use: they know when their remote system is down. Windows may
overlap (one that follows another at once releases when the last one ends).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, Conflict, ErrorCode
from integrations.models import Integration, MaintenanceWindow
from integrations.selectors import integration_list
from integrations.services.releases import windows_close_ended

PLANNERS = "staff, and the owners of the organizations whose offerings use the integration,"


def require_planner(actor, integration: Integration, what: str) -> None:
    """Staff with ``change_integration``, or a provider with ``change_integration_limits``
    for an integration their offerings use; ``ApplicationError`` (403) for anyone else."""
    if not (actor and actor.is_authenticated and actor.is_active):
        raise ApplicationError("Authentication is required.", code=ErrorCode.FORBIDDEN)
    if actor.is_staff and actor.has_perm("integrations.change_integration"):
        return
    if actor.has_perm("integrations.change_integration_limits") and (
        integration_list(user=actor).filter(pk=integration.pk).exists()
    ):
        return
    raise ApplicationError(f"Only {PLANNERS} can {what}.", code=ErrorCode.FORBIDDEN)


@transaction.atomic
def maintenance_window_create(
    *, integration: Integration, actor, starts_at, ends_at, note: str = ""
) -> MaintenanceWindow:
    """Plan downtime of ``integration``: nothing is sent to it from ``starts_at`` to
    ``ends_at``. The single entry point for opening a window, so that whatever a window does
    to deliveries happens here too."""
    require_planner(actor, integration, "plan maintenance windows")
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


def _locked_unended(window: MaintenanceWindow, now) -> MaintenanceWindow:
    """``window`` locked, refused (409) once it has ended: its deliveries are released, or
    will be within seconds, and it is history; plan a new one."""
    locked = MaintenanceWindow.objects.select_for_update().get(pk=window.pk)
    if locked.released_at is not None or locked.ends_at <= now:
        raise ApplicationError(
            f"This maintenance window ended at {locked.ends_at:%Y-%m-%d %H:%M} UTC (what it "
            "held is released as it ends) and cannot be changed; plan a new one instead.",
            conflict=Conflict.STATE,
            extra={"ends_at": locked.ends_at.isoformat()},
        )
    return locked


def _copy(locked: MaintenanceWindow, window: MaintenanceWindow) -> MaintenanceWindow:
    for name in ("starts_at", "ends_at", "note", "released_at"):
        setattr(window, name, getattr(locked, name))
    return window


@transaction.atomic
def maintenance_window_update(
    *, window: MaintenanceWindow, actor, starts_at=None, ends_at=None, note: str | None = None
) -> MaintenanceWindow:
    """Move or extend a planned or running window (the remote side needs another half
    hour). A window that has ended is history: plan a new one (409). The window is locked,
    so a concurrent end or release waits for this change."""
    require_planner(actor, window.integration, "change maintenance windows")
    locked = _locked_unended(window, timezone.now())
    starts_at = locked.starts_at if starts_at is None else starts_at
    ends_at = locked.ends_at if ends_at is None else ends_at
    _check_window(starts_at, ends_at)
    locked.starts_at, locked.ends_at = starts_at, ends_at
    if note is not None:
        locked.note = note
    locked.save(update_fields=["starts_at", "ends_at", "note"])
    return _copy(locked, window)


@dataclass
class WindowEnd:
    window: MaintenanceWindow
    released: int
    """Deliveries and orders sent again by the release that followed (every window that had
    ended by then, as the release tick does; usually just this one)."""


def maintenance_window_end(*, window: MaintenanceWindow, actor) -> WindowEnd:
    """End a running window now, then release what it held as its end would have.

    Ending it (``ends_at`` moved to now) is one transaction; the release that follows is the
    release tick's own (``windows_close_ended``), which takes each ended window once, so a tick
    running at the same moment does not release twice. A window not started yet is not
    ended (409): move it, or remove it.
    """
    now = timezone.now()
    with transaction.atomic():
        require_planner(actor, window.integration, "end maintenance windows")
        locked = _locked_unended(window, now)
        if locked.starts_at >= now:
            raise ApplicationError(
                f"This maintenance window has not started (it starts at "
                f"{locked.starts_at:%Y-%m-%d %H:%M} UTC); move it or remove it instead.",
                conflict=Conflict.STATE,
                extra={"starts_at": locked.starts_at.isoformat()},
            )
        locked.ends_at = now
        locked.save(update_fields=["ends_at"])
    _, released = windows_close_ended(now=now)
    return WindowEnd(
        window=_copy(MaintenanceWindow.objects.get(pk=window.pk), window), released=released
    )


@transaction.atomic
def maintenance_window_delete(*, window: MaintenanceWindow, actor) -> None:
    """Remove a planned (or running) window. Removing a running one lets its held deliveries
    go at the next release tick; ``maintenance_window_end`` releases them at once."""
    require_planner(actor, window.integration, "remove maintenance windows")
    window.delete()
