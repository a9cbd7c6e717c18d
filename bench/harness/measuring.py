"""Counting and timing what a run does: queries (by kind), the tasks queued after commit,
percentiles."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class QueryCounter:
    """Counts every query Django sends (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    @contextmanager
    def counting(self) -> Iterator[QueryCounter]:
        from django.db import connection

        with connection.execute_wrapper(self):
            yield self


def query_label(sql: str) -> str:
    """``INSERT integrations_delivery``, ``SELECT orders_order FOR UPDATE``, ..."""
    words = sql.split()
    verb = words[0].upper() if words else "?"
    keyword = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE", "DELETE": "FROM"}
    table = ""
    if verb in keyword:
        after = [i for i, w in enumerate(words) if w.upper() == keyword[verb]]
        if after and after[0] + 1 < len(words):
            table = words[after[0] + 1].strip('"(),')
    suffix = " FOR UPDATE" if "FOR UPDATE" in sql else ""
    return f"{verb} {table}{suffix}".strip()


class QueryTimer:
    """Time spent in each kind of query (``query_label``), parameter adaptation included."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            label = query_label(sql)
            self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
            self.calls[label] = self.calls.get(label, 0) + 1

    @contextmanager
    def timing(self) -> Iterator[QueryTimer]:
        from django.db import connection

        with connection.execute_wrapper(self):
            yield self

    def total(self) -> float:
        return sum(self.seconds.values())

    def breakdown(self, per: int = 1) -> dict[str, float]:
        """Milliseconds per kind of query, divided by ``per`` (e.g. the number of batches)."""
        ordered = sorted(self.seconds.items(), key=lambda item: -item[1])
        return {label: round(seconds * 1000 / per, 2) for label, seconds in ordered}


class BatchMeter:
    """Times each batch of a bulk resubmit and counts its queries, in whichever thread runs it
    (wraps ``orders.services.resubmit._resubmit_batch``; each thread has its own connection).
    ``batches``: (seconds, queries) per batch; ``queries``: the time in each kind of query."""

    def __init__(self) -> None:
        from orders.services import resubmit

        self.module = resubmit
        self.original = resubmit._resubmit_batch
        self.batches: list[tuple[float, int]] = []
        self.queries = QueryTimer()
        self.lock = threading.Lock()

    def __enter__(self) -> BatchMeter:
        from django.db import connection

        def metered(*args, **kwargs):
            counter, timer = QueryCounter(), QueryTimer()
            started = time.perf_counter()
            with connection.execute_wrapper(counter), connection.execute_wrapper(timer):
                result = self.original(*args, **kwargs)
            with self.lock:
                self.batches.append((time.perf_counter() - started, counter.count))
                for label, seconds in timer.seconds.items():
                    self.queries.seconds[label] = self.queries.seconds.get(label, 0.0) + seconds
                    self.queries.calls[label] = (
                        self.queries.calls.get(label, 0) + timer.calls[label]
                    )
            return result

        self.module._resubmit_batch = metered
        return self

    def __exit__(self, *exc) -> None:
        self.module._resubmit_batch = self.original


class EnqueueTimer:
    """Times the hand-off to the workers that runs after each commit (by default
    ``integrations.services.delivery.enqueue``; the sweep's is ``integrations.services.retries
    .retries_hand_out``), to split a batch into its transaction and the hand-off."""

    def __init__(self, module=None, name: str = "enqueue") -> None:
        if module is None:
            from integrations.services import delivery as module
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.seconds = 0.0
        self.lock = threading.Lock()

    def __enter__(self) -> EnqueueTimer:
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                with self.lock:  # on commit of whichever thread's batch
                    self.seconds += time.perf_counter() - started

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc) -> None:
        setattr(self.module, self.name, self.original)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)
