"""The API reads JSON bodies only, through one parser with the limits every body shares.

A form-encoded or multipart body is a 415 (a form cannot say ``null`` or a number, and the
dashboard and scripts send JSON). Beyond what ``json`` refuses, the parser refuses a body
nested deeper than ``MAX_DEPTH`` (deep enough for any real payload, shallow enough that no
serializer recurses into trouble) and a NUL character in any text or key (PostgreSQL cannot
store one), naming where it is. The body's size is capped by ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(a 413; see ``core.api.exceptions``).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, parsers
from rest_framework.utils.json import strict_constant

MAX_DEPTH = 32


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "The request body is too large."


def too_large() -> BodyTooLarge:
    return BodyTooLarge(
        f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
    )


def _problem(value, path: str, depth: int) -> tuple[str, str] | None:
    """The first (place, problem) in a parsed body, or None."""
    if depth > MAX_DEPTH:
        return path, f"Nested more than {MAX_DEPTH} levels deep."
    if isinstance(value, str):
        return (path, "Text may not contain NUL (\\u0000) characters.") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            place = f"{path}.{key}" if path else key
            if "\x00" in key:
                return path or "non_field_errors", "A key may not contain NUL (\\u0000)."
            found = _problem(item, place, depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _problem(item, f"{path}[{index}]" if path else f"[{index}]", depth + 1)
            if found:
                return found
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and str(declared or "0").isdigit() and int(declared or 0) > limit:
            raise too_large()
        try:
            raw = stream.read(limit + 1 if limit is not None else -1) if stream else b""
        except RequestDataTooBig:
            raise too_large() from None
        if limit is not None and len(raw) > limit:
            raise too_large()
        try:
            text = raw.decode(context.get("encoding") or settings.DEFAULT_CHARSET)
            data = json.loads(text, parse_constant=strict_constant)
        except UnicodeDecodeError:
            raise exceptions.ParseError("The body is not UTF-8 text.") from None
        except RecursionError:
            raise exceptions.ParseError(
                f"The body is nested more than {MAX_DEPTH} levels deep."
            ) from None
        except ValueError as error:
            raise exceptions.ParseError(f"The body is not valid JSON: {error}") from None
        found = _problem(data, "", 0)
        if found:
            place, problem = found
            field = place.split(".")[0].split("[")[0] or "non_field_errors"
            message = problem if place == field else f"{place}: {problem}"
            raise exceptions.ValidationError({field: [message]})
        return data
