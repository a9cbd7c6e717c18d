"""The HTTP push backend's classification, each row against the sandbox over real HTTP."""

import pytest

from integrations.backends import http_push
from integrations.models import Attempt, Integration
from tests.support import closed_port

OUT = Attempt.Outcome
PAYLOAD = {"uuid": "u-1", "number": "RD-1", "type": "create", "attributes": {}}


def integration(url: str, **kwargs) -> Integration:
    """An unsaved integration: the backend reads only its fields."""
    return Integration(
        name="Sandbox", endpoint_url=url, timeout_seconds=kwargs.pop("timeout", 2.0), **kwargs
    )


# forced response, expected (outcome, status, code, retry_after)
FORCED = [
    pytest.param({"status": 500}, (OUT.TRANSIENT, 500, "internal_error", None), id="500"),
    pytest.param(
        {"status": 502, "code": "bad_gateway"}, (OUT.TRANSIENT, 502, "bad_gateway", None), id="502"
    ),
    pytest.param(
        {"status": 429, "retry_after": 7},
        (OUT.TRANSIENT, 429, "rate_limited", 7),
        id="429-retry-after",
    ),
    pytest.param(
        {"status": 400, "code": "bad_request", "message": "sku missing"},
        (OUT.ACTION_REQUIRED, 400, "bad_request", None),
        id="400",
    ),
    pytest.param(
        {
            "status": 422,
            "code": "mapping_missing",
            "message": "Ship method EXPRESS-2 is not mapped",
        },
        (OUT.ACTION_REQUIRED, 422, "mapping_missing", None),
        id="422",
    ),
    pytest.param({"status": 401}, (OUT.ACTION_REQUIRED, 401, "credentials", None), id="401"),
    pytest.param({"status": 403}, (OUT.ACTION_REQUIRED, 403, "credentials", None), id="403"),
]


@pytest.mark.parametrize(("forced", "expected"), FORCED)
def test_forced_statuses(sandbox, forced, expected):
    sandbox.force(forced)
    result = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    assert (
        result.outcome,
        result.remote_status,
        result.error_code,
        result.retry_after_seconds,
    ) == expected
    if "message" in forced:
        assert result.message == forced["message"]


def test_accepted_is_success_with_the_external_id(sandbox):
    result = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    assert (result.outcome, result.remote_status) == (OUT.SUCCESS, 201)
    assert result.external_id == sandbox.accepted()["key-1"]["id"]


def test_already_accepted_409_is_success(sandbox):
    first = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    again = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    assert (again.outcome, again.remote_status, again.error_code) == (
        OUT.SUCCESS,
        409,
        "already_accepted",
    )
    assert again.external_id == first.external_id
    assert sandbox.send_counts() == {"key-1": 2}
    assert len(sandbox.accepted()) == 1


def test_maintenance_503_is_transient_and_honours_retry_after(sandbox):
    sandbox.set_mode(maintenance=True)
    result = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    assert (result.outcome, result.remote_status, result.error_code) == (
        OUT.TRANSIENT,
        503,
        "maintenance",
    )
    assert result.retry_after_seconds == 30
    assert result.summary == "HTTP 503 maintenance: Planned maintenance in progress"


def test_validation_422_carries_the_remote_message(sandbox):
    sandbox.set_mode(require_postal_code=True)
    result = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    assert (result.outcome, result.remote_status, result.error_code) == (
        OUT.ACTION_REQUIRED,
        422,
        "address_invalid",
    )
    assert result.message == "Shipping address needs a postal code"


def test_timeout_is_transient(sandbox):
    sandbox.force({"delay_ms": 1500})
    result = http_push(integration(sandbox.orders_url, timeout=0.3), PAYLOAD, "key-1")
    assert (result.outcome, result.error_code) == (OUT.TRANSIENT, "timeout")
    assert "No answer within 0.3s" in result.message
    assert "Traceback" in result.traceback


def test_dropped_connection_is_transient(sandbox):
    sandbox.force({"status": 500, "drop": True})
    result = http_push(integration(sandbox.orders_url), PAYLOAD, "key-1")
    assert (result.outcome, result.error_code) == (OUT.TRANSIENT, "connection_error")


def test_connection_refused_is_transient():
    result = http_push(integration(f"http://127.0.0.1:{closed_port()}/orders"), PAYLOAD, "key-1")
    assert (result.outcome, result.error_code, result.remote_status) == (
        OUT.TRANSIENT,
        "connection_error",
        None,
    )
    assert "ConnectError" in result.message


def test_wrong_credential_is_action_required(sandbox, monkeypatch):
    sandbox.stop()
    with type(sandbox)(token="right-token") as guarded:
        monkeypatch.setenv("SANDBOX_TOKEN", "wrong-token")
        refused = http_push(
            integration(guarded.orders_url, credential_env_var="SANDBOX_TOKEN"), PAYLOAD, "k"
        )
        monkeypatch.setenv("SANDBOX_TOKEN", "right-token")
        accepted = http_push(
            integration(guarded.orders_url, credential_env_var="SANDBOX_TOKEN"), PAYLOAD, "k"
        )
    assert (refused.outcome, refused.remote_status, refused.error_code) == (
        OUT.ACTION_REQUIRED,
        401,
        "credentials",
    )
    assert accepted.outcome == OUT.SUCCESS


def test_missing_credential_sends_nothing(sandbox, monkeypatch):
    monkeypatch.delenv("SANDBOX_TOKEN", raising=False)
    result = http_push(
        integration(sandbox.orders_url, credential_env_var="SANDBOX_TOKEN"), PAYLOAD, "k"
    )
    assert (result.outcome, result.error_code) == (OUT.ACTION_REQUIRED, "credentials")
    assert "SANDBOX_TOKEN is not set" in result.message
    assert sandbox.send_counts() == {}
