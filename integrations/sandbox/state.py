"""Shared, lock-protected state of the sandbox and the order POST pipeline."""

from __future__ import annotations

import copy
import dataclasses
import hmac
import json
import math
import random
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from integrations.sandbox.mode import (
    SandboxMode,
    normalize_forced_response,
    validate_mode_fields,
)

MAINTENANCE_RETRY_AFTER_SECONDS = 30  # the default of SandboxMode.maintenance_retry_after

_DEFAULT_ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    408: "request_timeout",
    409: "conflict",
    422: "unprocessable",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


@dataclass(frozen=True, slots=True)
class OrderResponse:
    """What the HTTP layer must do with one order POST; ``drop`` means answer nothing."""

    status: int = 0
    body: dict[str, Any] = dataclasses.field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False


DROPPED = OrderResponse(drop=True)
LOAD_COUNTS = ("requests", "in_flight", "peak_in_flight", "rate_limited", "already_accepted")


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **extra}


def default_error_code(status: int) -> str:
    return _DEFAULT_ERROR_CODES.get(status, f"http_{status}")


def _rate_limited(wait: float) -> OrderResponse:
    return OrderResponse(
        429,
        error_body("rate_limited", "Rate limit exceeded; slow down"),
        (("Retry-After", str(max(1, math.ceil(wait)))),),
    )


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _has_postal_code(order: dict[str, Any]) -> bool:
    attributes = order.get("attributes")
    address = attributes.get("shipping_address") if isinstance(attributes, dict) else None
    postal_code = address.get("postal_code") if isinstance(address, dict) else None
    return isinstance(postal_code, str) and bool(postal_code.strip())


def _parse_order(body: bytes) -> tuple[dict[str, Any] | None, str]:
    """Return the decoded order, or None and the reason it is not one."""
    try:
        order = json.loads(body)
    except ValueError as exc:
        return None, f"Request body is not valid JSON: {exc}"
    if not isinstance(order, dict):
        return None, "Request body must be a JSON object (the order)"
    return order, ""


@dataclass(frozen=True, slots=True)
class Arrival:
    """An order POST just arrived: wait ``latency_ms``, or answer ``limited`` at once (the
    rate limit said no)."""

    latency_ms: int = 0
    limited: OrderResponse | None = None


