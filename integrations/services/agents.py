"""Site agents pull their orders and report what became of them; a report is recorded as any
send's answer is (``outcomes.attempt_record``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from integrations.backends import SendResult
from integrations.models import Attempt, Delivery, Integration
from integrations.services.claims import SENDABLE
from integrations.services.outcomes import attempt_record
from orders.models import Order, Trigger

REPORTABLE = (Delivery.State.QUEUED, Delivery.State.IN_FLIGHT)


def agent_report(*, integration: Integration, order: Order, result: SendResult) -> Attempt:
    """A site agent reports the result of an order it fulfilled."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(order=order, integration=integration)
            .first()
        )
        if delivery is None or order.state not in SENDABLE or delivery.state not in REPORTABLE:
            raise ApplicationError(
                f"Order {order.number} is {order.state}: there is nothing to report for it.",
                conflict=Conflict.STATE,
            )
        delivery.state = Delivery.State.IN_FLIGHT
        delivery.attempt_count += 1
        delivery.save(update_fields=["state", "attempt_count", "modified"])
        attempt = Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=integration,
            number=delivery.attempt_count,
            trigger=Trigger.AGENT,
            started_at=now,
        )
        return attempt_record(attempt=attempt, result=result)
