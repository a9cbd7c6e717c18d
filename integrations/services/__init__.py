"""Every write to deliveries and attempts.

- ``delivery``: queue deliveries and hand them to the workers (``deliveries_queue``,
  ``enqueue``);
- ``claims``: which worker may send a delivery now, with a lease (``deliveries_claim``,
  ``claims_renew``, ``claims_hand_back``);
- ``sending``: claim, send and record a task's deliveries (``deliveries_send``,
  ``delivery_send``);
- ``successes``: record many successful sends at once (``successes_record``);
- ``outcomes``: record a failure and decide what happens next (``attempt_record``), and the
  site agents' reports (``agent_report``).
"""

from integrations.services.claims import (
    ABANDONED,
    LEASE_GRACE,
    Claim,
    claims_hand_back,
    claims_renew,
    deliveries_claim,
    deliveries_hold,
)
from integrations.services.delivery import (
    NEW_CYCLE_FIELDS,
    PUSHED,
    QUEUE_FIELDS,
    TASK_CHUNK,
    RandomKey,
    deliveries_queue,
    enqueue,
)
from integrations.services.outcomes import agent_report, attempt_record, hold
from integrations.services.sending import deliveries_send, delivery_send
from integrations.services.successes import successes_record

__all__ = [
    "ABANDONED",
    "LEASE_GRACE",
    "NEW_CYCLE_FIELDS",
    "PUSHED",
    "QUEUE_FIELDS",
    "TASK_CHUNK",
    "Claim",
    "RandomKey",
    "agent_report",
    "attempt_record",
    "claims_hand_back",
    "claims_renew",
    "deliveries_claim",
    "deliveries_hold",
    "deliveries_queue",
    "deliveries_send",
    "delivery_send",
    "enqueue",
    "hold",
    "successes_record",
]
