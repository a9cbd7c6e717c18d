"""Pacing: each integration's limits, shared by every worker on every host.

Three things decide how many sends to an integration may start now:

- **in flight**: at most ``Integration.max_in_flight`` requests at once. Each send holds a slot
  from the moment it starts until its answer is in; a slot whose worker died frees itself when
  the send's lease passes (``Integration.send_lease``). After an incident the limit starts at
  one (the probe) and widens by one with every success (slow start), so a system that has just
  come back is not met with everything at once.
- **a second**: at most ``Integration.max_per_second`` requests in any second (the ``limits``
  library's sliding window counter). A 429 halves the rate and pauses sending for the time
  its Retry-After asks; from then the rate grows back by a tenth of the limit a second.
- **lanes**: first sends may use all of it; recovery traffic (releases, retries, resubmits)
  leaves ``RECOVERY_HEADROOM`` of the rate and the slots to them, so new orders keep moving
  while a backlog drains.

The state lives in Redis in production (``REDRIVE_LIMITS_URL``, by default the Celery broker's
Redis): one sorted set of slots, one rate counter and one small hash per integration. Without
Redis (``make run``) it lives in the memory of the one worker process (the Procfile's worker is
one process with many threads), which is exact as long as that process is the only one that
sends.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

RECOVERY_HEADROOM = 0.05
"""The share of an integration's rate and slots recovery traffic leaves to first sends (a
twentieth: at 300 a second, 15 first sends a second always find room, and more whenever recovery
leaves a gap; measured with 20 new orders a second during a drain, bench/outage.py)."""
SLOWEST = 1 / 32
"""The rate never falls below this share of the limit, however many 429s come back."""
RECOVERY_PER_SECOND = 0.1
"""After a 429 the rate grows back by this share of the limit each second."""
KEY = "redrive:pace"
ASK_EVERY = 0.02
"""After a short answer, a process asks again after this long (or once it gives slots back)."""


class Lane(StrEnum):
    """Which traffic a send is: a first send (or a person's single action) or recovery."""

    FIRST = "first"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Admission:
    """``slots`` may start now; if none may, try again in ``wait`` seconds."""

    slots: list[str]
    wait: float = 0.0
    paused: bool = False

    @property
    def count(self) -> int:
        return len(self.slots)


@dataclass(frozen=True)
class Limits:
    """What an integration allows (its settings, as the sender read them)."""

    integration_id: int
    max_in_flight: int
    max_per_second: int
    lease_seconds: float

    @classmethod
    def of(cls, integration) -> Limits:
        return cls(
            integration.pk,
            integration.max_in_flight,
            integration.max_per_second,
            integration.send_lease.total_seconds(),
        )


class Pace:
    """The pacing of every integration, through one store (see the module's docstring)."""

    def __init__(self, url: str, *, ask_every: float = ASK_EVERY) -> None:
        self.url = url
        self.ask_every = ask_every
        self.asking = threading.Lock()
        self.hold: dict[int, float] = {}
        self.shared = not url.startswith("memory://")
        self.rates = SlidingWindowCounterRateLimiter(storage_from_string(url))
        self.store: _Store = _RedisStore(url) if self.shared else _MemoryStore()

    def admit(self, limits: Limits, *, wanted: int, lane: Lane = Lane.FIRST) -> Admission:
        """Take up to ``wanted`` slots for sends that start now (give them back with
        ``finished``).

        The threads of a process ask one at a time, and after an answer short of what was
        wanted the process asks Redis again only after ``ask_every`` or once it has given
        slots back: asking costs a few round trips per batch of sends, not per send.
        """
        if wanted <= 0:
            return Admission([])
        with self.asking:
            held = self.hold.get(limits.integration_id, 0.0) - time.time()
            if held > 0:
                return Admission([], wait=held)
            admission = self._admit(limits, wanted=wanted, lane=lane)
            if admission.count < wanted:
                hold = admission.wait if admission.paused else self.ask_every
                self.hold[limits.integration_id] = time.time() + hold
            return admission

    def _admit(self, limits: Limits, *, wanted: int, lane: Lane) -> Admission:
        now = time.time()
        state = self.store.state(limits.integration_id)
        if state.paused_until > now:
            return Admission([], wait=state.paused_until - now, paused=True)
        rate = limits.max_per_second
        allowed_rate = max(1, math.floor(rate * state.factor(now)))
        item = RateLimitItemPerSecond(rate)
        key = str(limits.integration_id)
        remaining = self.rates.get_window_stats(item, key).remaining
        tokens = min(wanted, allowed_rate - (rate - remaining), remaining)
        recovering = lane == Lane.RECOVERY
        if recovering and tokens > 0:  # and within its own share, whatever first sends use
            share = max(1, math.floor(allowed_rate * (1 - RECOVERY_HEADROOM)))
            left = self.rates.get_window_stats(RateLimitItemPerSecond(share), f"{key}:r").remaining
            tokens = min(tokens, left)
        if tokens <= 0:
            return Admission([], wait=max(1 / allowed_rate, 0.005))
        in_flight = max(1, math.floor(min(limits.max_in_flight, state.window)))
        lane_limit = max(1, math.floor(in_flight * (1 - RECOVERY_HEADROOM))) if recovering else 0
        slots = self.store.acquire(
            limits.integration_id,
            tokens,
            limit=in_flight,
            lane_limit=lane_limit,
            expires=now + limits.lease_seconds,
        )
        if not slots:
            return Admission([], wait=0.01)
        if not self.rates.hit(item, key, cost=len(slots)):  # another worker was quicker
            self.store.release(limits.integration_id, slots)
            return Admission([], wait=0.005)
        if recovering:
            self.rates.hit(RateLimitItemPerSecond(share), f"{key}:r", cost=len(slots))
        return Admission(slots)

    def finished(self, integration_id: int, slots: list[str], *, succeeded: int = 0) -> None:
        """Give slots back; ``succeeded`` answers widen a narrowed in-flight window."""
        self.finished_many({integration_id: (slots, succeeded)})

    def finished_many(self, ends: dict[int, tuple[list[str], int]]) -> None:
        """``finished`` for several integrations at once (integration id -> the slots given
        back and the successes among them): one round trip to Redis for them all."""
        ends = {
            pk: (slots, succeeded) for pk, (slots, succeeded) in ends.items() if slots or succeeded
        }
        if not ends:
            return
        self.store.finish(ends)
        for integration_id, (slots, _) in ends.items():
            if slots:
                self.hold.pop(integration_id, None)

    def throttled(self, integration_id: int, *, retry_after: float | None) -> None:
        """A 429 (or a Retry-After): halve the rate, pause for what the remote side asked."""
        now = time.time()
        self.store.slow_down(integration_id, now=now, pause=max(retry_after or 0.0, 0.0))

    def restart(self, integration_id: int) -> None:
        """An incident began: the next sends start from one in flight (slow start)."""
        self.store.narrow(integration_id)

    def in_flight(self, integration_id: int) -> int:
        return self.store.in_flight(integration_id)


@dataclass(frozen=True)
class _State:
    rate_factor: float = 1.0
    changed_at: float = 0.0
    paused_until: float = 0.0
    window: float = math.inf

    def factor(self, now: float) -> float:
        """The share of the rate allowed now: halved by a 429, growing back linearly."""
        grown = self.rate_factor + max(0.0, now - self.changed_at) * RECOVERY_PER_SECOND
        return min(1.0, grown)


class _Store:
    def state(self, integration_id: int) -> _State: ...
    def acquire(
        self, integration_id: int, count: int, *, limit: int, lane_limit: int, expires: float
    ) -> list: ...
    def release(self, integration_id: int, slots: list[str]) -> None: ...
    def finish(self, ends: dict[int, tuple[list[str], int]]) -> None:
        """Release each integration's slots and widen its window by its successes."""
        for integration_id, (slots, succeeded) in ends.items():
            if slots:
                self.release(integration_id, slots)
            if succeeded:
                self.widen(integration_id, succeeded)

    def in_flight(self, integration_id: int) -> int: ...
    def widen(self, integration_id: int, by: int) -> None: ...
    def narrow(self, integration_id: int) -> None: ...
    def slow_down(self, integration_id: int, *, now: float, pause: float) -> None: ...


class _MemoryStore(_Store):
    """One process's pacing (``make run``: the one worker process that sends)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.states: dict[int, _State] = {}
        self.slots: dict[int, dict[str, float]] = {}

    def state(self, integration_id: int) -> _State:
        with self.lock:
            return self.states.get(integration_id, _State())

    def acquire(self, integration_id, count, *, limit, lane_limit, expires):
        with self.lock:
            held = self.slots.setdefault(integration_id, {})
            now = time.time()
            for slot in [slot for slot, until in held.items() if until <= now]:
                del held[slot]
            free = limit - len(held)
            if lane_limit:
                free = min(free, lane_limit - sum(slot.startswith("r") for slot in held))
            prefix = "r" if lane_limit else "f"
            taken = [prefix + uuid.uuid4().hex for _ in range(max(0, min(count, free)))]
            held.update(dict.fromkeys(taken, expires))
            return taken

    def release(self, integration_id, slots):
        with self.lock:
            held = self.slots.get(integration_id, {})
            for slot in slots:
                held.pop(slot, None)

    def in_flight(self, integration_id):
        with self.lock:
            return len(self.slots.get(integration_id, {}))

    def widen(self, integration_id, by):
        with self.lock:
            state = self.states.get(integration_id, _State())
            if state.window != math.inf:
                self.states[integration_id] = _replace(state, window=state.window + by)

    def narrow(self, integration_id):
        with self.lock:
            self.states[integration_id] = _replace(
                self.states.get(integration_id, _State()), window=1
            )

    def slow_down(self, integration_id, *, now, pause):
        with self.lock:
            state = self.states.get(integration_id, _State())
            self.states[integration_id] = _replace(
                state,
                rate_factor=max(SLOWEST, state.factor(now) / 2),
                changed_at=now + pause,
                paused_until=max(state.paused_until, now + pause),
            )


def _replace(state: _State, **changes) -> _State:
    return _State(**(vars(state) | changes))


ACQUIRE = """
local slots, lane = KEYS[1], KEYS[2]
local now, expires, limit, count, prefix, lane_limit = tonumber(ARGV[1]), tonumber(ARGV[2]),
  tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
local free = math.min(count, limit - redis.call('ZCARD', slots))
if lane_limit > 0 then
  redis.call('ZREMRANGEBYSCORE', lane, '-inf', now)
  free = math.min(free, lane_limit - redis.call('ZCARD', lane))
end
local taken = {}
for i = 1, free do
  taken[i] = prefix .. i
  redis.call('ZADD', slots, expires, taken[i])
  if lane_limit > 0 then redis.call('ZADD', lane, expires, taken[i]) end
end
redis.call('EXPIREAT', slots, math.ceil(expires) + 60)
if lane_limit > 0 then redis.call('EXPIREAT', lane, math.ceil(expires) + 60) end
return taken
"""

WIDEN = """
local window = redis.call('HGET', KEYS[1], 'window')
if window then redis.call('HINCRBY', KEYS[1], 'window', ARGV[1]) end
"""

FINISH = """
if #ARGV > 1 then
  redis.call('ZREM', KEYS[1], unpack(ARGV, 2))
  redis.call('ZREM', KEYS[2], unpack(ARGV, 2))
end
if tonumber(ARGV[1]) > 0 and redis.call('HGET', KEYS[3], 'window') then
  redis.call('HINCRBY', KEYS[3], 'window', ARGV[1])
end
"""

SLOW_DOWN = """
local state, now, pause = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local factor = tonumber(redis.call('HGET', state, 'rate_factor') or '1')
local changed = tonumber(redis.call('HGET', state, 'changed_at') or '0')
local paused = tonumber(redis.call('HGET', state, 'paused_until') or '0')
local grown = math.min(1, factor + math.max(0, now - changed) * tonumber(ARGV[3]))
redis.call('HSET', state, 'rate_factor', math.max(tonumber(ARGV[4]), grown / 2),
  'changed_at', now + pause, 'paused_until', math.max(paused, now + pause))
"""


class _RedisStore(_Store):
    """The pacing shared by every worker on every host (scripts run atomically in Redis)."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.acquire_script = self.redis.register_script(ACQUIRE)
        self.widen_script = self.redis.register_script(WIDEN)
        self.finish_script = self.redis.register_script(FINISH)
        self.slow_down_script = self.redis.register_script(SLOW_DOWN)

    @staticmethod
    def _keys(integration_id: int) -> tuple[str, str, str]:
        """The integration's slots in flight, its state, and its recovery lane's slots."""
        base = f"{KEY}:{integration_id}"
        return f"{base}:slots", f"{base}:state", f"{base}:recovery"

    def state(self, integration_id):
        raw = self.redis.hgetall(self._keys(integration_id)[1])
        if not raw:
            return _State()
        values = {key.decode(): float(value) for key, value in raw.items()}
        return _State(**values)

    def acquire(self, integration_id, count, *, limit, lane_limit, expires):
        slots, _, lane = self._keys(integration_id)
        prefix = f"{uuid.uuid4().hex}:"
        taken = self.acquire_script(
            keys=[slots, lane], args=[time.time(), expires, limit, count, prefix, lane_limit]
        )
        return [slot.decode() for slot in taken]

    def release(self, integration_id, slots):
        keys = self._keys(integration_id)
        with self.redis.pipeline(transaction=False) as both:
            both.zrem(keys[0], *slots)
            both.zrem(keys[2], *slots)
            both.execute()

    def finish(self, ends):
        """One script an integration (slots of both lanes released, the window widened by
        the successes if it is narrowed), all in one pipeline: one round trip. The pipeline
        calls the script by its hash alone (registering it would ask Redis whether it knows
        it, a round trip more each time); if Redis has forgotten it, it is loaded again."""
        from redis.exceptions import NoScriptError

        calls = []
        for integration_id, (slots, succeeded) in ends.items():
            slots_key, state_key, lane_key = self._keys(integration_id)
            calls.append((slots_key, lane_key, state_key, succeeded, *slots))
        if len(calls) == 1:
            self.finish_script(keys=calls[0][:3], args=calls[0][3:])
            return
        try:
            self._finish_pipelined(calls)
        except NoScriptError:  # none of them ran: it is one script
            self.finish_script.sha = self.redis.script_load(FINISH)
            self._finish_pipelined(calls)

    def _finish_pipelined(self, calls: list[tuple]) -> None:
        with self.redis.pipeline(transaction=False) as pipe:
            for call in calls:
                pipe.evalsha(self.finish_script.sha, 3, *call)
            pipe.execute()

    def in_flight(self, integration_id):
        key = self._keys(integration_id)[0]
        return self.redis.zcount(key, time.time(), "+inf")

    def widen(self, integration_id, by):
        self.widen_script(keys=[self._keys(integration_id)[1]], args=[by])

    def narrow(self, integration_id):
        self.redis.hset(self._keys(integration_id)[1], "window", 1)

    def slow_down(self, integration_id, *, now, pause):
        self.slow_down_script(
            keys=[self._keys(integration_id)[1]],
            args=[now, pause, RECOVERY_PER_SECOND, SLOWEST],
        )


_pace: dict[int, Pace] = {}
_pace_building = threading.Lock()


def pace() -> Pace:
    """This process's ``Pace`` (one per process: its Redis connection is not shared with a
    forked child).

    Built by one thread while the others wait: a worker's first tasks, one a thread, ask for it
    together, and building it is the first import of Redis's client where the broker did not
    import it (RabbitMQ). limits reads the client's version off ``sys.modules``, so a thread
    that found the module half-imported by another was refused ("minimum version of 3.0 for
    'redis' could not be found", 32 tasks of a restarted worker in bench.hosts), and each
    thread that got through built a ``Pace`` of its own."""
    import os

    pid = os.getpid()
    if pid not in _pace:
        with _pace_building:
            if pid not in _pace:
                _pace.clear()
                _pace[pid] = Pace(settings.REDRIVE_LIMITS_URL)
    return _pace[pid]
