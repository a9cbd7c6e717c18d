"""Many batches at once: each on a thread of its own, with its own database connection."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import connections

Batch = TypeVar("Batch")
Result = TypeVar("Result")
_STOP = object()


def in_parallel(
    batches: Iterable[Batch], work: Callable[[Batch], Result], *, workers: int
) -> Iterator[tuple[Batch, Result]]:
    """``work(batch)`` for every batch on ``workers`` threads; yields ``(batch, result)`` as
    each finishes (not in order), reading at most ``workers`` batches ahead.

    Each thread has its own database connection (Django's are per thread), so each batch is
    its own transaction on its own PostgreSQL server process: on a machine with several cores
    they run at once. The connections are closed when the threads end. The first exception
    stops the reading of batches; it is raised once the batches under way have finished.
    """
    todo: queue.Queue = queue.Queue(maxsize=workers)
    finished: queue.Queue = queue.Queue()

    def run() -> None:
        try:
            while (batch := todo.get()) is not _STOP:
                try:
                    finished.put((batch, work(batch), None))
                except BaseException as error:  # handed to the caller's thread
                    finished.put((batch, None, error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, name=f"batch-{n}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    sent = received = 0
    failure: BaseException | None = None
    try:
        for batch in batches:
            while failure is None and not finished.empty():
                done, result, failure = finished.get()
                received += 1
                if failure is None:
                    yield done, result
            if failure is not None:
                break
            todo.put(batch)
            sent += 1
        while received < sent:
            done, result, error = finished.get()
            received += 1
            failure = failure or error
            if failure is None:
                yield done, result
    finally:
        for _ in threads:
            todo.put(_STOP)
        for thread in threads:
            thread.join()
    if failure is not None:
        raise failure
