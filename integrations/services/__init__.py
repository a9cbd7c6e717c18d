"""Every write of the integrations app: sending, recovery, the breaker, configuration.

Sending (an order's way to the remote system and back):
- ``routes``: where an offering's orders go, kept in step with its main integration
  (``routes_follow_offering``);
- ``delivery``: queue a delivery per route for orders entering ``executing``, hand them to the
  workers, and queue those that waited for another once it succeeded (``deliveries_queue``,
  ``enqueue``, ``deliveries_unblock``);
- ``claims``: which worker may send a delivery now, with a lease (``deliveries_claim``,
  ``claims_renew``, ``claims_hand_back``, ``admitted``);
- ``sending``: claim, send and record a task's deliveries (``deliveries_send``);
- ``successes``: record many successful sends at once (``successes_record``);
- ``outcomes``: record a failure and decide what happens next (``attempt_record``);
- ``agents``: a site agent's report (``agent_report``);
- ``breaker``: count outcomes, open, take the probe, close;
- ``alerting``: what an attempt means for alerts.

Recovery (every step claims its rows with ``SKIP LOCKED`` in a short transaction, so any number
of sweeps on any number of hosts can run at once):
- ``sweep``: one pass of the sweep (``sweep_due``);
- ``retries``: due retries claimed (``retries_claim_due``) and sent again by a worker
  (``retries_send``); optional deliveries' due retries queued (``deliveries_retry_due``);
- ``releases``: lost deliveries re-queued, held ones released, ended windows closed;
- ``resends``: an integration fixed by a person resends the orders waiting on it.

Configuration: ``configuration`` (an integration's settings and their rules), ``windows``
(maintenance windows), ``retention`` (pruning old history). ``logs``: the send log lines and
attempt metrics.
"""

from integrations.services.agents import agent_report
from integrations.services.alerting import (
    alerts_breaker_closed,
    alerts_for_attempt,
    alerts_record_attempt,
)
from integrations.services.breaker import breaker_close, breaker_record, cooldown, probe_take
from integrations.services.claims import (
    ABANDONED,
    LEASE_GRACE,
    Claim,
    admitted,
    claims_hand_back,
    claims_renew,
    claims_requeue,
    deliveries_claim,
    deliveries_hold,
)
from integrations.services.configuration import (
    CONFIG_FIELDS,
    DURATION_FIELDS,
    LIMIT_FIELDS,
    RETRY_FIELDS,
    integration_check,
    integration_create,
    integration_resend_waiting,
    integration_update,
    without_credentials,
)
from integrations.services.delivery import (
    NEW_CYCLE_FIELDS,
    PUSHED,
    QUEUE_FIELDS,
    TASK_CHUNK,
    deliveries_queue,
    deliveries_unblock,
    enqueue,
)
from integrations.services.incidents import (
    Released,
    held_release,
    incident_end,
    incident_failed,
    incident_release,
    integration_recovered,
)
from integrations.services.outcomes import attempt_record, hold
from integrations.services.releases import (
    QUEUED_GRACE,
    deliveries_reclaim_expired,
    deliveries_release,
    deliveries_release_due,
    lane_waiting,
    releases_due,
    windows_close_ended,
)
from integrations.services.resends import integration_fixed, orders_waiting_on
from integrations.services.retention import PruneResult, history_prune, last_key_before
from integrations.services.retries import (
    RETRY_CLAIM_LEASE,
    deliveries_retry_due,
    retries_claim_due,
    retries_hand_out,
    retries_send,
)
from integrations.services.routes import routes_follow_offering
from integrations.services.sending import deliveries_send, delivery_send
from integrations.services.successes import successes_record
from integrations.services.sweep import SweepResult, sweep_due
from integrations.services.windows import (
    maintenance_window_create,
    maintenance_window_delete,
    maintenance_window_update,
)

__all__ = [
    "ABANDONED",
    "CONFIG_FIELDS",
    "DURATION_FIELDS",
    "LEASE_GRACE",
    "LIMIT_FIELDS",
    "NEW_CYCLE_FIELDS",
    "PUSHED",
    "QUEUED_GRACE",
    "QUEUE_FIELDS",
    "RETRY_CLAIM_LEASE",
    "RETRY_FIELDS",
    "TASK_CHUNK",
    "Claim",
    "PruneResult",
    "Released",
    "SweepResult",
    "admitted",
    "agent_report",
    "alerts_breaker_closed",
    "alerts_for_attempt",
    "alerts_record_attempt",
    "attempt_record",
    "breaker_close",
    "breaker_record",
    "claims_hand_back",
    "claims_renew",
    "claims_requeue",
    "cooldown",
    "deliveries_claim",
    "deliveries_hold",
    "deliveries_queue",
    "deliveries_reclaim_expired",
    "deliveries_release",
    "deliveries_release_due",
    "deliveries_retry_due",
    "deliveries_send",
    "deliveries_unblock",
    "delivery_send",
    "enqueue",
    "held_release",
    "history_prune",
    "hold",
    "incident_end",
    "incident_failed",
    "incident_release",
    "integration_check",
    "integration_create",
    "integration_fixed",
    "integration_recovered",
    "integration_resend_waiting",
    "integration_update",
    "lane_waiting",
    "last_key_before",
    "maintenance_window_create",
    "maintenance_window_delete",
    "maintenance_window_update",
    "orders_waiting_on",
    "probe_take",
    "releases_due",
    "retries_claim_due",
    "retries_hand_out",
    "retries_send",
    "routes_follow_offering",
    "successes_record",
    "sweep_due",
    "windows_close_ended",
    "without_credentials",
]
