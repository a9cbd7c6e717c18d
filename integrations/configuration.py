"""Staff writes to an integration's configuration and its maintenance windows.

The rules for a sound configuration live here, once, for every interface: an HTTP push
integration needs a URL, a timeout is positive, backoff grows (factor >= 1), jitter is a
fraction, every wait is positive. A rule broken raises ``ApplicationError`` whose ``extra``
maps each field to its problems, the shape of a form's field errors. The runtime state (the
breaker's state, failure counts, probe time) is the system's and not editable here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from integrations.models import Integration, MaintenanceWindow
from integrations.recovery import RESEND_ON_CHANGE, integration_fixed
from orders.errors import ApplicationError

CONFIG_FIELDS = (
    "name",
    "backend",
    "endpoint_url",
    "credential_env_var",
    "mapping",
    "timeout_seconds",
    "enabled",
    "retry_policy",
    "retry_interval",
    "backoff_base",
    "backoff_factor",
    "backoff_cap",
    "backoff_jitter",
    "max_retry_age",
    "max_attempts",
    "breaker_threshold",
    "breaker_cooldown",
    "release_per_minute",
)
DURATION_FIELDS = (
    "retry_interval",
    "backoff_base",
    "backoff_cap",
    "max_retry_age",
    "breaker_cooldown",
)
AT_LEAST_ONE = ("max_attempts", "breaker_threshold", "release_per_minute")
LONGEST_DURATION = timedelta(days=365)
MAX_TIMEOUT_SECONDS = 3600
MAX_BACKOFF_FACTOR = 100
LARGEST_COUNT = 2_147_483_647  # PostgreSQL integer
ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _problems(values: dict[str, Any], *, pk: int | None) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def bad(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    name = (values.get("name") or "").strip()
    if not name:
        bad("name", "An integration needs a name.")
    elif Integration.objects.filter(name=name).exclude(pk=pk).exists():
        bad("name", f"An integration named {name!r} already exists.")
    if values.get("backend") not in Integration.Backend.values:
        bad("backend", f"Use one of {', '.join(Integration.Backend.values)}.")
    if values.get("backend") == Integration.Backend.HTTP_PUSH and not values.get("endpoint_url"):
        bad("endpoint_url", "An http_push integration needs the URL to send orders to.")
    env_var = values.get("credential_env_var") or ""
    if env_var and not ENV_VAR_NAME.match(env_var):
        bad(
            "credential_env_var",
            "Give the name of the environment variable that holds the credential (letters, "
            "digits and _), never the credential itself.",
        )
    mapping = values.get("mapping")
    if mapping is not None and not (
        isinstance(mapping, dict)
        and all(isinstance(table, dict) for table in mapping.values())
        and all(isinstance(v, str | int) for t in mapping.values() for v in t.values())
    ):
        bad(
            "mapping",
            'A mapping is an object of objects: {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}.',
        )
    timeout = values.get("timeout_seconds")
    if not isinstance(timeout, int | float) or not 0 < timeout <= MAX_TIMEOUT_SECONDS:
        bad(
            "timeout_seconds",
            f"The timeout must be a number of seconds above 0, at most {MAX_TIMEOUT_SECONDS}.",
        )
    factor = values.get("backoff_factor")
    if not isinstance(factor, int | float) or not 1 <= factor <= MAX_BACKOFF_FACTOR:
        bad(
            "backoff_factor",
            f"The backoff factor must be from 1 (each wait no shorter) to {MAX_BACKOFF_FACTOR}.",
        )
    jitter = values.get("backoff_jitter")
    if not isinstance(jitter, int | float) or not 0 <= jitter <= 1:
        bad("backoff_jitter", "Jitter is a fraction of each wait, from 0 to 1.")
    for field in DURATION_FIELDS:
        duration = values.get(field)
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            bad(field, f"{field} must be a positive duration.")
        elif duration > LONGEST_DURATION:
            bad(field, f"{field} must be at most {LONGEST_DURATION.days} days.")
    base, cap = values.get("backoff_base"), values.get("backoff_cap")
    if isinstance(base, timedelta) and isinstance(cap, timedelta) and cap < base:
        bad("backoff_cap", "The longest wait (backoff_cap) must be at least backoff_base.")
    for field in AT_LEAST_ONE:
        number = values.get(field)
        if (number is not None or field != "max_attempts") and (
            not isinstance(number, int) or not 1 <= number <= LARGEST_COUNT
        ):
            bad(field, f"{field} must be a whole number from 1 to {LARGEST_COUNT}.")
    return problems


def integration_check(values: dict[str, Any], *, pk: int | None = None) -> None:
    """Raise ``ApplicationError`` naming each field of ``values`` that breaks a rule."""
    problems = _problems(values, pk=pk)
    if problems:
        described = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in problems.items())
        raise ApplicationError(f"Invalid integration settings: {described}", extra=problems)


def _require_staff(actor, permission: str, what: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff and actor.has_perm(permission)):
        raise ApplicationError(f"Only staff can {what}.", code="forbidden")


def _unknown(data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(CONFIG_FIELDS))
    if unknown:
        raise ApplicationError(
            f"Cannot set {', '.join(unknown)}; settable fields: {', '.join(CONFIG_FIELDS)}.",
            extra={field: ["Not a settable field."] for field in unknown},
        )


@transaction.atomic
def integration_create(*, actor, data: dict[str, Any]) -> Integration:
    """Create an integration from ``data`` (any of ``CONFIG_FIELDS``; the rest get defaults)."""
    _require_staff(actor, "integrations.add_integration", "create integrations")
    _unknown(data)
    integration = Integration(**data)
    integration_check({field: getattr(integration, field) for field in CONFIG_FIELDS})
    integration.save()
    return integration


@transaction.atomic
def integration_update(*, integration: Integration, actor, data: dict[str, Any]) -> Integration:
    """Change the fields in ``data``; the result as a whole must still be sound."""
    _require_staff(actor, "integrations.change_integration", "change integrations")
    _unknown(data)
    values = {field: getattr(integration, field) for field in CONFIG_FIELDS} | data
    integration_check(values, pk=integration.pk)
    changed = {field for field, value in data.items() if getattr(integration, field) != value}
    for field, value in data.items():
        setattr(integration, field, value)
    if data:
        integration.save(update_fields=list(data))
    if changed:
        integration_fixed(integration=integration, changed=changed, actor=actor)
    return integration


@transaction.atomic
def integration_resend_waiting(*, integration: Integration, actor) -> int:
    """A person says the integration is fixed outside Redrive (a credential changed in the
    environment, a mapping fixed on the remote side): resend its orders waiting on a
    credentials, configuration or mapping error. Returns how many were sent again."""
    _require_staff(actor, "integrations.change_integration", "resend an integration's orders")
    return integration_fixed(integration=integration, changed=set(RESEND_ON_CHANGE), actor=actor)


@transaction.atomic
def maintenance_window_create(
    *, integration: Integration, actor, starts_at, ends_at, note: str = ""
) -> MaintenanceWindow:
    """Plan downtime of ``integration``: nothing is sent to it from ``starts_at`` to
    ``ends_at``. The single entry point for opening a window, so that whatever a window does
    to deliveries happens here too."""
    _require_staff(actor, "integrations.change_integration", "plan maintenance windows")
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
    _require_staff(actor, "integrations.change_integration", "change maintenance windows")
    if window.released_at is not None:
        raise ApplicationError(
            "This maintenance window has ended and its deliveries were released; plan a new "
            "one instead.",
            code="conflict",
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
    _require_staff(actor, "integrations.change_integration", "remove maintenance windows")
    window.delete()
