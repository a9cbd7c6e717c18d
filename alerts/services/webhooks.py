"""Signed webhooks: each event posted as JSON to the contacts whose channels include webhook.

Headers: ``X-Redrive-Event``, ``X-Redrive-Delivery`` (the same on every retry),
``X-Redrive-Timestamp`` (Unix seconds of this try) and ``X-Redrive-Signature``:
``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the contact's webhook_secret>``. The
body carries a plain ``text`` line too, which is all a Slack or Teams incoming webhook needs.

Recorded as ``WebhookDelivery`` rows in the transaction of the event, posted after commit by
``alerts.tasks.send_webhooks``; a failed post (no answer, or not 2xx) is tried again with
backoff (``RETRY_DELAYS``), then the row is ``failed``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts.models import Frequency, Problem, WebhookDelivery
from alerts.selectors import contacts_for_integration

logger = logging.getLogger(__name__)

EVENTS = (
    "problem.opened",
    "problem.updated",
    "problem.resolved",
    "orders.exhausting",
    "integration.breaker_opened",
    "integration.recovered",
)
RETRY_DELAYS = (10, 30, 120, 600, 1800, 3600)
"""Seconds before each retry of a failed post; past the last one the delivery is failed."""
TIMEOUT_SECONDS = 10.0
CLAIM = timedelta(seconds=TIMEOUT_SECONDS * 3)
ERROR_LIMIT = 2000


def signature(secret: str, timestamp: str, body: str) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def problem_payload(problem: Problem) -> dict:
    return {
        "id": problem.pk,
        "kind": problem.kind,
        "code": problem.code,
        "status": problem.status,
        "severity": problem.severity,
        "needs_action": problem.needs_action,
        "integration": {"id": problem.integration_id, "name": str(problem.integration)},
        "incident": problem.incident_id,
        "orders": problem.alerts_count,
        "message": problem.message,
        "first_seen_at": problem.first_seen_at,
        "last_seen_at": problem.last_seen_at,
        "resolved_at": problem.resolved_at,
        "url": f"{settings.SITE_URL}/api/alerts/?problem={problem.pk}",
    }


def webhooks_queue(
    *, event: str, text: str, data: dict, contacts, problem: Problem | None = None
) -> list[int]:
    """Record ``event`` for each of ``contacts`` with a webhook channel; post after commit."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}; use one of {EVENTS}.")
    now = timezone.now()
    rows = []
    for contact in contacts:
        if not contact.posts:
            continue
        delivery_id = uuid.uuid4()
        body = json.dumps(
            {"event": event, "delivery": str(delivery_id), "at": now, "text": text, "data": data},
            cls=DjangoJSONEncoder,
            sort_keys=True,
        )
        rows.append(
            WebhookDelivery(
                contact=contact,
                event=event,
                delivery_id=delivery_id,
                url=contact.webhook_url,
                body=body,
                problem=problem,
                next_attempt_at=now,
            )
        )
    ids = [row.pk for row in WebhookDelivery.objects.bulk_create(rows)]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from alerts.tasks import send_webhooks

    send_webhooks.delay(ids)


@dataclass
class WebhookResult:
    delivered: int = 0
    failed: int = 0
    retry_in: int | None = None


def webhooks_send(*, ids: list[int] | None = None, now=None) -> WebhookResult:
    """Post the due pending deliveries (all, or ``ids``). Each is claimed in a short
    transaction (its ``next_attempt_at`` moved past the post's timeout, so nobody else takes
    it meanwhile), posted with no lock held, and its answer recorded in another."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    result = WebhookResult()
    with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
        for pk, seen in due.order_by("pk").values_list("pk", "next_attempt_at"):
            claimed = WebhookDelivery.objects.filter(
                pk=pk, status=WebhookDelivery.Status.PENDING, next_attempt_at=seen
            ).update(next_attempt_at=timezone.now() + CLAIM, attempts=F("attempts") + 1)
            if claimed:
                _post(client, WebhookDelivery.objects.select_related("contact").get(pk=pk), result)
    return result


def _post(client: httpx.Client, delivery: WebhookDelivery, result: WebhookResult) -> None:
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Redrive-Webhook/1",
        "X-Redrive-Event": delivery.event,
        "X-Redrive-Delivery": str(delivery.delivery_id),
        "X-Redrive-Timestamp": timestamp,
        "X-Redrive-Signature": signature(delivery.contact.webhook_secret, timestamp, delivery.body),
    }
    status, error = None, ""
    try:
        answer = client.post(delivery.url, content=delivery.body.encode(), headers=headers)
        status = answer.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}: {answer.text[:500]}"
    except httpx.HTTPError as failure:
        error = f"{failure.__class__.__name__}: {failure}"
    now = timezone.now()
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            delivered_at=now,
            last_status=status,
            last_error="",
        )
        result.delivered += 1
        return
    tries = delivery.attempts
    gave_up = tries > len(RETRY_DELAYS)
    delay = 0 if gave_up else RETRY_DELAYS[tries - 1]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
        next_attempt_at=now + timedelta(seconds=delay),
        last_status=status,
        last_error=error[:ERROR_LIMIT],
    )
    logger.warning(
        "webhook %s to %s failed (try %s): %s", delivery.event, delivery.url, tries, error
    )
    result.failed += 1
    if not gave_up:
        result.retry_in = delay if result.retry_in is None else min(result.retry_in, delay)


def integration_webhooks(*, integration, event: str, text: str, data: dict) -> list[int]:
    """An event about the integration itself, to the webhook contacts who hear of it."""
    contacts = contacts_for_integration(
        integration_id=integration.pk, frequencies=[Frequency.IMMEDIATE]
    )
    data = {"integration": {"id": integration.pk, "name": str(integration)}, **data}
    return webhooks_queue(event=event, text=text, data=data, contacts=contacts)
