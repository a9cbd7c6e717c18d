"""Staff writes to an integration's configuration.

The rules for a sound configuration live here, once, for every interface: an HTTP push
integration needs a URL, a timeout is positive, backoff grows (factor >= 1), jitter is a
fraction, every wait is positive. A rule broken raises ``ApplicationError`` whose ``extra``
maps each field to its problems, the shape of a form's field errors. The runtime state (the
breaker's state, failure counts, probe time) is the system's and not editable here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import chain
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from core.errors import ApplicationError, ErrorCode
from integrations.codes import RESEND_ON_CHANGE
from integrations.models import Integration
from integrations.selectors import integration_list
from integrations.services.resends import integration_fixed, orders_waiting_on
from orders.models import Trigger
from orders.roles import provider_scope
from orders.services import ResubmitResult, orders_resubmit

RETRY_FIELDS = (
    "retry_policy",
    "retry_interval",
    "backoff_base",
    "backoff_factor",
    "backoff_cap",
    "backoff_jitter",
    "max_retry_age",
    "max_attempts",
)
LIMIT_FIELDS = ("max_in_flight", "max_per_second")
CONFIG_FIELDS = (
    "name",
    "backend",
    "endpoint_url",
    "credential_env_var",
    "mapping",
    "timeout_seconds",
    "enabled",
    *RETRY_FIELDS,
    "breaker_threshold",
    "breaker_cooldown",
    *LIMIT_FIELDS,
)
DURATION_FIELDS = (
    "retry_interval",
    "backoff_base",
    "backoff_cap",
    "max_retry_age",
    "breaker_cooldown",
)
AT_LEAST_ONE = ("max_attempts", "breaker_threshold", "max_in_flight", "max_per_second")
LONGEST_DURATION = timedelta(days=365)
MAX_TIMEOUT_SECONDS = 3600
MAX_BACKOFF_FACTOR = 100
LARGEST_COUNT = 2_147_483_647  # PostgreSQL integer
ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


Problems = dict[str, list[str]]


def without_credentials(url: str) -> str:
    """``url`` with any user name and password shown as ``***`` (set before they were refused;
    see ``_identity``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def _problems(values: dict[str, Any], *, pk: int | None) -> Problems:
    problems: Problems = {}
    for check in (_identity, _credential_and_mapping, _numbers, _durations, _counts):
        for field, message in check(values, pk=pk):
            problems.setdefault(field, []).append(message)
    return problems


def _identity(values: dict[str, Any], *, pk: int | None):
    """A unique name, a known backend, and a URL for what pushes over HTTP."""
    name = (values.get("name") or "").strip()
    if not name:
        yield "name", "An integration needs a name."
    elif Integration.objects.filter(name=name).exclude(pk=pk).exists():
        yield "name", f"An integration named {name!r} already exists."
    if values.get("backend") not in Integration.Backend.values:
        yield "backend", f"Use one of {', '.join(Integration.Backend.values)}."
    url = values.get("endpoint_url") or ""
    if values.get("backend") == Integration.Backend.HTTP_PUSH and not url:
        yield "endpoint_url", "An http_push integration needs the URL to send orders to."
    if "@" in urlsplit(url).netloc:
        yield (
            "endpoint_url",
            "Leave the user name and password out of the URL: put the credential in an "
            "environment variable and give its name as credential_env_var.",
        )


def _credential_and_mapping(values: dict[str, Any], **_):
    """The credential's variable by name (never the credential); a mapping of mappings."""
    env_var = values.get("credential_env_var") or ""
    if env_var and not ENV_VAR_NAME.match(env_var):
        yield (
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
        yield (
            "mapping",
            'A mapping is an object of objects: {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}.',
        )


def _numbers(values: dict[str, Any], **_):
    """Timeout, backoff factor and jitter in range."""
    timeout = values.get("timeout_seconds")
    if not isinstance(timeout, int | float) or not 0 < timeout <= MAX_TIMEOUT_SECONDS:
        yield (
            "timeout_seconds",
            f"The timeout must be a number of seconds above 0, at most {MAX_TIMEOUT_SECONDS}.",
        )
    factor = values.get("backoff_factor")
    if not isinstance(factor, int | float) or not 1 <= factor <= MAX_BACKOFF_FACTOR:
        yield (
            "backoff_factor",
            f"The backoff factor must be from 1 (each wait no shorter) to {MAX_BACKOFF_FACTOR}.",
        )
    jitter = values.get("backoff_jitter")
    if not isinstance(jitter, int | float) or not 0 <= jitter <= 1:
        yield "backoff_jitter", "Jitter is a fraction of each wait, from 0 to 1."


def _counts(values: dict[str, Any], **_):
    """Attempts (if limited), breaker threshold and the limits: whole, at least 1."""
    for field in AT_LEAST_ONE:
        number = values.get(field)
        if (number is not None or field != "max_attempts") and (
            not isinstance(number, int) or not 1 <= number <= LARGEST_COUNT
        ):
            yield field, f"{field} must be a whole number from 1 to {LARGEST_COUNT}."


def _durations(values: dict[str, Any], **_):
    """Every wait positive and at most a year; the longest backoff at least the first."""
    for field in DURATION_FIELDS:
        duration = values.get(field)
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            yield field, f"{field} must be a positive duration."
        elif duration > LONGEST_DURATION:
            yield field, f"{field} must be at most {LONGEST_DURATION.days} days."
    base, cap = values.get("backoff_base"), values.get("backoff_cap")
    if isinstance(base, timedelta) and isinstance(cap, timedelta) and cap < base:
        yield "backoff_cap", "The longest wait (backoff_cap) must be at least backoff_base."


def integration_check(values: dict[str, Any], *, pk: int | None = None) -> None:
    """Raise ``ApplicationError`` naming each field of ``values`` that breaks a rule."""
    problems = _problems(values, pk=pk)
    if problems:
        described = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in problems.items())
        raise ApplicationError(f"Invalid integration settings: {described}", extra=problems)


def require_staff(actor, permission: str, what: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff and actor.has_perm(permission)):
        raise ApplicationError(f"Only staff can {what}.", code=ErrorCode.FORBIDDEN)


def _require_provider_of(actor, integration: Integration) -> None:
    allowed = (
        actor
        and actor.is_authenticated
        and actor.has_perm("integrations.change_integration_limits")
    )
    if not (allowed and integration_list(user=actor).filter(pk=integration.pk).exists()):
        raise ApplicationError(
            "Only staff, and the owners of the organizations whose offerings use it, can "
            "change an integration's limits.",
            code=ErrorCode.FORBIDDEN,
        )


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
    require_staff(actor, "integrations.add_integration", "create integrations")
    _unknown(data)
    integration = Integration(**data)
    integration_check({field: getattr(integration, field) for field in CONFIG_FIELDS})
    integration.save()
    return integration


@transaction.atomic
def integration_update(*, integration: Integration, actor, data: dict[str, Any]) -> Integration:
    """Change the fields in ``data``; the result as a whole must still be sound.

    Staff change anything. A provider (``change_integration_limits``: organization owners)
    may change only the limits (``LIMIT_FIELDS``) of an integration their offerings use: they
    know what their remote system takes.
    """
    if set(data) <= set(LIMIT_FIELDS) and not (actor and actor.is_staff):
        _require_provider_of(actor, integration)
    else:
        require_staff(actor, "integrations.change_integration", "change integrations")
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


def integration_waiting_resend(*, integration: Integration, actor) -> ResubmitResult:
    """A person says the integration is fixed outside Redrive (a credential changed in the
    environment, a mapping fixed on the remote side): resend its orders waiting on a
    credentials, configuration or mapping error. Staff resend every such order; an owner or
    manager (``orders.resubmit_order``) of an offering using the integration resends those of
    their offerings (``orders_resubmit`` keeps to the actor's scope, and records them as the
    actor). Not one transaction: ``orders_resubmit`` applies each batch whole."""
    if not (actor and actor.is_authenticated and actor.is_active):
        raise ApplicationError("Authentication is required.", code=ErrorCode.FORBIDDEN)
    if not (actor.is_staff or integration_list(user=actor).filter(pk=integration.pk).exists()):
        raise ApplicationError(
            "Only staff, and the owners and managers of the offerings that use it, can resend "
            "an integration's waiting orders.",
            code=ErrorCode.FORBIDDEN,
        )
    waiting = orders_waiting_on(
        integration=integration, error_codes=tuple(sorted(set(chain(*RESEND_ON_CHANGE.values()))))
    )
    if not actor.is_staff:
        waiting = waiting.filter(provider_scope(actor))
    return orders_resubmit(
        orders=waiting, actor=actor, trigger=Trigger.EDIT, integration_ids=[integration.pk]
    )


def integration_resend_waiting(*, integration: Integration, actor) -> int:
    """``integration_waiting_resend``, counted: how many were sent again."""
    return integration_waiting_resend(integration=integration, actor=actor).resubmitted
