"""The integrations' vocabularies, each defined once: what a failure's code says, what the
system decided after an attempt, and what an outcome did to the breaker.

Decisions travel as these values; the words an attempt shows a person (``Attempt.decision``)
are written from them, never read back.
"""

from enum import StrEnum


class FailureCode(StrEnum):
    """``Attempt.error_code`` values Redrive itself gives. A remote system may answer a code of
    its own (``address_invalid``, ``mapping_missing``, ...); those are kept as it said them."""

    CREDENTIALS = "credentials"  # refused credentials (401/403), or the variable is not set
    CONFIGURATION = "configuration"  # the integration cannot send (no endpoint URL)
    MAPPING_MISSING = "mapping_missing"  # a value the remote system has no mapping for
    ADDRESS_INVALID = "address_invalid"
    REJECTED = "rejected"  # any other 4xx without a code of its own
    RATE_LIMITED = "rate_limited"  # 429 without a code of its own
    SERVER_ERROR = "server_error"  # 5xx without a code of its own
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    ABANDONED = "abandoned"  # the worker stopped before recording; reclaimed after its lease
    ALREADY_ACCEPTED = "already_accepted"  # the remote side had accepted this key: a success
    AGENT_ERROR = "agent_error"  # a site agent's failure report without a code


RESEND_ON_CHANGE: dict[str, tuple[FailureCode, ...]] = {
    "credential_env_var": (FailureCode.CREDENTIALS,),
    "endpoint_url": (FailureCode.CREDENTIALS, FailureCode.CONFIGURATION),
    "mapping": (FailureCode.MAPPING_MISSING,),
}
"""A changed configuration field -> the codes of the orders it fixes (they are sent again)."""


class Decision(StrEnum):
    """What the system decided after an attempt."""

    DONE = "done"
    DONE_LATE = "done_late"  # accepted remotely, but the order had moved on meanwhile
    RETRY = "retry"  # an automatic retry is scheduled
    GAVE_UP = "gave_up"  # the retry policy is used up
    ACTION_REQUIRED = "action_required"  # no automatic retry: a person must act
    HELD = "held"  # waits for its integration (breaker, maintenance window)
    THROTTLED = "throttled"  # a 429: sent again at the integration's slowed pace
    SUPERSEDED = "superseded"  # the delivery was reclaimed; a newer attempt decides


class BreakerChange(StrEnum):
    """What recording an outcome did to an integration's circuit breaker."""

    NONE = ""
    OPENED = "opened"
    CLOSED = "closed"
