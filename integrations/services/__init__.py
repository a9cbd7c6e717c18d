"""Every write to deliveries and attempts.

- ``delivery``: queue, claim and send (``deliveries_queue``, ``enqueue``, ``delivery_claim``,
  ``delivery_send``);
- ``outcomes``: record the answer and decide what happens next (``attempt_record``), and the
  site agents' reports (``agent_report``).
"""

from integrations.services.delivery import (
    ABANDONED,
    LEASE_GRACE,
    NEW_CYCLE_FIELDS,
    PUSHED,
    QUEUE_FIELDS,
    TASK_CHUNK,
    RandomKey,
    deliveries_queue,
    delivery_claim,
    delivery_send,
    enqueue,
)
from integrations.services.outcomes import agent_report, attempt_record, hold

__all__ = [
    "ABANDONED",
    "LEASE_GRACE",
    "NEW_CYCLE_FIELDS",
    "PUSHED",
    "QUEUE_FIELDS",
    "TASK_CHUNK",
    "RandomKey",
    "agent_report",
    "attempt_record",
    "deliveries_queue",
    "delivery_claim",
    "delivery_send",
    "enqueue",
    "hold",
]
