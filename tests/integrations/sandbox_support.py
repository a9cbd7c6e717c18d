"""What the sandbox's tests share: an order to send, and sending it."""

import uuid
from typing import Any

import httpx


def make_order(*, postal_code: str | None = "10115") -> dict[str, Any]:
    address: dict[str, Any] = {"line1": "Invalidenstr. 1", "city": "Berlin"}
    if postal_code is not None:
        address["postal_code"] = postal_code
    return {
        "uuid": str(uuid.uuid4()),
        "number": "R-1001",
        "type": "sale",
        "attributes": {"shipping_address": address, "lines": [{"sku": "TEA-1", "qty": 2}]},
    }


def push(
    client: httpx.Client,
    order: dict[str, Any] | None = None,
    *,
    key: str | None = "order-1",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    all_headers = dict(headers or {})
    if key is not None:
        all_headers["Idempotency-Key"] = key
    return client.post("/orders", json=order or make_order(), headers=all_headers)
