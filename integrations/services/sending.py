"""Send: a task's deliveries from their claim to the remote system's recorded answer.

``deliveries_send`` claims all of a task's deliveries at once (``claims.deliveries_claim``),
sends them one after another outside any transaction, and records the answers in runs:
consecutive successes together (``successes.successes_record``), each failure alone
(``outcomes.attempt_record``), in the order they came. Before each send the lease must still
cover it, or it is renewed first. After a transient failure the integration is asked again
whether sending may go on (its breaker may have opened, a maintenance window begun); if not,
the deliveries not sent yet are handed back to wait.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django.utils import timezone

from integrations import backends
from integrations.models import Attempt, Integration
from integrations.services.claims import (
    LEASE_GRACE,
    Claim,
    admitted,
    claims_hand_back,
    claims_renew,
    deliveries_claim,
)
from integrations.services.outcomes import attempt_record
from integrations.services.successes import successes_record

Sent = tuple[Claim, backends.SendResult]


def deliveries_send(*, delivery_ids: list[int], client=None) -> list[Attempt]:
    """Claim, send and record a task's deliveries. Safe to run twice or on several workers.

    Returns the attempts made, each closed with its outcome and decision.
    """
    claims = deliveries_claim(delivery_ids=delivery_ids)
    sent: list[Sent] = []
    try:
        _send_all(claims, sent, client=client)
    finally:
        _record(sent)  # also when a send raised: what was sent is never sent again
    return [claim.attempt for claim in claims]


def delivery_send(*, delivery_id: int, client=None) -> Attempt | None:
    """Claim, send and record one delivery; its attempt, or ``None`` if it was not ours."""
    made = deliveries_send(delivery_ids=[delivery_id], client=client)
    return made[0] if made else None


def _send_all(claims: list[Claim], sent: list[Sent], *, client) -> None:
    """Send ``claims`` in order; answers wait in ``sent`` until a failure, a lease renewal or
    the end (the caller records the last run). Claims handed back are removed from
    ``claims``, so that it ends as the list of attempts made."""
    position = 0
    while position < len(claims):
        claim = claims[position]
        needed = timedelta(seconds=claim.integration.timeout_seconds) + LEASE_GRACE
        if claim.lease_expires_at - timezone.now() < needed:
            _record(sent)
            sent.clear()
            claims[position:] = claims_renew(claims[position:])
            continue
        attempt = claim.attempt
        attempt.started_at = timezone.now()
        result = backends.http_push(
            claim.integration, claim.payload, claim.idempotency_key, client=client
        )
        attempt.finished_at = timezone.now()
        sent.append((claim, result))
        position += 1
        if result.outcome == Attempt.Outcome.SUCCESS:
            continue
        _record(sent)
        sent.clear()
        if result.outcome == Attempt.Outcome.TRANSIENT:
            claims[position:] = _go_on(claims[position:], integration=claim.integration)


def _record(sent: list[Sent]) -> None:
    """Record answers in the order they came: runs of successes together, failures alone."""
    for success, run in groupby(sent, key=lambda item: item[1].outcome == Attempt.Outcome.SUCCESS):
        if success:
            successes_record(sent=list(run))
        else:
            for claim, result in run:
                attempt_record(attempt=claim.attempt, result=result)


def _go_on(rest: list[Claim], *, integration: Integration) -> list[Claim]:
    """After a transient failure at ``integration``, the claims not sent yet that may still
    go: those of that integration are handed back if it may not be sent to now (breaker
    opened, maintenance began); a breaker whose probe is due lets the next one through."""
    mine = [claim for claim in rest if claim.integration.pk == integration.pk]
    if not mine:
        return rest
    allowed, reason = admitted(
        integration=Integration.objects.get(pk=integration.pk), now=timezone.now()
    )
    if allowed is None:
        return rest
    back = mine[allowed:]  # with the breaker's probe taken, the next claim is it
    claims_hand_back(back, reason=reason)
    returned = {id(claim) for claim in back}
    return [claim for claim in rest if id(claim) not in returned]
