"""The dispatch benchmark's baselines: the bare asyncio client with the pipeline's in-flight cap,
and (at 0 ms) the earlier baseline of one request at a time in each of two processes."""

from __future__ import annotations


def raw_posts(url: str, payloads: list[tuple[str, bytes]], *, in_flight: int) -> float:
    """POST every payload with the bare asyncio client, ``in_flight`` at once; the seconds."""
    from bench.harness.clients import raw_streams

    run = raw_streams(url, payloads, in_flight)
    assert run.statuses == {201: len(payloads)}, run.statuses
    return run.seconds


def _legacy_client(url: str) -> None:
    import httpx

    global _client, _url
    _client, _url = httpx.Client(timeout=10), url


def _legacy_chunk(chunk: list[tuple[str, bytes]]) -> list[int]:
    headers = {"Content-Type": "application/json", "User-Agent": "Redrive/0.1"}
    return [
        _client.post(_url, content=body, headers={**headers, "Idempotency-Key": key}).status_code
        for key, body in chunk
    ]


def legacy_posts(url: str, payloads: list[tuple[str, bytes]], *, processes: int = 2) -> float:
    """The baseline of this benchmark before many sends went in flight: ``processes``
    processes, each with one ``httpx.Client`` posting one request after another, in chunks of
    20; the seconds (the pool's start-up excluded). Measured at 0 ms, where it is the ceiling
    of a process sending one request at a time."""
    import multiprocessing
    import time

    chunks = [payloads[i : i + 20] for i in range(0, len(payloads), 20)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_legacy_client, initargs=(url,)) as pool:
        pool.map(_legacy_chunk, [[] for _ in range(processes * 4)])
        started = time.perf_counter()
        statuses = [s for chunk in pool.imap_unordered(_legacy_chunk, chunks) for s in chunk]
        seconds = time.perf_counter() - started
    assert statuses.count(201) == len(payloads), {s: statuses.count(s) for s in set(statuses)}
    return seconds
