"""Helpers the tests share: waiting on a condition, real concurrent transactions, a port
where nothing listens."""

import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

from django.db import connection, connections

DEADLINE = 20.0


def wait_for(condition, what: str, deadline: float = DEADLINE):
    """Poll ``condition`` until it returns something truthy (returned), or fail naming
    ``what`` after ``deadline`` seconds. Waits on the state, never a fixed sleep."""
    end = time.monotonic() + deadline
    while not (value := condition()):
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
    return value


def backends_waiting_on_a_lock() -> int:
    """How many PostgreSQL backends of this database wait on a row or table lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def in_thread(target, results: dict, key: str) -> threading.Thread:
    """Run ``target`` in a thread with its own database connection; its return value or
    exception lands in ``results[key]``."""

    def run():
        try:
            results[key] = target()
        except Exception as exc:  # the test inspects it
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def closed_port() -> int:
    """A local TCP port where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_unreachable():
    """Point the default connection at a port where nothing listens, then restore it. For
    transactional tests: the connection is closed on the way in and out."""
    saved = connection.settings_dict.copy()
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def run_on_fresh_sqlite(script: str, tmp_path, **env: str) -> dict:
    """Run ``script`` in a process of its own on a new SQLite file (the embedded default, as
    ``make run`` has it) and return the JSON object its last line prints."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'redrive.sqlite3'}",
            "CELERY_BROKER_URL": "memory://",
            "REDRIVE_VAR_DIR": str(tmp_path),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(root),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a process of its own (a Celery worker) on the test database,
    broker and pacing."""
    import os

    from django.conf import settings

    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REDRIVE_LIMITS_URL": settings.REDRIVE_LIMITS_URL,
        **extra,
    }


def worker_command(name: str, *options: str) -> list[str]:
    """``celery worker`` named ``name`` with ``options``, without gossip or mingle."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        *options,
    ]


def start_worker(name: str, log=None) -> subprocess.Popen:
    """A Celery worker process (solo pool, every queue) on the test database, broker and
    pacing. With ``log`` (an open file) it writes there each task it ran."""
    from django.conf import settings

    level = "INFO" if log is not None else "WARNING"
    return subprocess.Popen(
        worker_command(name, "--pool", "solo", "--loglevel", level),
        env=process_env(LOG_LEVEL="WARNING", CELERY_TASK_LOG_LEVEL=level),
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )
