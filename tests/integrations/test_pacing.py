"""Pacing: each integration's limits, shared through Redis by every worker (two ``Pace``
objects here stand for two worker processes), and the memory fallback of ``make run``."""

import math
import time

import pytest
import time_machine

from integrations.pacing import RECOVERY_HEADROOM, Lane, Limits, Pace


def limits(*, in_flight=10, per_second=1000, integration_id=1) -> Limits:
    return Limits(integration_id, in_flight, per_second, lease_seconds=50)


def test_two_workers_together_never_exceed_the_in_flight_limit(settings):
    one, two = (
        Pace(settings.REDRIVE_LIMITS_URL, ask_every=0),
        Pace(settings.REDRIVE_LIMITS_URL, ask_every=0),
    )

    first = one.admit(limits(in_flight=5), wanted=4)
    second = two.admit(limits(in_flight=5), wanted=4)

    assert (first.count, second.count) == (4, 1)
    assert two.admit(limits(in_flight=5), wanted=4).count == 0
    one.finished(1, first.slots[:2])
    assert two.admit(limits(in_flight=5), wanted=4).count == 2
    assert one.in_flight(1) == 5


def test_a_slot_whose_worker_died_frees_itself_after_the_lease(settings):
    pace = Pace(settings.REDRIVE_LIMITS_URL, ask_every=0)
    assert pace.admit(limits(in_flight=2), wanted=2).count == 2
    assert pace.admit(limits(in_flight=2), wanted=1).count == 0

    with time_machine.travel(time.time() + 60, tick=False):  # past the 50 s lease
        assert pace.admit(limits(in_flight=2), wanted=2).count == 2


def test_requests_a_second_are_shared_too(settings):
    one, two = (
        Pace(settings.REDRIVE_LIMITS_URL, ask_every=0),
        Pace(settings.REDRIVE_LIMITS_URL, ask_every=0),
    )
    taken = one.admit(limits(in_flight=100, per_second=10), wanted=6)
    one.finished(1, taken.slots)
    more = two.admit(limits(in_flight=100, per_second=10), wanted=6)

    assert (taken.count, more.count) == (6, 4)
    refused = two.admit(limits(in_flight=100, per_second=10), wanted=1)
    assert refused.count == 0
    assert 0 < refused.wait <= 1


def test_a_429_halves_the_rate_pauses_and_the_rate_grows_back(settings):
    pace = Pace(settings.REDRIVE_LIMITS_URL, ask_every=0)
    with time_machine.travel(2_000_000, tick=False) as clock:
        # when: the remote side says 429, retry after 3 s
        pace.throttled(1, retry_after=3)

        # then: nothing goes during the pause
        paused = pace.admit(limits(in_flight=1000, per_second=100), wanted=100)
        assert paused.count == 0
        assert 2.9 < paused.wait <= 3

        # then: half the rate once it is over, growing back to the whole rate
        clock.shift(3.5)
        assert pace.admit(limits(in_flight=1000, per_second=100), wanted=100).count in range(50, 61)
        state = pace.store.state(1)
        assert round(state.factor(time.time()), 2) == 0.55
        assert state.factor(time.time() + 5) == 1.0


def test_recovery_traffic_leaves_headroom_for_first_sends(settings):
    pace = Pace(settings.REDRIVE_LIMITS_URL, ask_every=0)
    recovery = pace.admit(limits(in_flight=10), wanted=10, lane=Lane.RECOVERY)
    first = pace.admit(limits(in_flight=10), wanted=10, lane=Lane.FIRST)

    assert recovery.count == int(10 * (1 - RECOVERY_HEADROOM))
    assert first.count == 10 - recovery.count


@pytest.mark.parametrize("store", ["redis", "memory"])
def test_first_sends_in_flight_do_not_shrink_the_recovery_share(settings, store):
    pace = Pace(settings.REDRIVE_LIMITS_URL if store == "redis" else "memory://", ask_every=0)
    first = pace.admit(limits(in_flight=10, per_second=100), wanted=1, lane=Lane.FIRST)
    recovery = pace.admit(limits(in_flight=10, per_second=100), wanted=10, lane=Lane.RECOVERY)

    assert (first.count, recovery.count) == (1, 9)
    pace.finished(1, first.slots)
    again = pace.admit(limits(in_flight=10, per_second=100), wanted=10, lane=Lane.RECOVERY)
    assert again.count == 0  # the free slot is the first sends' headroom
    assert pace.admit(limits(in_flight=10, per_second=100), wanted=10, lane=Lane.FIRST).count == 1
    pace.finished(1, recovery.slots[:2])
    again = pace.admit(limits(in_flight=10, per_second=100), wanted=10, lane=Lane.RECOVERY)
    assert again.count == 2


