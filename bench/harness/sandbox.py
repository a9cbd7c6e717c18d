"""Talking to a benchmark's sandbox (its ``/_sandbox/`` endpoints) and waiting for workers."""

from __future__ import annotations


def sandbox(url: str, path: str, body: dict | None = None, *, timeout: float = 30) -> dict:
    """GET ``path`` of the sandbox at ``url`` (POST ``body`` if given); the JSON answer."""
    import httpx

    if body is None:
        response = httpx.get(f"{url}{path}", timeout=timeout)
    else:
        response = httpx.post(f"{url}{path}", json=body, timeout=timeout)
    response.raise_for_status()
    return response.json()


def sandbox_reset(url: str, *, latency_ms: int) -> None:
    """Forget what was sent; the latency is set again (a reset returns to the default mode)."""
    sandbox(url, "/_sandbox/reset", {})
    sandbox(url, "/_sandbox/mode", {"latency_ms": latency_ms})


def workers_ready(expected: int) -> bool:
    """At least ``expected`` Celery workers answer a ping."""
    from config.celery import app

    return len(app.control.ping(timeout=0.5)) >= expected
