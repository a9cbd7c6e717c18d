"""The HTTP side of the fulfillment sandbox: an asyncio server and its lifecycle.

One event loop on a thread of its own serves every connection (HTTP/1.1 keep-alive, bodies by
Content-Length). Latency and forced delays are ``asyncio.sleep``s, so thousands of requests can
wait at once without a thread each: at 200 ms of latency the sandbox answers thousands of order
POSTs a second on a fraction of a core (``bench/clients.py`` prints its capacity).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

from integrations.sandbox.http import (
    MAX_HEAD_BYTES,
    Closing,
    Request,
    json_body,
    read_request,
    response_bytes,
)
from integrations.sandbox.mode import SandboxConfigError, SandboxMode
from integrations.sandbox.state import (
    OrderResponse,
    SandboxState,
    default_error_code,
    error_body,
)

logger = logging.getLogger("integrations.sandbox")

Answer = tuple[int, dict[str, Any], tuple[tuple[str, str], ...]]


class _Handlers:
    """The order API and the ``/_sandbox`` control endpoints, over the shared state."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes: dict[str, dict[str, Callable[[Request], Awaitable[Answer | None]]]] = {
            "/orders": {"POST": self.post_order},
            "/_sandbox/state": {"GET": self.get_state},
            "/_sandbox/load": {"GET": self.get_load},
            "/_sandbox/mode": {"GET": self.get_mode, "POST": self.post_mode},
            "/_sandbox/force": {"POST": self.post_force},
            "/_sandbox/reset": {"POST": self.post_reset},
            "/_sandbox/health": {"GET": self.get_health},
        }

    async def answer(self, request: Request) -> Answer | None:
        path = request.path.rstrip("/") or "/"
        routes = self.routes.get(path)
        if routes is None:
            return 404, error_body("not_found", f"No such endpoint: {request.method} {path}"), ()
        if request.method not in routes:
            return (
                405,
                error_body("method_not_allowed", f"{path} does not accept {request.method}"),
                (("Allow", ", ".join(sorted(routes))),),
            )
        return await routes[request.method](request)

    async def post_order(self, request: Request) -> Answer | None:
        key = request.headers.get("idempotency-key")
        arrival = self.state.arrive(idempotency_key=key)
        try:
            if arrival.limited is not None:
                return _answer(arrival.limited)
            await self._pause(arrival.latency_ms)
            forced = self.state.forced_next()
            if forced is not None:
                await self._pause(forced["delay_ms"])
            response = self.state.respond(
                idempotency_key=key,
                authorization=request.headers.get("authorization"),
                body=request.body,
                forced=forced,
            )
            return None if response.drop else _answer(response)
        finally:
            self.state.depart()

    async def _pause(self, milliseconds: int | None) -> None:
        if milliseconds:
            await asyncio.sleep(milliseconds / 1000)

    async def get_state(self, request: Request) -> Answer:
        return 200, self.state.snapshot(), ()

    async def get_load(self, request: Request) -> Answer:
        return 200, self.state.load(), ()

    async def get_mode(self, request: Request) -> Answer:
        return 200, {"mode": self.state.mode().as_dict()}, ()

    async def post_mode(self, request: Request) -> Answer:
        ok, fields = json_body(request.body)
        if not ok:
            return 400, error_body("invalid_json", "Request body is not valid JSON"), ()
        if not isinstance(fields, dict):
            return 400, error_body("invalid_mode", "The mode must be a JSON object of fields"), ()
        try:
            mode = self.state.update_mode(fields)
        except SandboxConfigError as exc:
            return 400, error_body("invalid_mode", exc.message, field=exc.field), ()
        return 200, {"mode": mode.as_dict()}, ()

    async def post_force(self, request: Request) -> Answer:
        ok, responses = json_body(request.body)
        if not ok:
            return 400, error_body("invalid_json", "Request body is not valid JSON"), ()
        if isinstance(responses, dict):
            responses = [responses]
        if not isinstance(responses, list):
            problem = "Send a list of forced response objects"
            return 400, error_body("invalid_forced_response", problem), ()
        try:
            queued = self.state.force(*responses)
        except SandboxConfigError as exc:
            return 400, error_body("invalid_forced_response", exc.message, field=exc.field), ()
        return 200, {"queued": queued}, ()

    async def post_reset(self, request: Request) -> Answer:
        self.state.reset()
        return 200, {"status": "reset"}, ()

    async def get_health(self, request: Request) -> Answer:
        return 200, {"status": "ok"}, ()


