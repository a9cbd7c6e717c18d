"""The one error type for rule violations, raised by services and shown by every interface."""

from typing import Any


class ApplicationError(Exception):
    """A rule was violated; ``message`` says which, in words a user can act on.

    ``code`` tells interfaces how to present it: ``invalid`` (bad input, HTTP 400),
    ``forbidden`` (authenticated but not allowed, 403), ``not_found`` (outside the caller's
    scope, 404) and ``conflict`` (not allowed from the current state, or lost a race, 409).
    """

    STATUS_BY_CODE = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409}

    def __init__(self, message: str, *, code: str = "invalid", extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    @property
    def http_status(self) -> int:
        return self.STATUS_BY_CODE.get(self.code, 400)
