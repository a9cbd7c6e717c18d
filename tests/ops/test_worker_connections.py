"""A worker keeps its database connection across tasks, with Django's request-cycle hygiene
around each one (config/celery.py)."""

import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections

from config.celery import app, database_connections_hygiene

TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))
EAGER = SimpleNamespace(request=SimpleNamespace(is_eager=True))


def test_celerys_django_fixup_sees_the_reuse_setting():
    assert settings.CELERY_DB_REUSE_MAX > 0
    assert app.conf.get("CELERY_DB_REUSE_MAX") == settings.CELERY_DB_REUSE_MAX


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_from_one_task_to_the_next():
    connection.ensure_connection()
    connection.close_at = None  # persistent (CONN_MAX_AGE=None); the tests' own is 0
    backend = connection.connection.info.backend_pid

    database_connections_hygiene(sender=TASK)
    connection.ensure_connection()

    assert connection.connection.info.backend_pid == backend


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_is_replaced_but_never_inside_an_eager_task():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1

    database_connections_hygiene(sender=EAGER)
    assert connection.connection is not None

    database_connections_hygiene(sender=TASK)
    assert connection.connection is None


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_next_task():
    # given: a persistent connection whose server process is gone (the server restarted)
    connection.ensure_connection()
    connection.close_at = None
    dropped = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    other.close()
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the task that found out

    # when
    database_connections_hygiene(sender=TASK)

    # then: the next task gets a working connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != dropped
