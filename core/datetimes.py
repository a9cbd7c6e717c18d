"""The one reading of a date-time that comes from outside: API bodies and query parameters,
the admin's and the commands' selection flags.

ISO 8601, as Django reads it (``2026-05-01T09:30:00+02:00``, ``2026-05-01 09:30``, a date alone
for its midnight). A value without an offset is UTC. Offsets run to ±14:00, as real time zones
do (Python would read up to ±23:59, PostgreSQL takes at most ±15:59). Every value comes back
aware and in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils.dateparse import parse_datetime

MAX_OFFSET = timedelta(hours=14)

HELP = "ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00."


class DateTimeInputError(ValueError):
    """``str(error)`` says what is wrong, in words for the person who typed the value."""


def parse_datetime_input(value: str | datetime) -> datetime:
    """``value`` as an aware UTC date-time, or ``DateTimeInputError`` naming the problem."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = parse_datetime(text) if "\x00" not in text else None
        except ValueError:  # well-formed but impossible: 2026-02-30
            raise DateTimeInputError(f"{text!r} is not a date that exists.") from None
        if parsed is None:
            raise DateTimeInputError(
                f"{text[:40]!r} is not an ISO 8601 date-time "
                "(for example 2026-05-01T09:30:00+02:00)."
            )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    offset = parsed.utcoffset()
    if abs(offset) > MAX_OFFSET:
        hours, minutes = divmod(abs(offset) // timedelta(minutes=1), 60)
        sign = "-" if offset < timedelta(0) else "+"
        raise DateTimeInputError(
            f"The offset {sign}{hours:02}:{minutes:02} is beyond every time zone; "
            "use one from -14:00 to +14:00."
        )
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise DateTimeInputError(
            "This date-time is too close to the ends of the calendar."
        ) from None
