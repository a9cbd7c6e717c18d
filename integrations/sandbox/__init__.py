"""Sandbox fulfillment server: the "remote system" orders are pushed to in demos and tests.

Standard library only. Start one with ``FulfillmentSandbox().start()`` (or as a context
manager) and point clients at ``orders_url``; steer it from Python (``set_mode``,
``force``, ``reset``) or over HTTP through the ``/_sandbox/...`` control endpoints.
"""

from integrations.sandbox.mode import FORCED_RESPONSE_FIELDS, SandboxConfigError, SandboxMode
from integrations.sandbox.server import FulfillmentSandbox
from integrations.sandbox.state import MAINTENANCE_RETRY_AFTER_SECONDS

__all__ = [
    "FORCED_RESPONSE_FIELDS",
    "MAINTENANCE_RETRY_AFTER_SECONDS",
    "FulfillmentSandbox",
    "SandboxConfigError",
    "SandboxMode",
]
