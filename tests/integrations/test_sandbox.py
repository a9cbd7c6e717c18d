import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from integrations.sandbox import FulfillmentSandbox, SandboxConfigError, SandboxMode
from tests.integrations.sandbox_support import make_order, push


@pytest.fixture
def client(sandbox: FulfillmentSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=5) as http:
        yield http


def test_accepts_a_new_order(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    order = make_order()

    response = push(client, order)

    assert response.status_code == 201
    body = response.json()
    assert body == {"id": "SBX-000001", "status": "accepted"}
    assert sandbox.accepted() == {"order-1": {"id": "SBX-000001", "order": order}}
    assert sandbox.send_counts() == {"order-1": 1}
    assert sandbox.orders_url == f"{sandbox.url}/orders"
    assert response.headers["content-type"] == "application/json"


def test_keeps_the_connection_alive(client: httpx.Client) -> None:
    first = push(client, key="a")
    second = push(client, key="b")

    assert first.http_version == second.http_version == "HTTP/1.1"
    assert "close" not in first.headers.get("connection", "")
    assert second.json()["id"] == "SBX-000002"


def test_duplicate_key_is_409_with_the_same_id(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    accepted = push(client).json()

    response = push(client)

    assert response.status_code == 409
    assert response.json() == {
        "code": "already_accepted",
        "message": "Order already accepted",
        "id": accepted["id"],
    }
    assert sandbox.send_counts() == {"order-1": 2}
    assert len(sandbox.accepted()) == 1


def test_concurrent_sends_of_one_key_accept_once(sandbox: FulfillmentSandbox) -> None:
    def send(_: int) -> int:
        with httpx.Client(base_url=sandbox.url, timeout=5) as http:
            return push(http, key="racy").status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(send, range(32)))

    assert sorted(statuses) == [201] + [409] * 31
    assert sandbox.send_counts() == {"racy": 32}


def test_missing_idempotency_key_is_400(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    response = push(client, key=None)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert sandbox.send_counts() == {}
    assert sandbox.accepted() == {}


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b""])
def test_body_that_is_not_a_json_order_is_400(client: httpx.Client, content: bytes) -> None:
    response = client.post(
        "/orders",
        content=content,
        headers={"Idempotency-Key": "k", "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_json"
    assert body["message"]


def test_maintenance_is_503_with_retry_after(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    sandbox.set_mode(maintenance=True)

    response = push(client)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json() == {
        "code": "maintenance",
        "message": "Planned maintenance in progress",
    }
    assert sandbox.send_counts() == {"order-1": 1}
    assert sandbox.accepted() == {}


def test_failure_rate_one_always_fails(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    sandbox.set_mode(failure_rate=1.0)

    statuses = [push(client).status_code for _ in range(3)]

    assert statuses == [500, 500, 500]
    assert push(client).json()["code"] == "internal_error"
    assert sandbox.accepted() == {}
    assert sandbox.send_counts() == {"order-1": 4}


def test_seeded_failures_repeat() -> None:
    def outcomes() -> list[int]:
        mode = SandboxMode(failure_rate=0.5, seed=42)
        with FulfillmentSandbox(mode=mode) as sb, httpx.Client(base_url=sb.url) as http:
            return [push(http, key=f"k{n}").status_code for n in range(20)]

    first = outcomes()

    assert first == outcomes()
    assert set(first) == {201, 500}


def test_require_postal_code(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    sandbox.set_mode(require_postal_code=True)

    rejected = push(client, make_order(postal_code="  "), key="no-zip")
    no_attributes = push(client, {"uuid": "u", "number": "1", "type": "sale"}, key="bare")
    accepted = push(client, make_order(postal_code="10115"), key="zip")

    assert rejected.status_code == 422
    assert rejected.json() == {
        "code": "address_invalid",
        "message": "Shipping address needs a postal code",
        "field": "attributes.shipping_address.postal_code",
    }
    assert no_attributes.status_code == 422
    assert accepted.status_code == 201
    assert list(sandbox.accepted()) == ["zip"]


def test_token_is_required_when_configured() -> None:
    with FulfillmentSandbox(token="s3cret") as sb, httpx.Client(base_url=sb.url) as http:
        missing = push(http, key="a")
        wrong = push(http, key="a", headers={"Authorization": "Bearer nope"})
        right = push(http, key="a", headers={"Authorization": "Bearer s3cret"})

        assert missing.status_code == wrong.status_code == 401
        assert missing.json()["code"] == "unauthorized"
        assert missing.json()["message"]
        assert right.status_code == 201
        assert sb.send_counts() == {"a": 3}
        assert http.get("/_sandbox/state").status_code == 200


def test_forced_429_with_retry_after_is_one_shot(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    sandbox.force({"status": 429, "retry_after": 7})

    limited = push(client)
    next_one = push(client)

    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    assert limited.json() == {"code": "rate_limited", "message": "Too Many Requests"}
    assert next_one.status_code == 201
    assert sandbox.mode.forced == []


def test_forced_response_with_custom_code_and_message(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    sandbox.force({"status": 422, "code": "sku_unknown", "message": "Unknown SKU TEA-1"})

    response = push(client)

    assert response.status_code == 422
    assert response.json() == {"code": "sku_unknown", "message": "Unknown SKU TEA-1"}
    assert "retry-after" not in response.headers


def test_forced_delay_lets_the_client_time_out(sandbox: FulfillmentSandbox) -> None:
    sandbox.force({"status": 503, "delay_ms": 3000})

    with (
        httpx.Client(base_url=sandbox.url, timeout=0.2) as http,
        pytest.raises(httpx.ReadTimeout),
    ):
        push(http)

    assert sandbox.send_counts() == {"order-1": 1}


def test_forced_drop_closes_without_answer(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    sandbox.force({"status": 500, "drop": True})

    with pytest.raises(httpx.RemoteProtocolError):
        push(client)

    assert sandbox.accepted() == {}
    assert push(client).status_code == 201


def test_forced_success_then_drop_accepts_but_loses_the_answer(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    sandbox.force({"status": 201, "drop": True})

    with pytest.raises(httpx.RemoteProtocolError):
        push(client)
    retry = push(client)

    assert retry.status_code == 409
    assert retry.json()["id"] == sandbox.accepted()["order-1"]["id"]
    assert sandbox.send_counts() == {"order-1": 2}


def test_control_endpoints(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    assert client.get("/_sandbox/health").status_code == 200

    mode = client.post("/_sandbox/mode", json={"maintenance": True, "latency_ms": 1})
    assert mode.status_code == 200
    assert mode.json()["mode"]["maintenance"] is True
    assert push(client).status_code == 503

    client.post("/_sandbox/mode", json={"maintenance": False})
    forced = client.post("/_sandbox/force", json=[{"status": 502}, {"status": 504}])
    assert forced.json() == {"queued": 2}
    assert [push(client, key=k).status_code for k in ("a", "b", "c")] == [502, 504, 201]

    state = client.get("/_sandbox/state").json()
    assert state["mode"]["forced"] == []
    assert state["mode"]["latency_ms"] == 1
    assert list(state["accepted"]) == ["c"]
    assert state["accepted"]["c"]["id"] == "SBX-000001"
    assert state["accepted"]["c"]["order"]["number"] == "R-1001"
    assert state["send_counts"] == {"order-1": 1, "a": 1, "b": 1, "c": 1}
    assert state["accepted_count"] == 1
    assert state["duplicate_sends"] == 0

    assert client.post("/_sandbox/reset").status_code == 200
    assert client.get("/_sandbox/state").json() == {
        "mode": SandboxMode().as_dict(),
        "accepted": {},
        "send_counts": {},
        "accepted_count": 0,
        "duplicate_sends": 0,
    }


def test_state_counts_duplicate_sends(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    for key in ("a", "a", "a", "b"):
        push(client, key=key)

    state = client.get("/_sandbox/state").json()

    assert state["send_counts"] == {"a": 3, "b": 1}
    assert state["accepted_count"] == 2
    assert state["duplicate_sends"] == 2
    assert state == sandbox.state()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"maintenance": True, "bogus": 1}, "bogus"),
        ({"failure_rate": "high"}, "failure_rate"),
        ({"failure_rate": 1.5}, "failure_rate"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"maintenance": "yes"}, "maintenance"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_bad_mode_is_400_naming_the_field(
    sandbox: FulfillmentSandbox, client: httpx.Client, fields: dict[str, Any], field: str
) -> None:
    response = client.post("/_sandbox/mode", json=fields)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_mode"
    assert body["field"] == field
    assert field in body["message"]
    assert sandbox.mode == SandboxMode()


def test_bad_forced_response_is_400(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    unknown = client.post("/_sandbox/force", json=[{"status": 429, "after": 3}])
    bad_status = client.post("/_sandbox/force", json=[{"status": 42}])

    assert unknown.status_code == bad_status.status_code == 400
    assert unknown.json()["field"] == "forced.after"
    assert bad_status.json()["field"] == "forced.status"
    assert sandbox.mode.forced == []


def test_python_side_validation(sandbox: FulfillmentSandbox) -> None:
    with pytest.raises(SandboxConfigError) as excinfo:
        sandbox.set_mode(latency=5)
    assert excinfo.value.field == "latency"

    with pytest.raises(SandboxConfigError):
        sandbox.force({"status": 429, "drop": "yes"})

    assert sandbox.force({"status": 429}) == 1
    assert sandbox.mode.forced == [
        {
            "status": 429,
            "retry_after": None,
            "code": None,
            "message": None,
            "delay_ms": None,
            "drop": False,
        }
    ]
    sandbox.reset()
    assert sandbox.mode == SandboxMode()


def test_unknown_path_and_method_are_json(client: httpx.Client) -> None:
    missing = client.get("/nowhere")
    wrong_method = client.get("/orders")

    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"
    assert wrong_method.json()["code"] == "method_not_allowed"


def test_stop_frees_the_port_and_cuts_open_connections() -> None:
    sandbox = FulfillmentSandbox().start()
    port = sandbox.port
    with httpx.Client(base_url=sandbox.url, timeout=2) as http:
        assert push(http).status_code == 201

        sandbox.stop()

        with pytest.raises(httpx.TransportError):
            push(http)

    with socket.create_server(("127.0.0.1", port)) as reused:
        assert reused.getsockname()[1] == port
    with FulfillmentSandbox(port=port) as again, httpx.Client(base_url=again.url) as http:
        assert push(http).status_code == 201
