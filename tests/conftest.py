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
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    return app


@pytest.fixture
def celery_worker_parameters():
    return {"perform_ping_check": False, "shutdown_timeout": 10}
