"""The failure histories of the demo orders: what each attempt sent back, when, and what the
system decided, shaped like what ``integrations.services`` records for real sends.

Each history is a list of ``PlannedAttempt``; ``seed_demo`` turns it into the delivery, its
attempts and the order's transitions (a ``retry`` before every attempt but the first, a
``fail`` or ``succeed`` after each).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from integrations.backends import SendResult
from integrations.models import Attempt
from orders.models import Trigger

Outcome = Attempt.Outcome
HOUR = timedelta(hours=1)
MAX_ATTEMPTS = 8

TIMEOUT_TRACEBACK = """\
Traceback (most recent call last):
  File "/srv/redrive/.venv/lib/python3.11/site-packages/httpx/_transports/default.py", \
line 101, in map_httpcore_exceptions
    yield
  File "/srv/redrive/.venv/lib/python3.11/site-packages/httpx/_transports/default.py", \
line 250, in handle_request
    resp = self._pool.handle_request(req)
  File "/srv/redrive/.venv/lib/python3.11/site-packages/httpcore/_sync/http11.py", \
line 217, in _receive_event
    data = self._network_stream.read(self.READ_NUM_BYTES, timeout=timeout)
httpcore.ReadTimeout: timed out

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/redrive/integrations/backends.py", line 131, in http_push
    response = client.post(
httpx.ReadTimeout: timed out
"""
REFUSED_TRACEBACK = """\
Traceback (most recent call last):
  File "/srv/redrive/.venv/lib/python3.11/site-packages/httpcore/_backends/sync.py", \
line 206, in connect_tcp
    sock = socket.create_connection(
ConnectionRefusedError: [Errno 111] Connection refused

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/redrive/integrations/backends.py", line 131, in http_push
    response = client.post(
httpx.ConnectError: [Errno 111] Connection refused
"""


def _result(outcome, status, code, message, traceback="", retry_after=None) -> SendResult:
    return SendResult(outcome, status, code, message, traceback, retry_after_seconds=retry_after)


MAINTENANCE = _result(
    Outcome.TRANSIENT, 503, "maintenance", "Planned maintenance in progress", "", 30
)
INTERNAL = _result(Outcome.TRANSIENT, 500, "internal_error", "Simulated internal error")
RATE_LIMITED = _result(Outcome.TRANSIENT, 429, "rate_limited", "Too many requests", "", 60)
TIMEOUT = _result(
    Outcome.TRANSIENT, None, "timeout", "No answer within 10s (ReadTimeout).", TIMEOUT_TRACEBACK
)
REFUSED = _result(
    Outcome.TRANSIENT,
    None,
    "connection_error",
    "Could not reach the fulfillment API: ConnectError: [Errno 111] Connection refused",
    REFUSED_TRACEBACK,
)
ADDRESS = _result(
    Outcome.ACTION_REQUIRED, 422, "address_invalid", "Shipping address needs a postal code"
)
MAPPING = _result(
    Outcome.ACTION_REQUIRED,
    422,
    "mapping_missing",
    "Ship method 'EXPRESS-2' is not mapped to a carrier service",
)
CREDENTIALS = _result(
    Outcome.ACTION_REQUIRED, 401, "credentials", "Missing or invalid bearer token"
)
RACK_FULL = _result(
    Outcome.ACTION_REQUIRED,
    None,
    "rack_full",
    "Rack B7 has no free 2U slot; free one or choose another rack",
)
AGENT_BUSY = _result(Outcome.TRANSIENT, None, "agent_busy", "PDU firmware update in progress")
QUANTITY = _result(
    Outcome.ACTION_REQUIRED,
    400,
    "quantity_limit",
    "Quantity 5 exceeds the limit of 3 per order for this account",
)
TRANSIENTS = [MAINTENANCE, INTERNAL, RATE_LIMITED, TIMEOUT, REFUSED]


@dataclass
class PlannedAttempt:
    result: SendResult
    trigger: str
    by_person: bool
    started_at: datetime
    finished_at: datetime
    decision: str
    counts_toward_give_up: bool = True


@dataclass
class History:
    attempts: list[PlannedAttempt]
    failure_kind: str = ""
    next_retry_at: datetime | None = None
    needs_postal_code: bool = False
    quantity: int | None = None

    @property
    def last(self) -> PlannedAttempt:
        return self.attempts[-1]

    @property
    def cycle(self) -> list[PlannedAttempt]:
        """The attempts since a person last retried: they count toward giving up."""
        start = max((i for i, a in enumerate(self.attempts) if a.by_person), default=0)
        return self.attempts[start:]


def _attempts(results, starts, triggers, decisions, rng) -> list[PlannedAttempt]:
    planned = []
    for result, start, trigger, decision in zip(results, starts, triggers, decisions, strict=True):
        took = timedelta(seconds=10 if result.error_code == "timeout" else rng.uniform(0.1, 1.5))
        planned.append(
            PlannedAttempt(
                result=result,
                trigger=trigger,
                by_person=trigger == Trigger.USER,
                started_at=start,
                finished_at=start + took,
                decision=decision,
                counts_toward_give_up=result.error_code != "maintenance",
            )
        )
    return planned


def _retry_at(when: datetime) -> str:
    return f"retry at {when:%Y-%m-%d %H:%M:%S} UTC (fixed 1h)"


ACT = "no automatic retry: a person must act (edit the order or fix the remote side, then retry)"
HTTP_STORIES = {
    "transient": Outcome.TRANSIENT,
    "exhausted": "exhausted",
    "address": Outcome.ACTION_REQUIRED,
    "mapping": Outcome.ACTION_REQUIRED,
    "credentials": Outcome.ACTION_REQUIRED,
    "quantity": Outcome.ACTION_REQUIRED,
}
AGENT_STORIES = {"agent_busy": Outcome.TRANSIENT, "rack_full": Outcome.ACTION_REQUIRED}


def story_for(*, kind: str, agent: bool, rng: random.Random) -> str:
    """A story of failure ``kind`` (transient, action_required or exhausted)."""
    if agent:
        return "agent_busy" if kind == "transient" else "rack_full"
    if kind in ("transient", "exhausted"):
        return kind
    return rng.choice(["address", "mapping", "credentials", "quantity"])


def _before(now: datetime, rng: random.Random, *, most: timedelta) -> datetime:
    """A moment between five minutes and ``most`` before ``now``."""
    return now - timedelta(seconds=rng.randint(300, int(most.total_seconds())))


def erred_history(*, story: str, now: datetime, rng: random.Random) -> History:
    """A failed order's history, every attempt before ``now``; ``story`` (a key of
    ``HTTP_STORIES`` or ``AGENT_STORIES``) says what went wrong.

    The times are drawn backwards from the last attempt. A transient failure's retry is
    scheduled as the fixed 1h policy schedules it: one hour after its last attempt, which is
    less than an hour ago, so the retry is due within the hour (the sweep sends it then); every
    other story waits for a person and has no retry time.
    """
    if story in AGENT_STORIES:
        result = AGENT_BUSY if story == "agent_busy" else RACK_FULL
        if result is AGENT_BUSY:
            start = now - timedelta(minutes=rng.randint(1, 55))
            attempts = _attempts([result], [start], [Trigger.AGENT], [_retry_at(start + HOUR)], rng)
            return History(attempts, Outcome.TRANSIENT, next_retry_at=start + HOUR)
        start = _before(now, rng, most=timedelta(days=6))
        attempts = _attempts([result], [start], [Trigger.AGENT], [ACT], rng)
        return History(attempts, Outcome.ACTION_REQUIRED)
    auto = Trigger.AUTOMATIC
    if story == "transient":
        results = [rng.choice(TRANSIENTS) for _ in range(rng.randint(1, 4))]
        last = now - timedelta(minutes=rng.randint(1, 55))
        starts = [last - HOUR * i for i in reversed(range(len(results)))]
        triggers = [auto] * len(results)
        if len(results) > 2 and rng.random() < 0.3:
            triggers[-1] = Trigger.USER
        decisions = [_retry_at(s + HOUR) for s in starts]
        attempts = _attempts(results, starts, triggers, decisions, rng)
        return History(attempts, Outcome.TRANSIENT, next_retry_at=last + HOUR)
    if story == "exhausted":
        results = [rng.choice(TRANSIENTS[1:]) for _ in range(MAX_ATTEMPTS)]
        last = _before(now, rng, most=timedelta(days=12))
        starts = [last - HOUR * i for i in reversed(range(MAX_ATTEMPTS))]
        decisions = [_retry_at(s + HOUR) for s in starts[:-1]]
        decisions.append(f"gave up: {MAX_ATTEMPTS} of {MAX_ATTEMPTS} attempts used")
        attempts = _attempts(results, starts, [auto] * MAX_ATTEMPTS, decisions, rng)
        return History(attempts, "exhausted")
    last = _before(now, rng, most=timedelta(days=10))
    if story == "address":
        results, triggers = [MAINTENANCE, ADDRESS], [auto, auto]
        starts = [last - HOUR, last]
        decisions = [_retry_at(last), ACT]
    elif story == "mapping":
        results, triggers = [MAPPING, MAPPING], [auto, Trigger.USER]
        starts = [last - timedelta(hours=rng.randint(1, 20)), last]
        decisions = [ACT, ACT]
    elif story == "credentials":
        results, triggers, starts, decisions = [CREDENTIALS], [auto], [last], [ACT]
    else:
        results, triggers, starts, decisions = [QUANTITY], [auto], [last], [ACT]
    attempts = _attempts(results, starts, triggers, decisions, rng)
    return History(
        attempts,
        Outcome.ACTION_REQUIRED,
        needs_postal_code=story == "address",
        quantity=5 if story == "quantity" else None,
    )


def done_history(*, agent: bool, sent_at: datetime, rng: random.Random) -> History:
    """A delivered order: one success, after an automatic recovery for some."""
    auto = Trigger.AGENT if agent else Trigger.AUTOMATIC
    success = SendResult(Outcome.SUCCESS, None if agent else 201)
    if agent or rng.random() > 0.15:
        return History(_attempts([success], [sent_at], [auto], ["done"], rng))
    failure = rng.choice(TRANSIENTS)
    starts = [sent_at, sent_at + HOUR]
    decisions = [_retry_at(sent_at + HOUR), "done"]
    return History(_attempts([failure, success], starts, [auto, auto], decisions, rng))


def released_history(*, released_at: datetime, rng: random.Random) -> History:
    """An order held by a maintenance window: nothing was sent while it ran; when it ended,
    its delivery was released and went through at the first attempt."""
    success = SendResult(Outcome.SUCCESS, 201)
    return History(_attempts([success], [released_at], [Trigger.RELEASE], ["done"], rng))