def test_recovery_keeps_to_its_share_of_the_rate_a_second(settings):
    pace = Pace(settings.REDRIVE_LIMITS_URL, ask_every=0)
    per_second = limits(in_flight=100, per_second=20)
    sent = pace.admit(per_second, wanted=100, lane=Lane.RECOVERY)
    pace.finished(1, sent.slots)

    share = math.floor(20 * (1 - RECOVERY_HEADROOM))
    assert sent.count == share < 20
    assert pace.admit(per_second, wanted=10, lane=Lane.RECOVERY).count == 0
    assert pace.admit(per_second, wanted=10, lane=Lane.FIRST).count == 20 - share


def test_after_an_incident_sending_starts_from_one_and_widens_with_successes(settings):
    pace = Pace(settings.REDRIVE_LIMITS_URL, ask_every=0)
    pace.restart(1)

    probe = pace.admit(limits(in_flight=50), wanted=10)
    assert probe.count == 1
    pace.finished(1, probe.slots, succeeded=1)
    widened = pace.admit(limits(in_flight=50), wanted=10)
    assert widened.count == 2
    pace.finished(1, widened.slots, succeeded=2)
    assert pace.admit(limits(in_flight=50), wanted=10).count == 4


@pytest.mark.parametrize("url", ["redis", "memory://"])
def test_slots_of_several_integrations_are_given_back_together(settings, url):
    # given: integration 1 at full width, integration 2 just after an incident (one at a time)
    pace = Pace(settings.REDRIVE_LIMITS_URL if url == "redis" else url, ask_every=0)
    pace.restart(2)
    first = pace.admit(limits(in_flight=3, integration_id=1), wanted=3)
    second = pace.admit(limits(in_flight=3, integration_id=2), wanted=3)
    assert (first.count, second.count) == (3, 1)
    if url == "redis":  # a Redis that has forgotten the script (restarted): loaded again
        pace.store.finish_script.sha = "0" * 40

    # when: two of the first's and the second's one answered, all successes, given back at once
    pace.finished_many({1: (first.slots[:2], 2), 2: (second.slots, 1)})

    # then: each integration has its slots back, and only the narrowed window widened
    assert (pace.in_flight(1), pace.in_flight(2)) == (1, 0)
    assert pace.admit(limits(in_flight=3, integration_id=1), wanted=3).count == 2
    assert pace.admit(limits(in_flight=3, integration_id=2), wanted=3).count == 2


def test_without_redis_the_worker_process_keeps_the_limits_in_memory():
    pace = Pace("memory://", ask_every=0)

    taken = pace.admit(limits(in_flight=10), wanted=12)
    assert taken.count == 10
    assert pace.admit(limits(in_flight=10), wanted=1).count == 0
    pace.finished(1, taken.slots[:3], succeeded=3)
    assert pace.admit(limits(in_flight=10), wanted=5).count == 3


def test_a_check_warns_when_limits_in_memory_meet_several_workers():
    from django.test import override_settings

    from integrations.checks import pacing_is_shared

    with override_settings(REDRIVE_LIMITS_URL="memory://", CELERY_BROKER_URL="amqp://mq//"):
        assert [w.id for w in pacing_is_shared(None)] == ["integrations.W001"]
    with override_settings(
        REDRIVE_LIMITS_URL="memory://",
        CELERY_BROKER_URL="filesystem://",
        CELERY_WORKER_POOL="threads",
        REDRIVE_WORKER_PROCESSES=1,
    ):
        assert pacing_is_shared(None) == []
    with override_settings(
        REDRIVE_LIMITS_URL="memory://",
        CELERY_BROKER_URL="filesystem://",
        CELERY_WORKER_POOL="threads",
        REDRIVE_WORKER_PROCESSES=2,
    ):
        assert [w.id for w in pacing_is_shared(None)] == ["integrations.W001"]


FIRST_PACE_AT_ONCE = """
import sys, threading, django
django.setup()
assert "redis" not in sys.modules, "redis was imported before the worker's threads"
from integrations.pacing import pace
start, made, errors = threading.Barrier(16), [], []
def task():
    start.wait()
    try:
        made.append(pace())
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=task) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors), len({id(p) for p in made}), errors[:1])
"""


def test_a_worker_s_threads_asking_for_the_pace_at_once_share_one(settings):
    """A RabbitMQ worker's first tasks, each on a thread of its own, ask for the pace together
    and nothing imported Redis's client before them (the Redis broker does): one builds it, the
    others wait for it (limits read Redis's version off a half-imported module and refused 32
    tasks of a freshly started worker in bench.hosts)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDRIVE_", "CELERY_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
        "REDRIVE_LIMITS_URL": settings.REDRIVE_LIMITS_URL,
    }

    for _ in range(3):  # the race needed the import's timing: give it three chances
        result = subprocess.run(
            [sys.executable, "-c", FIRST_PACE_AT_ONCE],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[:2] == ["0", "1"], result.stdout
