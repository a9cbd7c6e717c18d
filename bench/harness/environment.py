"""The bench's own database and broker, the Django set-up, and small helpers: ports,
waiting on a condition, the staff user, whether other test runs are going on."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redrive_bench"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
STAFF_USERNAME = "bench-staff"


def configure(*, broker_url: str = BROKER_URL, database_url: str = DATABASE_URL) -> None:
    """Point Django at the bench database and broker, create and migrate the database if
    needed, and set Django up. Call before importing any model."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    _create_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _create_marker_table()


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def _create_marker_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE TABLE IF NOT EXISTS bench_dataset (
                name text PRIMARY KEY,
                orders integer NOT NULL,
                params jsonb NOT NULL,
                offering_id bigint NOT NULL,
                integration_id bigint NOT NULL,
                first_pk bigint NOT NULL,
                last_pk bigint NOT NULL,
                seeded_at timestamptz NOT NULL
            )"""
        )


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process (worker, sweep, server) of a benchmark."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DATABASE_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def worker_env() -> dict[str, str]:
    """The environment of a benchmark's workers and beat: the bench's broker, whose Redis
    database also keeps the integrations' pacing."""
    return child_env(
        CELERY_BROKER_URL=BROKER_URL, REDRIVE_LIMITS_URL=BROKER_URL, LOG_LEVEL="WARNING"
    )


def broker_flush(url: str = BROKER_URL) -> None:
    """Empty the bench's own Redis database (queued and unacknowledged task messages)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], Any], *, timeout: float, interval: float = 0.1, what: str):
    """Poll ``condition`` until it returns something true; raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def staff_user():
    """The staff user every benchmark acts as (group Staff, ``is_staff``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from orders.roles import STAFF, sync_roles

    user, _ = get_user_model().objects.get_or_create(
        username=STAFF_USERNAME, defaults={"is_staff": True, "email": "bench@example.com"}
    )
    if not Group.objects.filter(name=STAFF).exists():
        sync_roles(Group, Permission)
    user.groups.add(Group.objects.get(name=STAFF))
    return get_user_model().objects.get(pk=user.pk)


def other_tests_running() -> list[str]:
    """Command lines of pytest processes other than this one (other engineers' test runs)."""
    found = subprocess.run(["pgrep", "-fa", "pytest"], capture_output=True, text=True).stdout
    own = {str(os.getpid()), str(os.getppid())}
    return [line for line in found.splitlines() if line.split(" ", 1)[0] not in own]


def wait_until_quiet(minutes: float) -> bool:
    """Wait (polling every 30 s, at most ``minutes``) until no other pytest runs."""
    deadline = time.monotonic() + minutes * 60
    while other_tests_running():
        if time.monotonic() > deadline:
            print("the machine is still busy with other test runs; measuring anyway", flush=True)
            return False
        print("waiting for other test runs to finish ...", flush=True)
        time.sleep(30)
    return True


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="MINUTES",
        help="First wait up to this long until no other pytest runs on the machine.",
    )
