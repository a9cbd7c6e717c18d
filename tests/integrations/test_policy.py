"""Retry policy arithmetic, on the clock of time-machine."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from integrations.models import Integration, RetryPolicy
from integrations.policy import next_retry, policy_delay

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def fixed(**kwargs) -> Integration:
    return Integration(name="fixed", **kwargs)


def exponential(**kwargs) -> Integration:
    defaults = {
        "retry_policy": RetryPolicy.EXPONENTIAL,
        "backoff_base": timedelta(seconds=10),
        "backoff_factor": 2.0,
        "backoff_cap": timedelta(minutes=5),
        "backoff_jitter": 0.0,
    }
    return Integration(name="exp", **(defaults | kwargs))


def test_fixed_interval_defaults_to_one_hour():
    with time_machine.travel(T0, tick=False):
        now = timezone.now()
        decision = next_retry(fixed(), counted_attempts=3, first_failed_at=now, now=now)
    assert decision.retry_at == T0 + timedelta(hours=1)
    assert decision.reason == "retry at 2026-11-01 03:00:00 UTC (fixed 1h)"


@pytest.mark.parametrize(
    ("attempt", "seconds"), [(1, 10), (2, 20), (3, 40), (5, 160), (6, 300), (60, 300), (5000, 300)]
)
def test_exponential_doubles_up_to_the_cap(attempt, seconds):
    assert policy_delay(exponential(), attempt=attempt) == timedelta(seconds=seconds)


def test_jitter_shortens_by_at_most_its_fraction_and_spreads_retries():
    integration = exponential(backoff_jitter=0.5)
    rng = random.Random(3)
    delays = [policy_delay(integration, attempt=3, rng=rng).total_seconds() for _ in range(500)]
    assert min(delays) >= 20 and max(delays) <= 40
    assert len({round(d, 3) for d in delays}) > 400
    assert max(delays) - min(delays) > 15


def test_max_age_gives_up_when_the_retry_would_fall_past_it():
    integration = fixed(max_retry_age=timedelta(days=15))
    first = T0
    inside = next_retry(
        integration,
        counted_attempts=300,
        first_failed_at=first,
        now=first + timedelta(days=14, hours=22),
    )
    past = next_retry(
        integration,
        counted_attempts=340,
        first_failed_at=first,
        now=first + timedelta(days=14, hours=23, minutes=30),
    )
    assert inside.retry_at == first + timedelta(days=14, hours=23)
    assert past.exhausted
    assert "maximum age of 360h" in past.reason


def test_max_attempts_gives_up():
    integration = fixed(max_attempts=3)
    assert not next_retry(integration, counted_attempts=2, first_failed_at=T0, now=T0).exhausted
    third = next_retry(integration, counted_attempts=3, first_failed_at=T0, now=T0)
    assert third.exhausted
    assert third.reason == "gave up: 3 of 3 attempts used"


def test_retry_after_is_honoured_when_longer_than_the_policy():
    longer = next_retry(
        exponential(), counted_attempts=1, first_failed_at=T0, now=T0, retry_after_seconds=120
    )
    shorter = next_retry(
        exponential(), counted_attempts=1, first_failed_at=T0, now=T0, retry_after_seconds=2
    )
    assert longer.retry_at == T0 + timedelta(seconds=120)
    assert longer.reason.endswith("(Retry-After 120s)")
    assert shorter.retry_at == T0 + timedelta(seconds=10)


def test_retry_after_cannot_push_past_the_max_age():
    integration = fixed(max_retry_age=timedelta(hours=2))
    decision = next_retry(
        integration, counted_attempts=1, first_failed_at=T0, now=T0, retry_after_seconds=3 * 3600
    )
    assert decision.exhausted
