"""The HTTP side of the fulfillment sandbox: request handler, server and its lifecycle."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import socketserver
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from integrations.sandbox.mode import SandboxConfigError, SandboxMode
from integrations.sandbox.state import SandboxState, default_error_code, error_body

logger = logging.getLogger("integrations.sandbox")

MAX_BODY_BYTES = 1024 * 1024
_POLL_INTERVAL_SECONDS = 0.05
_IDLE_CONNECTION_TIMEOUT_SECONDS = 120


class _SandboxRequestHandler(BaseHTTPRequestHandler):
    """Routes requests to the order API and the ``/_sandbox`` control endpoints.

    ``wbufsize`` buffers the response so that status line, headers and body leave in
    a single send; together with TCP_NODELAY this keeps keep-alive round trips fast.
    """

    protocol_version = "HTTP/1.1"
    server_version = "FulfillmentSandbox/1.0"
    wbufsize = -1
    disable_nagle_algorithm = True
    timeout = _IDLE_CONNECTION_TIMEOUT_SECONDS
    server: SandboxHTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path.rstrip("/") or "/"
        routes = _ROUTES.get(path)
        try:
            if routes is None:
                self._send_json(
                    404, error_body("not_found", f"No such endpoint: {self.command} {path}")
                )
            elif self.command not in routes:
                self._send_json(
                    405,
                    error_body("method_not_allowed", f"{path} does not accept {self.command}"),
                    (("Allow", ", ".join(sorted(routes))),),
                )
            else:
                routes[self.command](self, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read_body(self) -> bytes | None:
        """Read the request body, or answer the error and return None."""
        if self.headers.get("Transfer-Encoding"):
            self.send_error(411, "Send the body with a Content-Length header")
            return None
        raw_length = self.headers.get("Content-Length", "0")
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            self.send_error(400, f"Invalid Content-Length: {raw_length!r}")
            return None
        if length > MAX_BODY_BYTES:
            self.send_error(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
            return None
        return self.rfile.read(length) if length else b""

    def _send_json(
        self,
        status: int,
        body: dict[str, Any],
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        payload = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def _json_body(self, body: bytes) -> tuple[bool, Any]:
        try:
            return True, json.loads(body) if body else None
        except ValueError as exc:
            self._send_json(
                400, error_body("invalid_json", f"Request body is not valid JSON: {exc}")
            )
            return False, None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer protocol-level errors with JSON too, and close the connection."""
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = f"HTTP {code}"
        with contextlib.suppress(OSError):
            self._send_json(code, error_body(default_error_code(code), message or phrase))

    def log_message(self, format: str, *args: Any) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s - %s", self.address_string(), format % args)

    def post_order(self, body: bytes) -> None:
        response = self.server.state.handle_order(
            idempotency_key=self.headers.get("Idempotency-Key"),
            authorization=self.headers.get("Authorization"),
            body=body,
        )
        if response.drop:
            self.close_connection = True
            return
        self._send_json(response.status, response.body, response.headers)

    def get_state(self, body: bytes) -> None:
        self._send_json(200, self.server.state.snapshot())

    def get_mode(self, body: bytes) -> None:
        self._send_json(200, {"mode": self.server.state.mode().as_dict()})

    def post_mode(self, body: bytes) -> None:
        ok, fields = self._json_body(body)
        if not ok:
            return
        if not isinstance(fields, dict):
            self._send_json(
                400, error_body("invalid_mode", "The mode must be a JSON object of mode fields")
            )
            return
        try:
            mode = self.server.state.update_mode(fields)
        except SandboxConfigError as exc:
            self._send_json(400, error_body("invalid_mode", exc.message, field=exc.field))
            return
        self._send_json(200, {"mode": mode.as_dict()})

    def post_force(self, body: bytes) -> None:
        ok, responses = self._json_body(body)
        if not ok:
            return
        if isinstance(responses, dict):
            responses = [responses]
        if not isinstance(responses, list):
            self._send_json(
                400,
                error_body("invalid_forced_response", "Send a list of forced response objects"),
            )
            return
        try:
            queued = self.server.state.force(*responses)
        except SandboxConfigError as exc:
            self._send_json(
                400, error_body("invalid_forced_response", exc.message, field=exc.field)
            )
            return
        self._send_json(200, {"queued": queued})

    def post_reset(self, body: bytes) -> None:
        self.server.state.reset()
        self._send_json(200, {"status": "reset"})

    def get_health(self, body: bytes) -> None:
        self._send_json(200, {"status": "ok"})


