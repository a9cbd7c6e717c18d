"""Behaviour switches of the fulfillment sandbox and their validation."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

FORCED_RESPONSE_FIELDS: tuple[str, ...] = (
    "status",
    "retry_after",
    "code",
    "message",
    "delay_ms",
    "drop",
)


class SandboxConfigError(ValueError):
    """A mode field or forced response was rejected; ``field`` names the culprit."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class SandboxMode:
    """How the sandbox answers order POSTs.

    ``forced`` is a queue of one-shot responses consumed one per order POST, each a dict
    with the keys of ``FORCED_RESPONSE_FIELDS`` (see ``normalize_forced_response``).
    """

    maintenance: bool = False
    maintenance_retry_after: int | None = 30
    failure_rate: float = 0.0
    latency_ms: int = 0
    require_postal_code: bool = False
    seed: int | None = None
    rate_limit_per_second: int | None = None
    rate_limit_burst: int | None = None
    forced: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


MODE_FIELDS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(SandboxMode))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise SandboxConfigError(name, f"{name} must be a boolean, got {value!r}")
    return value


def _require_non_negative_int(name: str, value: object, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not _is_int(value) or value < 0:
        allowed = "a non-negative integer or null" if optional else "a non-negative integer"
        raise SandboxConfigError(name, f"{name} must be {allowed}, got {value!r}")
    return value


def _require_optional_str(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SandboxConfigError(name, f"{name} must be a string or null, got {value!r}")
    return value


def normalize_forced_response(entry: object) -> dict[str, Any]:
    """Validate one forced response and fill in every key.

    ``status`` None or 2xx lets the order through the regular pipeline (after
    ``delay_ms``); with ``drop`` the order is then processed but its answer is never
    sent, which is how a lost response after a successful push is simulated. Any other
    status is answered as is, or the connection is dropped before processing when
    ``drop`` is set.
    """
    if not isinstance(entry, dict):
        raise SandboxConfigError("forced", f"a forced response must be an object, got {entry!r}")
    unknown = sorted(set(entry) - set(FORCED_RESPONSE_FIELDS))
    if unknown:
        raise SandboxConfigError(
            f"forced.{unknown[0]}",
            f"unknown forced response field {unknown[0]!r}; "
            f"allowed: {', '.join(FORCED_RESPONSE_FIELDS)}",
        )
    status = entry.get("status")
    if status is not None and (not _is_int(status) or not 200 <= status <= 599):
        raise SandboxConfigError(
            "forced.status", f"forced.status must be an HTTP status 200-599, got {status!r}"
        )
    return {
        "status": status,
        "retry_after": _require_non_negative_int(
            "forced.retry_after", entry.get("retry_after"), optional=True
        ),
        "code": _require_optional_str("forced.code", entry.get("code")),
        "message": _require_optional_str("forced.message", entry.get("message")),
        "delay_ms": _require_non_negative_int(
            "forced.delay_ms", entry.get("delay_ms"), optional=True
        ),
        "drop": _require_bool("forced.drop", entry.get("drop", False)),
    }


def normalize_forced_responses(entries: object) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise SandboxConfigError("forced", f"forced must be a list of objects, got {entries!r}")
    return [normalize_forced_response(entry) for entry in entries]


def validate_mode_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Check a partial mode update and return it with normalized values."""
    unknown = sorted(set(fields) - MODE_FIELDS)
    if unknown:
        raise SandboxConfigError(
            unknown[0],
            f"unknown mode field {unknown[0]!r}; allowed: {', '.join(sorted(MODE_FIELDS))}",
        )
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("maintenance", "require_postal_code"):
            cleaned[name] = _require_bool(name, value)
        elif name == "failure_rate":
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise SandboxConfigError(name, f"failure_rate must be a number, got {value!r}")
            if not 0.0 <= value <= 1.0:
                raise SandboxConfigError(
                    name, f"failure_rate must be between 0 and 1, got {value!r}"
                )
            cleaned[name] = float(value)
        elif name == "latency_ms":
            cleaned[name] = _require_non_negative_int(name, value)
        elif name == "maintenance_retry_after":
            cleaned[name] = _require_non_negative_int(name, value, optional=True)
        elif name in ("rate_limit_per_second", "rate_limit_burst"):
            if value is not None and (not _is_int(value) or value < 1):
                raise SandboxConfigError(
                    name, f"{name} must be a whole number of 1 or more, or null, got {value!r}"
                )
            cleaned[name] = value
        elif name == "seed":
            if value is not None and not _is_int(value):
                raise SandboxConfigError(name, f"seed must be an integer or null, got {value!r}")
            cleaned[name] = value
        else:
            cleaned[name] = normalize_forced_responses(value)
    return cleaned
