"""Alert e-mail tasks: the at-once mail (queued on commit), problem updates and the digests
(Celery beat)."""

import logging

from celery import shared_task

from alerts import services
from alerts.services.webhooks import RETRY_DELAYS as WEBHOOK_DELAYS

logger = logging.getLogger(__name__)

RETRY_DELAYS = (10, 30, 60, 120, 300, 600, 600, 600)
"""Seconds before each retry of a failed send: about 40 minutes in all, each wait well below
the Redis visibility timeout. Past the last one the notifications stay pending and the next
digest run (hourly) sends them."""

DIGEST_FREQUENCIES = {"hourly": ["hourly"], "daily": ["daily"], "all": ["hourly", "daily"]}


class AlertMailNotSent(Exception):
    """The mail server refused or could not be reached; the notifications stay pending."""


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=len(RETRY_DELAYS))
def send_alert_notifications(self, notification_ids: list[int]) -> int:
    """Send these notifications; retry with backoff while the mail server fails.

    Safe to run twice: sent rows are no longer pending, and rows being sent are locked.
    """
    result = services.alert_notifications_send(ids=notification_ids)
    if result.failed:
        retries = self.request.retries
        delay = RETRY_DELAYS[min(retries, len(RETRY_DELAYS) - 1)]
        logger.warning("alert mail failed (try %s), again in %ss", retries + 1, delay)
        raise self.retry(countdown=delay, exc=AlertMailNotSent("; ".join(result.errors)))
    return result.sent


@shared_task(acks_late=True, ignore_result=True)
def send_alert_digests(frequency: str = "all") -> int:
    """The digests of ``frequency`` (hourly, daily or all); returns how many mails went out."""
    sent = 0
    for each in DIGEST_FREQUENCIES.get(frequency, [frequency]):
        result = services.alert_digests_send(frequency=each)
        sent += result.mail.sent
    return sent


@shared_task(acks_late=True, ignore_result=True)
def send_problem_updates() -> int:
    """Queue the update mail of every problem that grew and was last mailed at least
    ``REDRIVE_PROBLEM_UPDATE_MINUTES`` ago (Celery beat, every minute); returns how many."""
    return services.problem_updates_queue()


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=len(WEBHOOK_DELAYS))
def send_webhooks(self, delivery_ids: list[int] | None = None) -> int:
    """Post these webhook deliveries (or every due one: Celery beat, every minute); a failed
    post is tried again after its backoff. Safe to run twice: a post claims its row first."""
    result = services.webhooks_send(ids=delivery_ids)
    if delivery_ids is not None and result.retry_in is not None:
        raise self.retry(countdown=result.retry_in, exc=WebhookNotDelivered(result.failed))
    return result.delivered


class WebhookNotDelivered(Exception):
    """A webhook receiver did not answer 2xx; the delivery is tried again."""
