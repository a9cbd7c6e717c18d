"""HTTP clients posting the same order payloads to the sandbox, ``in_flight`` at once.

``raw_streams`` is the fastest client this project could write: bare asyncio streams, one
keep-alive connection per in-flight slot, request bytes built before the clock starts. It is
the baseline of ``bench.clients`` and ``bench.dispatch``. The others are the libraries a worker
could send with. Each returns a ``Run``: the wall time, every request's latency and statuses.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Run:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0

    def count(self, status: int, latency: float) -> None:
        self.latencies.append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def payloads(count: int) -> list[tuple[str, bytes]]:
    """``count`` (idempotency key, JSON body) pairs shaped like Redrive's payload (~500 B)."""
    made = []
    for n in range(count):
        body = {
            "uuid": str(uuid.uuid4()),
            "number": f"RD-{n:08d}",
            "type": "create",
            "offering": "Bench offering",
            "consumer": "Bench consumer",
            "customer": {"name": "Ada Lovelace", "email": f"ada{n}@example.test"},
            "attributes": {
                "sku": "VM-SMALL",
                "shipping_address": {"street": "1 Main St", "city": "Berlin", "postal_code": "1"},
                "lines": [{"sku": "TEA-1", "qty": 2}, {"sku": "MUG-3", "qty": 1}],
            },
        }
        made.append((str(uuid.uuid4()), json.dumps(body, separators=(",", ":")).encode()))
    return made


def _timed(run_async):
    def timed(url: str, bodies, in_flight: int) -> Run:
        run = Run()
        cpu = time.process_time()
        started = time.perf_counter()
        asyncio.run(run_async(url, bodies, in_flight, run))
        run.seconds = time.perf_counter() - started
        run.cpu_seconds = time.process_time() - cpu
        return run

    return timed


async def _slots(in_flight: int, bodies, send) -> None:
    todo = iter(bodies)

    async def slot() -> None:
        for key, body in todo:
            await send(key, body)

    await asyncio.gather(*(slot() for _ in range(in_flight)))


@_timed
async def raw_streams(url: str, bodies, in_flight: int, run: Run) -> None:
    parts = urlsplit(url)
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
    )
    requests = iter(
        [
            (head + f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
            + body
            for key, body in bodies
        ]
    )

    async def slot() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            for request in requests:
                started = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                run.count(int(status_line.split()[1]), time.perf_counter() - started)
        finally:
            writer.close()

    await asyncio.gather(*(slot() for _ in range(in_flight)))


@_timed
async def aiohttp_shared(url: str, bodies, in_flight: int, run: Run) -> None:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send(key, body):
            started = time.perf_counter()
            headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                run.count(response.status, time.perf_counter() - started)

        await _slots(in_flight, bodies, send)


@_timed
async def httpx_shared(url: str, bodies, in_flight: int, run: Run) -> None:
    import httpx

    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def send(key, body):
            started = time.perf_counter()
            headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
            response = await client.post(url, content=body, headers=headers)
            run.count(response.status_code, time.perf_counter() - started)

        await _slots(in_flight, bodies, send)


@_timed
async def httpx_per_slot(url: str, bodies, in_flight: int, run: Run) -> None:
    import httpx

    todo = iter(bodies)

    async def slot() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            for key, body in todo:
                started = time.perf_counter()
                headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
                response = await client.post(url, content=body, headers=headers)
                run.count(response.status_code, time.perf_counter() - started)

    await asyncio.gather(*(slot() for _ in range(in_flight)))


@_timed
async def httpcore_pool(url: str, bodies, in_flight: int, run: Run) -> None:
    import httpcore

    async with httpcore.AsyncConnectionPool(max_connections=in_flight) as pool:

        async def send(key, body):
            started = time.perf_counter()
            headers = [
                (b"Idempotency-Key", key.encode()),
                (b"Content-Type", b"application/json"),
            ]
            response = await pool.request("POST", url, headers=headers, content=body)
            run.count(response.status, time.perf_counter() - started)

        await _slots(in_flight, bodies, send)


def httpx_sync_sequential(url: str, bodies, in_flight: int) -> Run:
    """What a worker did before: one ``httpx.Client``, one request after another."""
    import httpx

    run = Run()
    cpu = time.process_time()
    started = time.perf_counter()
    with httpx.Client(timeout=60) as client:
        for key, body in bodies:
            sent = time.perf_counter()
            headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
            response = client.post(url, content=body, headers=headers)
            run.count(response.status_code, time.perf_counter() - sent)
    run.seconds = time.perf_counter() - started
    run.cpu_seconds = time.process_time() - cpu
    return run


CLIENTS = {
    "raw asyncio streams": raw_streams,
    "aiohttp, one session": aiohttp_shared,
    "httpx.AsyncClient, shared": httpx_shared,
    "httpx.AsyncClient per slot": httpx_per_slot,
    "httpcore pool, shared": httpcore_pool,
    "httpx.Client, one at a time": httpx_sync_sequential,
}
