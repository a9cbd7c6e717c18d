"""Send: a task's deliveries from their claim to the remote system's recorded answer, many in
flight at once.

``deliveries_send`` claims a first-send task's deliveries in one transaction
(``claims.deliveries_claim``; a recovery task claims a few at a time, as they can go), then
starts their sends as each integration's pacing allows
(``integrations.pacing``: slots in flight, requests a second, lanes), all through the process's
transport (``integrations.transport``), and records the answers as they come: runs of
successes together (``successes.successes_record``), each failure alone
(``outcomes.attempt_record``). The database work happens on this thread between network
waits, never during one. Before a send starts its lease must still cover it, or the leases are
renewed first. After a transient failure the integration is asked again whether sending may go
on (its breaker may have opened, a maintenance window begun); if not, its deliveries not sent
yet are handed back to wait. A recovery task sends for about ``RECOVERY_SLICE_SECONDS`` and
queues what is left as a task of its own, so that recovery never holds a worker for long.
"""

from __future__ import annotations

import concurrent.futures
import random
import time
from collections import deque
from datetime import timedelta
from itertools import groupby
from queue import Empty, SimpleQueue

from django.utils import timezone

from integrations import backends
from integrations.models import Attempt, Integration
from integrations.pacing import Lane, Limits, pace
from integrations.services.claims import (
    LEASE_GRACE,
    Claim,
    admitted,
    claims_hand_back,
    claims_renew,
    claims_requeue,
    deliveries_claim,
)
from integrations.services.delivery import enqueue
from integrations.services.outcomes import attempt_record
from integrations.services.successes import successes_record

Sent = tuple[Claim, backends.SendResult]
RECORD_EVERY = {Lane.FIRST: 0.2, Lane.RECOVERY: 1.0}
"""Seconds successes may wait to be recorded together (or ``RECORD_BATCH`` of them), by lane.
A new order's done is shown within a fifth of a second; recovery traffic is spread over many
tasks that each send a few a second, so each records about once a slice: a fixed number of
queries a record, whatever it holds, makes few records the cheap way to drain a backlog."""
RECORD_BATCH = 250
"""Answers recorded together at most (a record's queries are the same for 1 or 250): a
first-send task's chunk, whose answers come back together at the pace's full width."""
RECOVERY_SLICE_SECONDS = 1.0
"""A recovery task's slice, on average: each is drawn between half and one and a half of it,
so that tasks released together do not all end their slices (and wait out their last
answers) together."""
TOP_UP = 25
"""A recovery task claims this many at a time, when fewer wait to be sent. What it has not
sent by the end of its slice is given back; claiming fewer at a time (5, doubling while the
pacing takes them all) cost more than it saved: bench.outage --backlog 8000, 2026-12-04,
38.5 s to drain and 0.66 commits an order, against 33.4 s and 0.52 at 25 (50: 34.9 s)."""
LONGEST_WAIT = 0.05
LINGER = 0.005
"""After the first answer of a wait, the sender waits this long for the others of its burst
(sends started together end together): each look at the answers gives their slots back and
asks the pacing for more, a round trip to Redis or several, so one look for a burst rather
than one an answer. Slots come back at most this much later (a fortieth of a 200 ms send)."""
"""The longest the sender sleeps between looks at its sends and its pacing."""


def deliveries_send(*, delivery_ids: list[int], lane: str = Lane.FIRST) -> list[Attempt]:
    """Claim, send and record a task's deliveries. Safe to run twice or on several workers.

    Returns the attempts made, each closed with its outcome and decision.
    """
    lane = Lane(lane)
    if lane == Lane.RECOVERY:  # claimed a few at a time, as the pacing lets them go
        batch = Batch([], lane=lane, unclaimed=list(delivery_ids))
    else:
        batch = Batch(deliveries_claim(delivery_ids=delivery_ids), lane=lane)
    try:
        batch.run()
    finally:
        batch.finish()  # also when something raised: what was sent is recorded, never resent
    return [claim.attempt for claim in batch.made]


def delivery_send(*, delivery_id: int) -> Attempt | None:
    """Claim, send and record one delivery; its attempt, or ``None`` if it was not ours."""
    made = deliveries_send(delivery_ids=[delivery_id])
    return made[0] if made else None


