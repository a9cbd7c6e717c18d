"""One pass of the sweep: claim due retries (of orders, and of optional deliveries), re-queue
lost deliveries, close ended maintenance
windows, release held deliveries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core import metrics
from integrations.models import RetryClaim
from integrations.services.releases import (
    deliveries_reclaim_expired,
    deliveries_release_due,
    windows_close_ended,
)
from integrations.services.retries import deliveries_retry_due, retries_claim_due

logger = logging.getLogger("integrations.recovery")


@dataclass
class SweepResult:
    claimed: int = 0  # due retries claimed and handed to the workers
    optional: int = 0  # optional deliveries whose retry was due, queued again
    reclaimed: int = 0
    released: int = 0
    windows_closed: int = 0

    def __str__(self) -> str:
        return (
            f"claimed {self.claimed} due retries for the workers, "
            f"queued {self.optional} optional deliveries whose retry was due, "
            f"re-queued {self.reclaimed} deliveries whose task was lost, "
            f"released {self.released} held deliveries, "
            f"closed {self.windows_closed} maintenance windows"
        )


@metrics.observe_duration(metrics.SWEEP_SECONDS)
def sweep_due(
    *, batch_size: int = 1000, max_batches: int = 100, now: datetime | None = None
) -> SweepResult:
    """One pass of the sweep (Celery beat runs it every minute; ``manage.py retry_due``)."""
    result = SweepResult()
    for _ in range(max_batches):
        claimed = retries_claim_due(batch_size=batch_size, now=now)
        result.claimed += claimed
        if claimed < batch_size:
            break
    # A lapsed claim means nothing (an order still due was just claimed afresh): drop them.
    RetryClaim.objects.filter(expires_at__lte=now or timezone.now()).delete()
    for _ in range(max_batches):
        queued = deliveries_retry_due(batch_size=batch_size, now=now)
        result.optional += queued
        if queued < batch_size:
            break
    result.reclaimed = deliveries_reclaim_expired(batch_size=batch_size, now=now)
    result.windows_closed, from_windows = windows_close_ended(now=now)
    result.released = from_windows + deliveries_release_due(now=now)
    if (
        result.claimed
        or result.optional
        or result.reclaimed
        or result.released
        or result.windows_closed
    ):
        logger.info("sweep: %s", result)
    return result
