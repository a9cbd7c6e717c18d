from collections.abc import Iterator

import pytest

from integrations.sandbox import FulfillmentSandbox


@pytest.fixture
def sandbox() -> Iterator[FulfillmentSandbox]:
    """A real sandbox fulfillment server on a free port, stopped after the test."""
    with FulfillmentSandbox() as running:
        yield running


@pytest.fixture
def celery_app():
    """The project's Celery app (Redis broker in tests) for celery.contrib.pytest's worker."""
    from config.celery import app

    with app.connection_for_write() as connection:
        for queue in app.conf.task_queues:
            connection.default_channel.queue_purge(queue.name)
    return app


@pytest.fixture
def celery_worker_parameters():
    return {"perform_ping_check": False, "shutdown_timeout": 10}


@pytest.fixture(autouse=True)
def pacing_and_lanes_empty(settings):
    """Each test starts with no integration's pacing state (slots, rates, slow-downs) and no
    task messages left on the lanes by an earlier test."""
    import redis

    from config.celery import app

    redis.Redis.from_url(settings.REDRIVE_LIMITS_URL).flushdb()
    with app.connection_for_write() as connection:
        for queue in app.conf.task_queues:
            connection.default_channel.queue_purge(queue.name)


@pytest.fixture
def immediate_resubmits(settings):
    """Resubmits of up to 5,000 orders run during the request that asks (the
    ``REDRIVE_BULK_BACKGROUND_THRESHOLD`` an operator may set; by default every resubmit runs
    on a worker): for tests of what a resubmit answers and does, not of the background."""
    settings.REDRIVE_BULK_BACKGROUND_THRESHOLD = 5000
