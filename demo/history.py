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


def erred_history(*, kind: str, agent: bool, now: datetime, rng: random.Random) -> History:
    """A failed order's history ending ``now`` or before; ``kind`` picks the story."""
    auto = Trigger.AGENT if agent else Trigger.AUTOMATIC
    if agent:
        result = RACK_FULL if kind != "transient" else AGENT_BUSY
        start = now - timedelta(minutes=rng.randint(10, 60 * 24 * 6))
        decision = ACT if result is RACK_FULL else _retry_at(start + HOUR)
        history = History(_attempts([result], [start], [auto], [decision], rng), result.outcome)
        history.next_retry_at = start + HOUR if result is AGENT_BUSY else None
        return history
    if kind == "transient":
        results = [rng.choice(TRANSIENTS) for _ in range(rng.randint(1, 4))]
        last = now - timedelta(minutes=rng.randint(1, 80))
        starts = [last - HOUR * i for i in reversed(range(len(results)))]
        triggers = [auto] * len(results)
        if len(results) > 2 and rng.random() < 0.3:
            triggers[-1] = Trigger.USER
        decisions = [_retry_at(s + HOUR) for s in starts]
        attempts = _attempts(results, starts, triggers, decisions, rng)
        return History(attempts, Outcome.TRANSIENT, next_retry_at=last + HOUR)
    if kind == "exhausted":
        results = [rng.choice(TRANSIENTS[1:]) for _ in range(MAX_ATTEMPTS)]
        first = now - timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 600))
        starts = [first + HOUR * i for i in range(MAX_ATTEMPTS)]
        decisions = [_retry_at(s + HOUR) for s in starts[:-1]]
        decisions.append(f"gave up: {MAX_ATTEMPTS} of {MAX_ATTEMPTS} attempts used")
        attempts = _attempts(results, starts, [auto] * MAX_ATTEMPTS, decisions, rng)
        return History(attempts, "exhausted")
    story = rng.choice(["address", "mapping", "credentials"])
    first = now - timedelta(days=rng.randint(0, 10), minutes=rng.randint(5, 1200))
    if story == "address":
        results, triggers = [MAINTENANCE, ADDRESS], [auto, auto]
        starts = [first, first + HOUR]
        decisions = [_retry_at(first + HOUR), ACT]
    elif story == "mapping":
        results, triggers = [MAPPING, MAPPING], [auto, Trigger.USER]
        starts = [first, first + timedelta(hours=rng.randint(1, 20))]
        decisions = [ACT, ACT]
    else:
        results, triggers, starts, decisions = [CREDENTIALS], [auto], [first], [ACT]
    attempts = _attempts(results, starts, triggers, decisions, rng)
    return History(attempts, Outcome.ACTION_REQUIRED, needs_postal_code=story == "address")


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
