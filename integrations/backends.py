"""Backends send one order to one integration and classify what came back.

Every answer becomes a ``SendResult`` with an outcome: ``success``, ``transient`` (a machine
may try again: timeouts, refused connections, 5xx, 429) or ``action_required`` (a person must
fix something first: validation errors, credentials). Nothing here touches the database.
"""

from __future__ import annotations

import os
import traceback as tb
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
from django.utils import timezone

from integrations.codes import FailureCode
from integrations.models import Attempt, Integration

Outcome = Attempt.Outcome
MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class SendResult:
    outcome: str
    remote_status: int | None = None
    error_code: str = ""
    message: str = ""
    traceback: str = ""
    external_id: str = ""
    retry_after_seconds: int | None = None

    @property
    def summary(self) -> str:
        """The one line an order shows as its error."""
        parts = [f"HTTP {self.remote_status}" if self.remote_status else "", self.error_code]
        head = " ".join(p for p in parts if p)
        if head and self.message:
            return f"{head}: {self.message}"
        return head or self.message


def retry_after_seconds(value: str | None) -> int | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; ``None`` if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - timezone.now()).total_seconds()))


def _remote_error(response: httpx.Response) -> tuple[str, str, dict]:
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:MESSAGE_LIMIT].strip(), {}
    if not isinstance(body, dict):
        return "", str(body)[:MESSAGE_LIMIT], {}
    message = body.get("message") or body.get("detail") or body.get("error") or ""
    return str(body.get("code") or ""), str(message)[:MESSAGE_LIMIT], body


def classify(response: httpx.Response) -> SendResult:
    status = response.status_code
    code, message, body = _remote_error(response)
    if 200 <= status < 300:
        return SendResult(Outcome.SUCCESS, status, external_id=str(body.get("id") or ""))
    if status == 409 and code == FailureCode.ALREADY_ACCEPTED:
        return SendResult(
            Outcome.SUCCESS, status, code, message, external_id=str(body.get("id") or "")
        )
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    if status == 429 or status >= 500:
        return SendResult(
            Outcome.TRANSIENT,
            status,
            code or (FailureCode.RATE_LIMITED if status == 429 else FailureCode.SERVER_ERROR),
            message or response.reason_phrase,
            retry_after_seconds=retry_after,
        )
    if status in (401, 403):
        return SendResult(
            Outcome.ACTION_REQUIRED,
            status,
            FailureCode.CREDENTIALS,
            message or f"The remote system refused our credentials ({response.reason_phrase}).",
        )
    return SendResult(
        Outcome.ACTION_REQUIRED,
        status,
        code or FailureCode.REJECTED,
        message or response.reason_phrase,
    )


def mapped(attributes: dict, mapping: dict | None) -> dict:
    """``attributes`` with each mapped value translated; unmapped values pass unchanged."""
    if not mapping:
        return attributes
    translated = dict(attributes)
    for name, table in mapping.items():
        value = translated.get(name)
        if isinstance(table, dict) and isinstance(value, str | int) and str(value) in table:
            translated[name] = table[str(value)]
    return translated


PAYLOAD_FIELDS = (
    "uuid",
    "number",
    "type",
    "offering__name",
    "consumer_organization__name",
    "customer_name",
    "customer_email",
    "attributes",
)
"""What the payload is made of, as ``Order`` lookups (``payload`` takes them in this order)."""


def payload(
    uuid, number, type, offering, consumer, customer_name, customer_email, attributes, *, mapping
) -> dict:
    """The order as it is now: a retry sends the latest attributes, not a stale copy."""
    return {
        "uuid": str(uuid),
        "number": number,
        "type": type,
        "offering": offering,
        "consumer": consumer,
        "customer": {"name": customer_name, "email": customer_email},
        "attributes": mapped(attributes, mapping),
    }


def order_payload(order, *, mapping: dict | None = None) -> dict:
    """``payload`` of an ``Order`` instance."""
    return payload(
        order.uuid,
        order.number,
        order.type,
        order.offering.name,
        order.consumer_organization.name,
        order.customer_name,
        order.customer_email,
        order.attributes,
        mapping=mapping,
    )


_clients: dict[int, httpx.Client] = {}


def shared_client() -> httpx.Client:
    """One HTTP client per process, kept across sends: its connection pool reuses
    keep-alive connections, and making a client (an SSL context) costs ~20 ms. Keyed by
    process id, so a forked worker never shares its parent's sockets."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        client = _clients[pid] = httpx.Client(
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
        )
    return client


def http_push(
    integration: Integration,
    payload: dict,
    idempotency_key: str,
    *,
    client: httpx.Client | None = None,
) -> SendResult:
    """POST the order as JSON with its ``Idempotency-Key`` and classify the answer."""
    headers = {"Idempotency-Key": idempotency_key, "User-Agent": "Redrive/0.1"}
    credential = integration.credential()
    if credential == "":
        return SendResult(
            Outcome.ACTION_REQUIRED,
            error_code=FailureCode.CREDENTIALS,
            message=f"The environment variable {integration.credential_env_var} is not set; "
            "nothing was sent.",
        )
    if credential:
        headers["Authorization"] = f"Bearer {credential}"
    if not integration.endpoint_url:
        return SendResult(
            Outcome.ACTION_REQUIRED,
            error_code=FailureCode.CONFIGURATION,
            message=f"Integration {integration} has no endpoint URL; nothing was sent.",
        )
    client = client or shared_client()
    try:
        response = client.post(
            integration.endpoint_url,
            json=payload,
            headers=headers,
            timeout=integration.timeout_seconds,
        )
    except httpx.TimeoutException as exc:
        return SendResult(
            Outcome.TRANSIENT,
            error_code=FailureCode.TIMEOUT,
            message=f"No answer within {integration.timeout_seconds:g}s "
            f"({exc.__class__.__name__}).",
            traceback=tb.format_exc(),
        )
    except httpx.TransportError as exc:
        return SendResult(
            Outcome.TRANSIENT,
            error_code=FailureCode.CONNECTION_ERROR,
            message=f"Could not reach {integration.endpoint_url}: {exc.__class__.__name__}: {exc}",
            traceback=tb.format_exc(),
        )
    return classify(response)
