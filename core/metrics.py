"""Prometheus metrics: what the processes observe, and what the database says at scrape time.

Two kinds of series:

- **Observed in a process** (counters and histograms, module level below): attempt outcomes
  and send latency per integration, counted by the worker process that sent; sweep and
  bulk-resubmit durations, wherever they ran. With several processes per host (gunicorn
  workers, Celery prefork children) set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory
  before starting them: every process then writes its values there and any scrape of that host
  adds them up (prometheus_client's multiprocess mode).
- **Read from the database** (gauges, ``DatabaseCollector``): each app registers its families
  (``register_gauges``: orders by state, failed orders, retries; held deliveries, breakers).
  One grouped query per family, computed when scraped and kept ``METRICS_CACHE_SECONDS``
  (default 10) in the process, so frequent scrapes cost little.

Exposed at ``/metrics`` by the web process (``metrics_view``; ``METRICS_TOKEN``, when set, is a
bearer token every scrape must send), and on ``METRICS_PORT`` by a Celery worker (its own
process series only; started when the worker is ready). See docs/production.md.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from celery.signals import worker_process_init, worker_process_shutdown, worker_ready
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

SEND_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
RUN_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

ATTEMPTS = Counter(
    "redrive_attempts",
    "Finished send attempts by integration and outcome (success, transient, action_required).",
    ["integration", "outcome"],
)
SEND_SECONDS = Histogram(
    "redrive_send_duration_seconds",
    "Time from sending a delivery to the remote answer, per integration.",
    ["integration"],
    buckets=SEND_BUCKETS,
)
SWEEP_SECONDS = Histogram(
    "redrive_sweep_duration_seconds",
    "Duration of one pass of the retry sweep.",
    buckets=RUN_BUCKETS,
)
BULK_RESUBMIT_SECONDS = Histogram(
    "redrive_bulk_resubmit_duration_seconds",
    "Duration of a resubmit of a selection of orders (dry runs not counted).",
    buckets=RUN_BUCKETS,
)


def observe_duration(histogram: Histogram, *, unless: str = "") -> Callable:
    """Decorator: observe each call's duration in ``histogram``, except calls whose keyword
    argument ``unless`` is true (``unless="dry_run"``)."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if unless and kwargs.get(unless):
                return function(*args, **kwargs)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                histogram.observe(time.perf_counter() - started)

        return timed

    return decorate


class DatabaseCollector:
    """The gauges read from the database, cached ``METRICS_CACHE_SECONDS`` per process.

    A scrape while the database is down still answers: ``redrive_database_metrics_up`` is 0
    and the gauges are left out (a stale value would look like a fact).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._families: list[Metric] = []
        self._read_at: float | None = None

    def describe(self) -> Iterable[Metric]:
        return []

    def clear(self) -> None:
        with self._lock:
            self._read_at = None

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            fresh = self._read_at is not None and (
                time.monotonic() - self._read_at < settings.METRICS_CACHE_SECONDS
            )
            if not fresh:
                try:
                    self._families = database_families()
                    self._read_at = time.monotonic()
                except DatabaseError as exc:
                    logger.warning("metrics: database unreachable: %s", exc)
                    self._families, self._read_at = [], None
            up = GaugeMetricFamily(
                "redrive_database_metrics_up", "1 if the database gauges could be read."
            )
            up.add_metric([], 1 if self._read_at is not None else 0)
            return [*self._families, up]


GaugeFamilies = Callable[[], list[Metric]]
_gauge_sources: dict[str, GaugeFamilies] = {}


def register_gauges(name: str, families: GaugeFamilies) -> None:
    """Add the gauge families an app reads from the database (each app registers its own in
    ``ready()``; registering a name again replaces it)."""
    _gauge_sources[name] = families


def database_families() -> list[Metric]:
    """Every registered app's gauge families, in the order the apps registered them."""
    return [family for families in list(_gauge_sources.values()) for family in families()]


def grid(rows, names: list[str], kinds: list[str], *, blank: str, none: str) -> dict[tuple, int]:
    """Counts by (name, kind) with every name and kind present (at 0 when it has nothing), so
    a series never vanishes when its count drops to zero; an empty name counts as ``none``,
    an empty kind as ``blank``."""
    table = {(name, kind): 0 for name in names for kind in kinds}
    for name, kind, count in rows:
        key = (name or none, kind or blank)
        table[key] = table.get(key, 0) + count
    return table


DATABASE_COLLECTOR = DatabaseCollector()


class _Forward:
    """Collect from another registry (this process's default one) inside a scrape registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def scrape_registry(*, database: bool) -> CollectorRegistry:
    """What a scrape shows: this process's series, or every process's of this host in
    multiprocess mode, and (``database=True``) the database gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir())
    else:
        registry.register(_Forward(REGISTRY))
    if database:
        registry.register(DATABASE_COLLECTOR)
    return registry


@require_GET
def metrics_view(request):
    """``/metrics``; with ``METRICS_TOKEN`` set: 401 without a bearer token, 403 with a wrong
    one. Without it the endpoint is open: keep it off the public network (docs/production.md)."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            response = HttpResponse("A bearer token is required.\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            return HttpResponse("The bearer token is not valid.\n", status=403)
    output = generate_latest(scrape_registry(database=True))
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)


@worker_ready.connect
def serve_worker_metrics(**kwargs):
    """A Celery worker with ``METRICS_PORT`` serves its process series there (no database
    gauges: the web's ``/metrics`` has them). Only in multiprocess mode does that include what
    its prefork children counted; without it, run the worker with ``--pool=threads``."""
    port = settings.METRICS_PORT
    if not port:
        return None
    server, _ = start_http_server(
        port, addr=settings.METRICS_ADDR, registry=scrape_registry(database=False)
    )
    logger.info("metrics: serving worker metrics on %s:%s", settings.METRICS_ADDR, port)
    return server


@worker_process_init.connect
def warn_without_multiprocess_mode(**kwargs) -> None:
    if settings.METRICS_PORT and not multiprocess_dir():
        logger.warning(
            "metrics: prefork child %s counts sends that METRICS_PORT will not show; set "
            "PROMETHEUS_MULTIPROC_DIR (see docs/production.md)",
            os.getpid(),
        )


@worker_process_shutdown.connect
def forget_dead_worker_process(pid=None, **kwargs) -> None:
    """Live gauges of a dead process must not linger (prometheus_client multiprocess mode)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid or os.getpid(), path=multiprocess_dir())
