"""Where a delivery's time goes: a sample sent in this process as a worker sends it (tasks of
``TASK_CHUNK`` through ``deliveries_send``), split into queries, commits and the rest (the
network waits among it). Part of ``bench.dispatch``."""

from __future__ import annotations

import time


class Stopwatch:
    """Wraps a module function to add up the time spent in it (profiling only)."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> Stopwatch:
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc) -> None:
        setattr(self.module, self.name, self.original)


def profile(order_ids: list[int]) -> dict:
    """Queue deliveries for ``order_ids`` and send them here in tasks of ``TASK_CHUNK``, as
    the workers do; the time and CPU of a delivery, split by what it is spent on."""
    from django.db import transaction
    from django.db.backends.base import base

    from bench import harness
    from integrations import services
    from integrations.models import Delivery
    from orders.models import Trigger

    with transaction.atomic():
        services.deliveries_queue(order_ids=order_ids, trigger=Trigger.BULK, actor=None)
    ids = sorted(Delivery.objects.filter(order_id__any=order_ids).values_list("pk", flat=True))
    chunk = services.TASK_CHUNK
    queries = harness.QueryTimer()
    with Stopwatch(base.BaseDatabaseWrapper, "_commit") as commits, queries.timing():
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(ids), chunk):
            services.deliveries_send(delivery_ids=ids[start : start + chunk])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(ids)

    def per(value: float) -> float:
        return round(value * 1000 / count, 3)

    query_s, commit_s = queries.total(), commits.seconds
    return {
        "deliveries": count,
        "task_chunk": chunk,
        "ms_per_delivery": per(seconds),
        "cpu_ms_per_delivery": per(cpu),
        "queries_per_delivery": round(sum(queries.calls.values()) / count, 3),
        "query_ms_per_delivery": per(query_s),
        "commits_per_delivery": round(commits.calls / count, 3),
        "commit_ms_per_delivery": per(commit_s),
        "other_ms_per_delivery": per(seconds - query_s - commit_s),
        "queries_per_task": {
            label: round(calls * chunk / count, 2)
            for label, calls in sorted(queries.calls.items(), key=lambda item: -item[1])
        },
    }