class Batch:
    """One task's claims on their way: waiting per integration, in flight, answered."""

    def __init__(
        self, claims: list[Claim], *, lane: Lane, unclaimed: list[int] | None = None
    ) -> None:
        self.lane = lane
        self.made: list[Claim] = []
        self.waiting: dict[int, deque[Claim]] = {}
        self.limits: dict[int, Limits] = {}
        self.unclaimed = deque(unclaimed or [])
        self._take(claims)
        self.in_flight: dict[concurrent.futures.Future, tuple[Claim, str]] = {}
        self.answers: SimpleQueue[concurrent.futures.Future] = SimpleQueue()
        """Sends as they end (each future puts itself here): waiting on this costs the same
        however many are in flight, where ``concurrent.futures.wait`` visits every one."""
        self.answered: list[Sent] = []
        self.oldest_answer = 0.0
        self.slice_ends = time.monotonic() + RECOVERY_SLICE_SECONDS * random.uniform(0.5, 1.5)

    def _take(self, claims: list[Claim]) -> None:
        self.made += claims
        for integration_id, group in groupby(claims, key=lambda c: c.integration.pk):
            self.waiting.setdefault(integration_id, deque()).extend(group)
            self.limits.setdefault(
                integration_id, Limits.of(self.waiting[integration_id][0].integration)
            )

    def _top_up(self) -> None:
        """Claim the next few unclaimed deliveries when those waiting run low (a recovery
        task claims as it goes, so that what its slice does not send was never claimed)."""
        while self.unclaimed and sum(map(len, self.waiting.values())) < TOP_UP:
            ids = [self.unclaimed.popleft() for _ in range(min(TOP_UP, len(self.unclaimed)))]
            self._take(deliveries_claim(delivery_ids=ids))

    def run(self) -> None:
        while self._has_waiting() or self.in_flight or self.unclaimed:
            if self.lane == Lane.RECOVERY and self._slice_over() and self._has_more():
                self._requeue_waiting()
            self._top_up()
            wait = self._start_what_may_go()
            if self.in_flight:
                self._collect(self._ended(timeout=max(min(wait, LONGEST_WAIT), 0.001)))
            elif self._has_waiting() or self.unclaimed:
                time.sleep(min(max(wait, 0.001), LONGEST_WAIT))
            self._record_when_due()

    def finish(self) -> None:
        """Wait for the sends under way (each ends by its timeout) and record every answer."""
        while self.in_flight:
            self._collect(self._ended(timeout=None))
        self._record()

    def _ended(self, *, timeout: float | None) -> list[concurrent.futures.Future]:
        """The sends that ended: the first within ``timeout`` (``None``: however long it
        takes), and every other ended by ``LINGER`` after it (when more are in flight)."""
        try:
            ended = [self.answers.get(timeout=timeout)]
        except Empty:
            return []
        if len(self.in_flight) > 1:
            time.sleep(LINGER)
        while True:
            try:
                ended.append(self.answers.get_nowait())
            except Empty:
                return ended

    def _has_waiting(self) -> bool:
        return any(self.waiting.values())

    def _has_more(self) -> bool:
        """Deliveries not started yet, claimed or not."""
        return self._has_waiting() or bool(self.unclaimed)

    def _slice_over(self) -> bool:
        return time.monotonic() > self.slice_ends

    def _start_what_may_go(self) -> float:
        """Start the sends each integration's pacing lets go now; returns how long until the
        pacing may let more go."""
        wait = LONGEST_WAIT
        for integration_id, queue in self.waiting.items():
            if not queue:
                continue
            wanted = len(queue)
            admission = pace().admit(self.limits[integration_id], wanted=wanted, lane=self.lane)
            if admission.count:
                self._renew_if_needed(integration_id)
                queue = self.waiting[integration_id]  # renewing may have dropped claims
            starting = [(queue.popleft(), slot) for slot in admission.slots[: len(queue)]]
            if spare := admission.slots[len(starting) :]:
                pace().finished(integration_id, spare)
            if starting:
                self._start(starting)
            if admission.count < wanted:
                wait = min(wait, max(admission.wait, 0.001))
        return wait

    def _start(self, starting: list[tuple[Claim, str]]) -> None:
        """Start the sends of one integration's claims (with their slots) in one hand-over."""
        now = timezone.now()
        for claim, _ in starting:
            claim.attempt.started_at = now
        futures = backends.http_push_start_many(
            starting[0][0].integration,
            [(claim.body or claim.payload, claim.idempotency_key) for claim, _ in starting],
        )
        for future, started in zip(futures, starting, strict=True):
            self.in_flight[future] = started
            future.add_done_callback(self._answered)

    def _answered(self, future: concurrent.futures.Future) -> None:
        """A send's answer came (on the transport's thread): note when, for the attempt's
        ``finished_at``. This thread may collect it much later, busy recording others."""
        future.answered_at = timezone.now()
        self.answers.put(future)

    def _renew_if_needed(self, integration_id: int) -> None:
        """Renew the leases of an integration's waiting claims if the next to start would not
        fit in its lease (a claim another worker took meanwhile is dropped)."""
        queue = self.waiting[integration_id]
        claim = queue[0]
        needed = timedelta(seconds=claim.integration.timeout_seconds) + LEASE_GRACE
        if claim.lease_expires_at - timezone.now() >= needed:
            return
        self._record()
        kept = claims_renew(list(queue))
        ours = {id(claim) for claim in kept}
        self._forget([claim for claim in queue if id(claim) not in ours])
        self.waiting[integration_id] = deque(kept)

    def _collect(self, done) -> None:
        finished: dict[int, list[str]] = {}
        succeeded: dict[int, int] = {}
        for future in done:
            claim, slot = self.in_flight.pop(future)
            result = future.result()
            claim.attempt.finished_at = getattr(future, "answered_at", None) or timezone.now()
            integration_id = claim.integration.pk
            finished.setdefault(integration_id, []).append(slot)
            if result.outcome == Attempt.Outcome.SUCCESS:
                succeeded[integration_id] = succeeded.get(integration_id, 0) + 1
            if result.throttled:
                pace().throttled(integration_id, retry_after=result.retry_after_seconds)
            if not self.answered:
                self.oldest_answer = time.monotonic()
            self.answered.append((claim, result))
        pace().finished_many({pk: (slots, succeeded.get(pk, 0)) for pk, slots in finished.items()})

    def _record_when_due(self) -> None:
        failed = any(result.outcome != Attempt.Outcome.SUCCESS for _, result in self.answered)
        late = self.answered and time.monotonic() - self.oldest_answer > RECORD_EVERY[self.lane]
        if failed or late or len(self.answered) >= RECORD_BATCH:
            self._record()

    def _record(self) -> None:
        """Record answers in the order they came: runs of successes together, failures
        alone; after a transient failure, ask whether its integration may still be sent to."""
        answered, self.answered = self.answered, []
        failing: set[int] = set()
        for success, run in groupby(
            answered, key=lambda item: item[1].outcome == Attempt.Outcome.SUCCESS
        ):
            if success:
                successes_record(sent=list(run))
                continue
            for claim, result in run:
                attempt_record(attempt=claim.attempt, result=result)
                if result.outcome == Attempt.Outcome.TRANSIENT and not result.throttled:
                    failing.add(claim.integration.pk)
        for integration_id in failing:
            self._go_on(integration_id)

    def _go_on(self, integration_id: int) -> None:
        """After a transient failure at an integration, hand back its claims not sent yet if
        it may not be sent to now (breaker opened, maintenance began); a breaker whose probe
        is due lets the next one through."""
        queue = self.waiting.get(integration_id)
        if not queue:
            return
        integration = Integration.objects.get(pk=integration_id)
        allowed, reason = admitted(integration=integration, now=timezone.now())
        if allowed is None:
            return
        back = list(queue)[allowed:]  # with the breaker's probe taken, the next claim is it
        claims_hand_back(back, reason=reason)
        self._forget(back)
        self.waiting[integration_id] = deque(list(queue)[:allowed])

    def _requeue_waiting(self) -> None:
        """The recovery slice is over: what has not started goes back to the queue as a task
        of its own (the workers turn to first sends in between): the claims waiting are given
        back, the deliveries never claimed are only handed out again."""
        self._record()
        rest = [claim for queue in self.waiting.values() for claim in queue]
        claims_requeue(rest, lane=self.lane)
        self._forget(rest)
        self.waiting = {}
        if self.unclaimed:
            ids, self.unclaimed = list(self.unclaimed), deque()
            enqueue(ids, lane=self.lane)

    def _forget(self, claims: list[Claim]) -> None:
        """Claims given back unsent are no attempts of this task."""
        gone = {id(claim) for claim in claims}
        self.made = [claim for claim in self.made if id(claim) not in gone]
