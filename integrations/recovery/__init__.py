"""Automatic recovery: the sweep that claims due retries for the workers, releases held
deliveries and closes maintenance windows, and the resends that follow a person's fix.

Every step claims its rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` inside a short
transaction, so any number of sweeps on any number of hosts can run at once: each row is taken
by exactly one of them, and none waits for another.

- ``sweep``: one pass of the sweep (``sweep_due``);
- ``retries``: due retries claimed (``retries_claim_due``) and sent again by a worker
  (``retries_send``);
- ``releases``: lost deliveries re-queued, held ones released, ended windows closed;
- ``resends``: an integration fixed by a person resends the orders waiting on it.
"""

from integrations.recovery.releases import (
    QUEUED_GRACE,
    deliveries_reclaim_expired,
    deliveries_release,
    deliveries_release_due,
    windows_close_ended,
)
from integrations.recovery.resends import (
    CONFIGURATION_CODES,
    CREDENTIAL_CODES,
    MAPPING_CODES,
    RESEND_ON_CHANGE,
    integration_fixed,
    orders_waiting_on,
)
from integrations.recovery.retries import (
    RETRY_CLAIM_LEASE,
    retries_claim_due,
    retries_hand_out,
    retries_send,
)
from integrations.recovery.sweep import SweepResult, sweep_due

__all__ = [
    "CONFIGURATION_CODES",
    "CREDENTIAL_CODES",
    "MAPPING_CODES",
    "QUEUED_GRACE",
    "RESEND_ON_CHANGE",
    "RETRY_CLAIM_LEASE",
    "SweepResult",
    "deliveries_reclaim_expired",
    "deliveries_release",
    "deliveries_release_due",
    "integration_fixed",
    "orders_waiting_on",
    "retries_claim_due",
    "retries_hand_out",
    "retries_send",
    "sweep_due",
    "windows_close_ended",
]