_Route = Callable[[_SandboxRequestHandler, bytes], None]

_ROUTES: dict[str, dict[str, _Route]] = {
    "/orders": {"POST": _SandboxRequestHandler.post_order},
    "/_sandbox/state": {"GET": _SandboxRequestHandler.get_state},
    "/_sandbox/mode": {
        "GET": _SandboxRequestHandler.get_mode,
        "POST": _SandboxRequestHandler.post_mode,
    },
    "/_sandbox/force": {"POST": _SandboxRequestHandler.post_force},
    "/_sandbox/reset": {"POST": _SandboxRequestHandler.post_reset},
    "/_sandbox/health": {"GET": _SandboxRequestHandler.get_health},
}


class SandboxHTTPServer(ThreadingHTTPServer):
    """A thread per connection; tracks open connections so ``stop`` can cut them."""

    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        self.state = state
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _SandboxRequestHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host, which can stall."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("Error while serving %s", client_address, exc_info=True)


class FulfillmentSandbox:
    """A real HTTP fulfillment service for demos, tests and benchmarks.

    The listening socket is opened by ``bind()``, which ``start()`` and
    ``serve_forever()`` call when needed; with ``port=0`` the OS picks a free port,
    readable from ``port``/``url`` afterwards.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        mode: SandboxMode | None = None,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.token = token
        self._state = SandboxState(token=token, mode=mode or SandboxMode())
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._serving = False
        self._lifecycle_lock = threading.Lock()

    def bind(self) -> Self:
        with self._lifecycle_lock:
            if self._server is None:
                self._state.stopping.clear()
                self._server = SandboxHTTPServer((self.host, self.requested_port), self._state)
        return self

    def start(self) -> Self:
        """Serve on a daemon thread and return immediately."""
        server = self.bind()._require_server()
        with self._lifecycle_lock:
            if self._serving:
                raise RuntimeError("The fulfillment sandbox is already serving")
            self._serving = True
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL_SECONDS},
                name=f"fulfillment-sandbox-{server.server_port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until ``stop()`` or KeyboardInterrupt."""
        server = self.bind()._require_server()
        with self._lifecycle_lock:
            if self._serving:
                raise RuntimeError("The fulfillment sandbox is already serving")
            self._serving = True
        try:
            server.serve_forever(poll_interval=_POLL_INTERVAL_SECONDS)
        finally:
            self._close()

    def stop(self) -> None:
        """Stop serving, cut open connections, wake pending delays and free the port."""
        with self._lifecycle_lock:
            server, thread, serving = self._server, self._thread, self._serving
        if server is None:
            return
        self._state.stopping.set()
        if serving:
            server.shutdown()
        if thread is not None:
            thread.join()
        self._close()

    def _close(self) -> None:
        with self._lifecycle_lock:
            server, self._server, self._thread, self._serving = self._server, None, None, False
        if server is not None:
            server.close_connections()
            server.server_close()

    def _require_server(self) -> SandboxHTTPServer:
        server = self._server
        if server is None:
            raise RuntimeError("The fulfillment sandbox is not bound; call start() first")
        return server

    def __enter__(self) -> Self:
        return self if self.running else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._serving

    @property
    def port(self) -> int:
        return self._require_server().server_port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def orders_url(self) -> str:
        return f"{self.url}/orders"

    @property
    def mode(self) -> SandboxMode:
        """A copy of the current mode; change it with ``set_mode``/``force``."""
        return self._state.mode()

    def accepted(self) -> dict[str, dict[str, Any]]:
        """Idempotency key -> ``{"id": external id, "order": accepted payload}``."""
        return self._state.accepted()

    def send_counts(self) -> dict[str, int]:
        """Idempotency key -> number of order POSTs received with it, whatever the answer."""
        return self._state.send_counts()

    def state(self) -> dict[str, Any]:
        """The same document as ``GET /_sandbox/state``."""
        return self._state.snapshot()

    def set_mode(self, /, **fields: Any) -> SandboxMode:
        """Change some mode fields; raises SandboxConfigError for unknown or bad ones."""
        return self._state.update_mode(fields)

    def force(self, *responses: dict[str, Any]) -> int:
        """Queue one-shot forced responses; returns how many are queued now."""
        return self._state.force(*responses)

    def reset(self) -> None:
        """Forget accepted orders, counts and forced responses; back to the default mode."""
        self._state.reset()
