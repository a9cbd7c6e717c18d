"""HTTP/1.1 as the sandbox speaks it: reading a request (keep-alive, bodies by
Content-Length) and writing a JSON response."""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

MAX_BODY_BYTES = 1024 * 1024
MAX_HEAD_BYTES = 64 * 1024
IDLE_CONNECTION_TIMEOUT_SECONDS = 120
SERVER = "FulfillmentSandbox/1.0"


class Request:
    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method, self.path, self.headers, self.body = method, path, headers, body


class Closing(Exception):
    """The connection ends: answer ``status`` (a protocol error) and close."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def json_body(body: bytes) -> tuple[bool, Any]:
    try:
        return True, json.loads(body) if body else None
    except ValueError:
        return False, None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def response_bytes(status: int, body: dict, headers, *, close: bool) -> bytes:
    payload = json.dumps(body, separators=(",", ":")).encode()
    lines = [
        f"HTTP/1.1 {status} {_phrase(status)}",
        f"Server: {SERVER}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        *(f"{name}: {value}" for name, value in headers),
    ]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


async def read_request(reader: asyncio.StreamReader) -> tuple[Request, bool] | None:
    """The next request on the connection and whether to close after it; ``None`` at the end
    of the connection. Protocol errors raise ``Closing``."""
    try:
        async with asyncio.timeout(IDLE_CONNECTION_TIMEOUT_SECONDS):
            head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
        return None
    except asyncio.LimitOverrunError as exc:
        raise Closing(431, "Request headers too large") from exc
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise Closing(400, f"Bad request line: {lines[0][:100]!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding"):
        raise Closing(411, "Send the body with a Content-Length header")
    raw_length = headers.get("content-length", "0")
    try:
        length = int(raw_length)
    except ValueError:
        length = -1
    if length < 0:
        raise Closing(400, f"Invalid Content-Length: {raw_length!r}")
    if length > MAX_BODY_BYTES:
        raise Closing(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
    try:
        body = await reader.readexactly(length) if length else b""
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    connection = headers.get("connection", "").lower()
    close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    return Request(method, target.split("?", 1)[0], headers, body), close
