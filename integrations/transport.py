"""Many HTTP requests in flight from one worker process.

One asyncio event loop per process, on a thread of its own, with one ``aiohttp`` session: a
keep-alive connection pool every sending thread of the process shares. A sender hands a request
to ``Transport.post`` and gets a ``concurrent.futures.Future`` back at once; the network waits
happen on the loop, and the sender's thread (which owns the database work) waits on the
futures. No database call ever runs on the loop, and no transaction is open during a send.

aiohttp rather than httpx: measured in ``bench/clients.py`` (the same payloads to the same
sandbox at 200 ms latency, 200 in flight), one shared ``httpx.AsyncClient`` stalls on its pool
and one client per in-flight request costs a connection each; aiohttp's pool keeps every
connection busy at a fraction of the CPU.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

POOL_SIZE = 1000
"""Connections the process keeps at most (each integration's ``max_in_flight`` bounds its
share; this only bounds the process)."""


@dataclass(frozen=True)
class Request:
    """A POST to make: the URL, the JSON body, headers beyond ``Content-Type``, the seconds
    it may take in all."""

    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float


@dataclass(frozen=True)
class Answer:
    """What came back: the status, reason, headers and body, or the error that prevented it
    (``error`` names its kind: ``timeout`` or ``connection``)."""

    status: int | None = None
    reason: str = ""
    headers: dict | None = None
    body: bytes = b""
    error: str = ""
    error_class: str = ""
    error_text: str = ""
    traceback: str = ""


class Transport:
    """The process's event loop thread and its session (see the module's docstring)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.timeouts: dict[float, aiohttp.ClientTimeout] = {}
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="redrive-transport", daemon=True)
        self.thread.start()
        self.ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.session = self.loop.run_until_complete(self._session())
        self.ready.set()
        self.loop.run_forever()

    @staticmethod
    async def _session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=POOL_SIZE, limit_per_host=0, ttl_dns_cache=300)
        return aiohttp.ClientSession(
            connector=connector, auto_decompress=True, skip_auto_headers=("User-Agent",)
        )

    def post(
        self, url: str, *, body: bytes, headers: dict[str, str], timeout: float
    ) -> concurrent.futures.Future[Answer]:
        """POST ``body`` (JSON) to ``url``; the future's result is the ``Answer``."""
        return self.post_many([Request(url, body, headers, timeout)])[0]

    def post_many(
        self, requests: list[Request], *, then: Callable[[Answer], Any] | None = None
    ) -> list[concurrent.futures.Future]:
        """Start every request in one hand-over to the loop (one wake-up of its thread, not
        one a request: at a fast remote the hand-overs cost more than the requests); a future
        each, in order, whose result is its ``Answer`` (or what ``then`` makes of it, on the
        loop's thread, before the future is settled)."""
        futures = [concurrent.futures.Future() for _ in requests]
        self.loop.call_soon_threadsafe(self._start, requests, futures, then)
        return futures

    def _start(self, requests: list[Request], futures: list[concurrent.futures.Future], then):
        for request, future in zip(requests, futures, strict=True):
            task = self.loop.create_task(self._post(request))
            task.add_done_callback(functools.partial(_settle, future, then))

    async def _post(self, request: Request) -> Answer:
        timeout = self.timeouts.get(request.timeout)
        if timeout is None:
            timeout = self.timeouts[request.timeout] = aiohttp.ClientTimeout(total=request.timeout)
        try:
            async with self.session.post(
                request.url,
                data=request.body,
                headers={"Content-Type": "application/json", **request.headers},
                timeout=timeout,
                allow_redirects=False,
            ) as response:
                content = await response.read()
                return Answer(
                    status=response.status,
                    reason=response.reason or "",
                    headers=dict(response.headers),
                    body=content,
                )
        except TimeoutError as exc:
            return _failed("timeout", exc)
        except (aiohttp.ClientError, OSError) as exc:
            return _failed("connection", exc)

    def close(self) -> None:
        async def shut() -> None:
            await self.session.close()

        asyncio.run_coroutine_threadsafe(shut(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def _settle(future: concurrent.futures.Future, then, task: asyncio.Task) -> None:
    """Hand a finished request's answer (or what ``then`` makes of it) to the thread waiting
    on ``future`` (``_post`` returns every failure as an ``Answer``; only a cancelled loop, at
    shutdown, ends it otherwise)."""
    if task.cancelled():
        future.cancel()
    elif task.exception() is not None:
        future.set_exception(task.exception())
    elif then is None:
        future.set_result(task.result())
    else:
        try:
            result = then(task.result())
        except BaseException as exc:  # the waiting thread raises it
            future.set_exception(exc)
        else:
            future.set_result(result)


def _failed(kind: str, exc: BaseException) -> Answer:
    return Answer(
        error=kind,
        error_class=exc.__class__.__name__,
        error_text=str(exc),
        traceback="".join(traceback.format_exception(exc)),
    )


_transports: dict[int, Transport] = {}
_lock = threading.Lock()


def transport() -> Transport:
    """This process's transport, started on first use; a forked child starts its own (it
    never shares its parent's loop or sockets)."""
    pid = os.getpid()
    with _lock:
        if pid not in _transports:
            _transports.clear()
            _transports[pid] = Transport()
        return _transports[pid]
