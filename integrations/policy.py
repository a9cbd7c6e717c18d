"""Retry policy arithmetic: when the next automatic retry is due, or that there is none.

Pure functions of an integration's settings and a delivery's retry cycle, so they are tested
with time-machine and no database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from integrations.models import Integration, RetryPolicy


@dataclass(frozen=True)
class RetryDecision:
    """``retry_at`` is ``None`` when the policy is used up; ``reason`` says why, in words."""

    retry_at: datetime | None
    reason: str

    @property
    def exhausted(self) -> bool:
        return self.retry_at is None


def _words(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    if seconds % 3600 == 0 and seconds >= 3600:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0 and seconds >= 60:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def policy_delay(
    integration: Integration, *, attempt: int, rng: random.Random | None = None
) -> timedelta:
    """The wait after the ``attempt``-th counted failure (1 for the first).

    Fixed: always ``retry_interval``. Exponential: ``base * factor ** (attempt - 1)``, capped,
    then shortened by a random part of up to ``backoff_jitter`` of itself, so many orders that
    failed together do not all come back in the same second.
    """
    if integration.retry_policy == RetryPolicy.FIXED:
        return integration.retry_interval
    base = integration.backoff_base.total_seconds()
    cap = integration.backoff_cap.total_seconds()
    exponent = max(0, attempt - 1)
    try:
        delay = min(cap, base * integration.backoff_factor**exponent)
    except OverflowError:
        delay = cap
    jitter = min(max(integration.backoff_jitter, 0.0), 1.0)
    if jitter:
        delay -= delay * jitter * (rng or random).random()
    return timedelta(seconds=delay)


def next_retry(
    integration: Integration,
    *,
    counted_attempts: int,
    first_failed_at: datetime,
    now: datetime,
    retry_after_seconds: int | None = None,
    rng: random.Random | None = None,
) -> RetryDecision:
    """Decide the next automatic retry after a transient failure.

    ``counted_attempts`` includes the failure just recorded. The retry is given up when the
    maximum number of attempts is reached or the retry would fall past ``max_retry_age`` after
    the first failure of this cycle. A ``Retry-After`` from the remote system is honoured: the
    retry is never earlier than it asks.
    """
    if integration.max_attempts is not None and counted_attempts >= integration.max_attempts:
        return RetryDecision(
            None, f"gave up: {counted_attempts} of {integration.max_attempts} attempts used"
        )
    delay = policy_delay(integration, attempt=counted_attempts, rng=rng)
    how = (
        f"fixed {_words(delay)}"
        if integration.retry_policy == RetryPolicy.FIXED
        else f"exponential, attempt {counted_attempts}: {_words(delay)}"
    )
    if retry_after_seconds is not None and timedelta(seconds=retry_after_seconds) > delay:
        delay = timedelta(seconds=retry_after_seconds)
        how = f"Retry-After {retry_after_seconds}s"
    retry_at = now + delay
    deadline = first_failed_at + integration.max_retry_age
    if retry_at > deadline:
        return RetryDecision(
            None,
            f"gave up: the next retry ({retry_at:%Y-%m-%d %H:%M} UTC) would be past the maximum "
            f"age of {_words(integration.max_retry_age)} after the first failure",
        )
    return RetryDecision(retry_at, f"retry at {retry_at:%Y-%m-%d %H:%M:%S} UTC ({how})")
