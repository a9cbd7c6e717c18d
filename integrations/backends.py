"""The HTTP push backend: send one order to one integration and classify what came back.

Every answer becomes a ``SendResult`` with an outcome: ``success``, ``transient`` (a machine
may try again: timeouts, refused connections, 5xx, 429) or ``action_required`` (a person must
fix something first: validation errors, credentials). Sends go through the process's
``transport`` (many in flight at once). Nothing here touches the database.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus

from django.utils import timezone

from integrations.codes import FailureCode
from integrations.models import Attempt, Integration
from integrations.transport import Answer, Request, transport

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
    def throttled(self) -> bool:
        """The remote side said "too many requests": it is up, and we must slow down."""
        return self.remote_status == 429

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


def _remote_error(body: bytes) -> tuple[str, str, dict]:
    """The remote system's own code and message from an error body (JSON or text)."""
    try:
        document = json.loads(body) if body else None
    except ValueError:
        return "", body.decode(errors="replace")[:MESSAGE_LIMIT].strip(), {}
    if not isinstance(document, dict):
        return "", ("" if document is None else str(document))[:MESSAGE_LIMIT], {}
    message = document.get("message") or document.get("detail") or document.get("error") or ""
    return str(document.get("code") or ""), str(message)[:MESSAGE_LIMIT], document


def classify(status: int, *, reason: str = "", headers=None, body: bytes = b"") -> SendResult:
    """What an HTTP answer means: success, transient (a machine may try again) or action
    required (a person must fix something first)."""
    code, message, document = _remote_error(body)
    reason = reason or _phrase(status)
    if 200 <= status < 300:
        return SendResult(Outcome.SUCCESS, status, external_id=str(document.get("id") or ""))
    if status == 409 and code == FailureCode.ALREADY_ACCEPTED:
        return SendResult(
            Outcome.SUCCESS, status, code, message, external_id=str(document.get("id") or "")
        )
    retry_after = retry_after_seconds((headers or {}).get("Retry-After"))
    if status == 429 or status >= 500:
        return SendResult(
            Outcome.TRANSIENT,
            status,
            code or (FailureCode.RATE_LIMITED if status == 429 else FailureCode.SERVER_ERROR),
            message or reason,
            retry_after_seconds=retry_after,
        )
    if status in (401, 403):
        return SendResult(
            Outcome.ACTION_REQUIRED,
            status,
            FailureCode.CREDENTIALS,
            message or f"The remote system refused our credentials ({reason}).",
        )
    return SendResult(
        Outcome.ACTION_REQUIRED, status, code or FailureCode.REJECTED, message or reason
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


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


def http_push_start(
    integration: Integration, payload: dict, idempotency_key: str
) -> concurrent.futures.Future[SendResult]:
    """Start POSTing the order as JSON with its ``Idempotency-Key``; the future's result is the
    classified answer. Nothing is sent when the integration cannot send (no credential, no
    URL): the future is already done with what a person must fix."""
    return http_push_start_many(integration, [(payload, idempotency_key)])[0]


def http_push_start_many(
    integration: Integration, sends: list[tuple[dict | bytes, str]]
) -> list[concurrent.futures.Future[SendResult]]:
    """``http_push_start`` for each ``(payload, idempotency_key)`` of one integration, handed
    to the transport together; a future each, in order. A payload may come encoded already
    (``encoded``: an order sent to several integrations is encoded once)."""
    refused = _cannot_send(integration)
    if refused is not None:
        return [_done(refused) for _ in sends]
    headers = {"User-Agent": "Redrive/0.1"}
    credential = integration.credential()
    if credential:
        headers["Authorization"] = f"Bearer {credential}"
    url, timeout = integration.endpoint_url, integration.timeout_seconds
    # Classified on the transport's thread as each answer comes: one future a send.
    return transport().post_many(
        [
            Request(
                url,
                payload if isinstance(payload, bytes) else encoded(payload),
                {"Idempotency-Key": key, **headers},
                timeout,
            )
            for payload, key in sends
        ],
        then=functools.partial(_result, integration),
    )


def encoded(payload: dict) -> bytes:
    """The body of a send: the payload as compact JSON."""
    return json.dumps(payload, separators=(",", ":")).encode()


def _done(result: SendResult) -> concurrent.futures.Future[SendResult]:
    done: concurrent.futures.Future[SendResult] = concurrent.futures.Future()
    done.set_result(result)
    return done


def _cannot_send(integration: Integration) -> SendResult | None:
    """What a person must fix before anything can be pushed to ``integration``, if anything:
    nothing is sent then."""
    if integration.credential() == "":
        return SendResult(
            Outcome.ACTION_REQUIRED,
            error_code=FailureCode.CREDENTIALS,
            message=f"The environment variable {integration.credential_env_var} is not set; "
            "nothing was sent.",
        )
    if integration.backend != Integration.Backend.HTTP_PUSH or not integration.endpoint_url:
        return SendResult(
            Outcome.ACTION_REQUIRED,
            error_code=FailureCode.CONFIGURATION,
            message=f"Integration {integration} has no endpoint URL to push to; nothing was sent.",
        )
    return None


def _result(integration: Integration, answer: Answer) -> SendResult:
    if answer.error == "timeout":
        return SendResult(
            Outcome.TRANSIENT,
            error_code=FailureCode.TIMEOUT,
            message=f"No answer within {integration.timeout_seconds:g}s ({answer.error_class}).",
            traceback=answer.traceback,
        )
    if answer.error:
        return SendResult(
            Outcome.TRANSIENT,
            error_code=FailureCode.CONNECTION_ERROR,
            message=f"Could not reach {integration.endpoint_url}: ConnectError "
            f"({answer.error_class}): {answer.error_text}"[:MESSAGE_LIMIT],
            traceback=answer.traceback,
        )
    return classify(answer.status, reason=answer.reason, headers=answer.headers, body=answer.body)


def http_push(integration: Integration, payload: dict, idempotency_key: str) -> SendResult:
    """``http_push_start`` for one order, waiting for its answer."""
    return http_push_start(integration, payload, idempotency_key).result()
