"""Log formatters: readable lines for a terminal, one JSON object per line for a log pipeline.

``LOG_FORMAT=json`` selects ``JsonFormatter`` (see ``LOGGING`` in config/settings.py). Both
render the fields a log call passes in ``extra={...}``: every line about a send carries
``order_number``, ``order_uuid``, ``delivery``, ``integration``, ``attempt`` and ``trigger``
(integrations/services/logs.py), so one order's whole story can be found by any of them.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from uuid import UUID

_BLANK_RECORD = logging.LogRecord("", logging.INFO, "", 0, "", (), None)
STANDARD_ATTRIBUTES = frozenset(vars(_BLANK_RECORD)) | {"message", "asctime", "taskName"}
SCALARS = (str, int, float, bool, UUID, type(None))


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """What the call passed in ``extra``: the record's attributes that logging did not set."""
    return {
        name: value
        for name, value in vars(record).items()
        if name not in STANDARD_ATTRIBUTES and not name.startswith("_")
    }


_NEEDS_QUOTES = re.compile(r'[\s"=]')


def _shown(value: object) -> str:
    text = "-" if value is None else str(value)
    return json.dumps(text) if (not text or _NEEDS_QUOTES.search(text)) else text


class ReadableFormatter(logging.Formatter):
    """``2026-05-01 12:00:00,123 INFO integrations.services attempt 2 ... [order_number=RD-...
    delivery=7 ...]``: the message, then its scalar extra fields as ``key=value``."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, **kwargs) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s %(message)s", datefmt, **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = [
            f"{name}={_shown(value)}"
            for name, value in extra_fields(record).items()
            if isinstance(value, SCALARS)
        ]
        return f"{line} [{' '.join(fields)}]" if fields else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
    every extra field (values JSON cannot hold are written as text), and ``exc_info`` with the
    traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in extra_fields(record).items():
            payload.setdefault(name, value)
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(payload, default=str, ensure_ascii=False)