def _answer(response: OrderResponse) -> Answer:
    return response.status, response.body, response.headers


class _Server:
    """The listening socket, the loop on its thread, and the open connections."""

    def __init__(self, sock: socket.socket, state: SandboxState) -> None:
        self.sock = sock
        self.handlers = _Handlers(state)
        self.loop = asyncio.new_event_loop()
        self.connections: set[asyncio.Task] = set()
        self.server: asyncio.base_events.Server | None = None

    def run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, sock=self.sock, limit=MAX_HEAD_BYTES, backlog=1024)
        )
        ready.set()
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self._close())
            self.loop.close()

    async def _close(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.connections):
            task.cancel()
        await asyncio.gather(*self.connections, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self.connections.add(task)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await self._requests(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                read = await read_request(reader)
            except Closing as closing:
                code = default_error_code(closing.status)
                writer.write(
                    response_bytes(
                        closing.status, error_body(code, closing.message), (), close=True
                    )
                )
                await writer.drain()
                return
            if read is None:
                return
            request, close = read
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("%s %s", request.method, request.path)
            answer = await self.handlers.answer(request)
            if answer is None:  # a forced drop: the connection ends without an answer
                return
            status, body, headers = answer
            writer.write(response_bytes(status, body, headers, close=close))
            if writer.transport.get_write_buffer_size() > 65536:
                await writer.drain()
            if close:
                await writer.drain()
                return


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
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle_lock = threading.Lock()

    def bind(self) -> Self:
        with self._lifecycle_lock:
            if self._socket is None:
                self._state.stopping.clear()
                family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
                sock = socket.socket(family, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((self.host, self.requested_port))
                    sock.listen(1024)
                except OSError:
                    sock.close()
                    raise
                sock.setblocking(False)
                self._socket = sock
        return self

    def start(self) -> Self:
        """Serve on a daemon thread and return immediately."""
        sock = self.bind()._require_socket()
        with self._lifecycle_lock:
            if self._server is not None:
                raise RuntimeError("The fulfillment sandbox is already serving")
            self._server = _Server(sock, self._state)
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._server.run,
                args=(ready,),
                name=f"fulfillment-sandbox-{self.port}",
                daemon=True,
            )
            self._thread.start()
        ready.wait()
        return self

    def serve_forever(self) -> None:
        """Serve until ``stop()`` (from another thread) or KeyboardInterrupt."""
        self.start()
        try:
            while self.running:
                self._state.stopping.wait(0.2)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, cut open connections, end pending delays and free the port."""
        with self._lifecycle_lock:
            server, thread, sock = self._server, self._thread, self._socket
            self._server = self._thread = self._socket = None
        self._state.stopping.set()
        if server is not None:
            server.stop()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def _require_socket(self) -> socket.socket:
        if self._socket is None:
            raise RuntimeError("The fulfillment sandbox is not bound; call start() first")
        return self._socket

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
        return self._server is not None

    @property
    def port(self) -> int:
        return self._require_socket().getsockname()[1]

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

    def load(self) -> dict[str, int]:
        """The same document as ``GET /_sandbox/load``: ``requests`` (order POSTs since the
        last reset), ``in_flight`` (being answered now, latency included), ``peak_in_flight``
        (the most at once), ``rate_limited`` (answered 429 by the rate limit) and
        ``already_accepted`` (POSTs for a key accepted before: sent twice)."""
        return self._state.load()

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