class _Bucket:
    """The rate limit: ``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: int, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.at = time.monotonic()

    def take(self) -> float:
        """0 if a token was taken, else the seconds until there is one."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class SandboxState:
    """Everything the sandbox remembers; every read and write holds ``_lock``.

    An order POST goes through ``arrive`` (counted; the rate limit; the latency to wait),
    ``forced_next`` (a one-shot forced response, with its delay), ``respond`` (the checks, in
    the documented order) and ``depart``; the HTTP layer does the waiting in between, so no
    thread sleeps, and ``stopping`` cuts the waits short when the server stops.
    """

    def __init__(self, *, token: str | None, mode: SandboxMode) -> None:
        self._lock = threading.Lock()
        self._expected_authorization = f"Bearer {token}".encode() if token else None
        self._mode = SandboxMode(**validate_mode_fields(mode.as_dict()))
        self._rng = random.Random(self._mode.seed)
        self._accepted: dict[str, dict[str, Any]] = {}
        self._send_counts: dict[str, int] = {}
        self._external_numbers = 0
        self._bucket = self._new_bucket()
        self._load = dict.fromkeys(LOAD_COUNTS, 0)
        self.stopping = threading.Event()

    def arrive(self, *, idempotency_key: str | None) -> Arrival:
        key = idempotency_key.strip() if idempotency_key else ""
        with self._lock:
            if key:
                self._send_counts[key] = self._send_counts.get(key, 0) + 1
            load = self._load
            load["requests"] += 1
            load["in_flight"] += 1
            load["peak_in_flight"] = max(load["peak_in_flight"], load["in_flight"])
            wait = self._bucket.take() if self._bucket else 0.0
            if wait:
                load["rate_limited"] += 1
                return Arrival(limited=_rate_limited(wait))
            return Arrival(latency_ms=self._mode.latency_ms)

    def forced_next(self) -> dict[str, Any] | None:
        with self._lock:
            return self._mode.forced.pop(0) if self._mode.forced else None

    def respond(
        self,
        *,
        idempotency_key: str | None,
        authorization: str | None,
        body: bytes,
        forced: dict[str, Any] | None,
    ) -> OrderResponse:
        """The answer after the waits: a forced one, or the checks of ``_decide``."""
        drop_after_processing = False
        if forced is not None:
            status = forced["status"]
            if status is not None and not 200 <= status < 300:
                return DROPPED if forced["drop"] else self._forced_response(forced)
            drop_after_processing = forced["drop"]
        key = idempotency_key.strip() if idempotency_key else ""
        order, json_problem = _parse_order(body)
        authorized = self._is_authorized(authorization)
        with self._lock:
            response = self._decide(
                key=key, order=order, json_problem=json_problem, authorized=authorized
            )
        return DROPPED if drop_after_processing else response

    def depart(self) -> None:
        with self._lock:
            self._load["in_flight"] -= 1

    def load(self) -> dict[str, int]:
        """Order POSTs since the last reset, those being answered now, the most at once, how
        many the rate limit refused, and how many came again for a key already accepted."""
        with self._lock:
            return dict(self._load)

    def _new_bucket(self) -> _Bucket | None:
        rate = self._mode.rate_limit_per_second
        return _Bucket(rate, self._mode.rate_limit_burst or rate) if rate else None

    def _decide(
        self,
        *,
        key: str,
        order: dict[str, Any] | None,
        json_problem: str,
        authorized: bool,
    ) -> OrderResponse:
        mode = self._mode
        if mode.maintenance:
            retry_after = mode.maintenance_retry_after
            return OrderResponse(
                503,
                error_body("maintenance", "Planned maintenance in progress"),
                () if retry_after is None else (("Retry-After", str(retry_after)),),
            )
        if not authorized:
            return OrderResponse(
                401,
                error_body("unauthorized", "Missing or invalid bearer token"),
                (("WWW-Authenticate", 'Bearer realm="fulfillment-sandbox"'),),
            )
        if not key:
            return OrderResponse(
                400,
                error_body("idempotency_key_missing", "The Idempotency-Key header is required"),
            )
        if order is None:
            return OrderResponse(400, error_body("invalid_json", json_problem))
        if mode.failure_rate and self._rng.random() < mode.failure_rate:
            return OrderResponse(500, error_body("internal_error", "Simulated internal error"))
        if mode.require_postal_code and not _has_postal_code(order):
            return OrderResponse(
                422,
                error_body(
                    "address_invalid",
                    "Shipping address needs a postal code",
                    field="attributes.shipping_address.postal_code",
                ),
            )
        accepted = self._accepted.get(key)
        if accepted is not None:
            self._load["already_accepted"] += 1
            return OrderResponse(
                409, error_body("already_accepted", "Order already accepted", id=accepted["id"])
            )
        self._external_numbers += 1
        external_id = f"SBX-{self._external_numbers:06d}"
        self._accepted[key] = {"id": external_id, "order": order}
        return OrderResponse(201, {"id": external_id, "status": "accepted"})

    def _is_authorized(self, authorization: str | None) -> bool:
        if self._expected_authorization is None:
            return True
        presented = (authorization or "").strip().encode()
        return hmac.compare_digest(presented, self._expected_authorization)

    @staticmethod
    def _forced_response(forced: dict[str, Any]) -> OrderResponse:
        status: int = forced["status"]
        headers: tuple[tuple[str, str], ...] = ()
        if forced["retry_after"] is not None:
            headers = (("Retry-After", str(forced["retry_after"])),)
        body = error_body(
            forced["code"] or default_error_code(status),
            forced["message"] or _status_phrase(status),
        )
        return OrderResponse(status, body, headers)

    def mode(self) -> SandboxMode:
        with self._lock:
            return copy.deepcopy(self._mode)

    def update_mode(self, fields: dict[str, Any]) -> SandboxMode:
        """Apply a partial mode; a ``seed`` in it re-seeds the failure generator."""
        cleaned = validate_mode_fields(fields)
        with self._lock:
            self._mode = dataclasses.replace(self._mode, **cleaned)
            if "seed" in cleaned:
                self._rng.seed(cleaned["seed"])
            if {"rate_limit_per_second", "rate_limit_burst"} & set(cleaned):
                self._bucket = self._new_bucket()
            return copy.deepcopy(self._mode)

    def force(self, *responses: dict[str, Any]) -> int:
        """Queue forced responses after those already queued; return the queue length."""
        normalized = [normalize_forced_response(response) for response in responses]
        with self._lock:
            self._mode.forced.extend(normalized)
            return len(self._mode.forced)

    def reset(self) -> None:
        """Forget orders, counts and forced responses and return to the default mode.

        External ids keep counting up, so ids handed out before a reset stay unique.
        """
        with self._lock:
            self._mode = SandboxMode()
            self._rng = random.Random()
            self._accepted.clear()
            self._send_counts.clear()
            self._bucket = None
            self._load = dict.fromkeys(LOAD_COUNTS, 0) | {"in_flight": self._load["in_flight"]}

    def accepted(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._accepted)

    def send_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._send_counts)

    def snapshot(self) -> dict[str, Any]:
        """The document served by ``GET /_sandbox/state``.

        ``duplicate_sends`` counts every POST beyond the first for the same key.
        """
        with self._lock:
            return {
                "mode": self._mode.as_dict(),
                "accepted": copy.deepcopy(self._accepted),
                "send_counts": dict(self._send_counts),
                "accepted_count": len(self._accepted),
                "duplicate_sends": sum(count - 1 for count in self._send_counts.values()),
            }
