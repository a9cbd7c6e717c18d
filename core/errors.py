"""The one error type for rule violations, raised by services and shown by every interface."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """How an interface presents a refusal (the API's ``code`` and HTTP status)."""

    INVALID = "invalid"  # bad input, 400
    FORBIDDEN = "forbidden"  # authenticated but not allowed, 403
    NOT_FOUND = "not_found"  # outside the caller's scope, 404
    CONFLICT = "conflict"  # not allowed from the current state, or lost a race, 409


class Conflict(StrEnum):
    """Why a ``conflict`` happened, for callers that treat the two differently."""

    STATE = "state"  # the object's current state does not allow it
    CHANGED = "changed"  # someone else changed the object at the same time


STATUS_BY_CODE = {
    ErrorCode.INVALID: 400,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
}


class ApplicationError(Exception):
    """A rule was violated; ``message`` says which, in words a user can act on.

    ``code`` tells interfaces how to present it (``ErrorCode``); ``extra`` carries the
    context (field errors, the current state); ``conflict`` says why a conflict happened.
    """

    STATUS_BY_CODE = STATUS_BY_CODE

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.INVALID,
        extra: dict[str, Any] | None = None,
        conflict: Conflict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = ErrorCode(code)
        self.extra = extra or {}
        self.conflict = conflict
        if conflict is not None:
            self.code = ErrorCode.CONFLICT

    @property
    def http_status(self) -> int:
        return STATUS_BY_CODE[self.code]
