"""Ctrl-C under `make run` is a warm shutdown: the Procfile's processes, started as `make run`
starts them (config/processes.py: honcho), get the signal the way a terminal sends it (SIGINT
to honcho's process group) while the worker has sends in flight; everything stops by itself,
no error is logged, and the work in hand is done."""

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config import processes
from integrations.models import Delivery
from integrations.services.delivery import enqueue
from orders.models import Order
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory
from tests.support import closed_port, wait_for

LATENCY_MS = 6000  # still in flight past honcho's own 5 s (KILL_WAIT) after the signal
DEADLINE = 60.0


class Honcho:
    """`python -m config.processes start -f Procfile`, its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.processes", "start", "-f", "Procfile"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def ctrl_c(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def procfile_env(tmp_path: Path) -> dict[str, str]:
    """The test's database and broker, free ports, a var/ of its own."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REDRIVE_LIMITS_URL": settings.REDRIVE_LIMITS_URL,
        "REDRIVE_VAR_DIR": str(tmp_path / "var"),
        "WEB_ADDR": f"127.0.0.1:{closed_port()}",
        "SANDBOX_PORT": str(closed_port()),
        "PYTHONUNBUFFERED": "1",
        "REDRIVE_WORKER_PROCESSES": "2",  # as on this machine's two cores, with Redis
    }


def deliveries_in_flight(sandbox, count: int) -> list[Delivery]:
    integration = IntegrationFactory(endpoint_url=sandbox.orders_url, timeout_seconds=30)
    offering = OfferingFactory(integration=integration)
    return [
        Delivery.objects.create(
            order=OrderFactory(state=Order.State.EXECUTING, offering=offering),
            integration=integration,
            state=Delivery.State.QUEUED,
            pending_trigger="user",
        )
        for _ in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_lets_the_worker_finish_its_sends_and_everything_stops_cleanly(sandbox, tmp_path):
    # given: the Procfile's processes running, as make run runs them
    sandbox.set_mode(latency_ms=LATENCY_MS)
    deliveries = deliveries_in_flight(sandbox, 3)
    honcho = Honcho(procfile_env(tmp_path))
    try:
        wait_for(
            lambda: honcho.output.count(" ready.") >= 2,
            "both worker processes to be ready",
            DEADLINE,
        )
        # and: the worker holds sends that take seconds more to answer
        enqueue([d.pk for d in deliveries])
        wait_for(lambda: sandbox.load()["in_flight"] == 3, "three sends in flight", DEADLINE)

        # when: Ctrl-C
        honcho.ctrl_c()
        honcho.process.wait(timeout=DEADLINE)
        honcho.reader.join(timeout=5)
    finally:
        honcho.stop()

    # then: a warm shutdown, nothing killed, no error logged, every process ended by itself
    output = honcho.output
    assert "worker: Warm shutdown" in output, output
    assert "Cold shutdown" not in output and "Hitting Ctrl+C again" not in output, output
    assert "SIGKILL" not in output, output
    assert not re.search(r"\bERROR\b|Traceback|CRITICAL", output), output
    assert "worker.1@" in output and "worker.2@" in output, output  # named apart
    assert re.search(r"worker\.1 stopped \(rc=0\)", output), output
    assert re.search(r"worker\.2 stopped \(rc=0\)", output), output
    assert re.search(r"beat\.1 stopped \(rc=0\)", output), output
    # and: the sends in flight were answered and recorded; nothing left for anyone
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.SUCCEEDED, delivery
        assert str(delivery.idempotency_key) in sandbox.accepted()


def test_start_runs_the_configured_worker_processes_unless_the_command_line_says(settings):
    settings.REDRIVE_WORKER_PROCESSES = 3

    assert processes.with_workers(["start", "-f", "Procfile"]) == [
        "start",
        "--concurrency",
        "worker=3",
        "-f",
        "Procfile",
    ]
    assert processes.with_workers(["start", "-c", "worker=1"]) == ["start", "-c", "worker=1"]
    assert processes.with_workers(["check"]) == ["check"]


def test_one_worker_process_with_the_pacing_in_memory_is_the_default():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDRIVE_", "CELERY_"))}
    code = "from django.conf import settings; print(settings.REDRIVE_WORKER_PROCESSES)"
    shared = {**env, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15"}
    embedded = {**env, "CELERY_BROKER_URL": "filesystem://localhost/"}

    def processes_with(env):
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert processes_with(embedded) == "1"
    assert processes_with(shared) == str(os.cpu_count())


def started_with(**environment: str) -> subprocess.CompletedProcess:
    """``make run``'s ``python -m config.processes start -f Procfile`` with ``environment``."""
    return subprocess.run(
        [sys.executable, "-m", "config.processes", "start", "-f", "Procfile"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )


@pytest.mark.parametrize("given", ["soon", "0", "-5"])
def test_a_stop_grace_that_is_not_a_positive_number_is_refused_by_name(given):
    result = started_with(STOP_GRACE_SECONDS=given)

    assert result.returncode == 1
    assert f"STOP_GRACE_SECONDS must be a number of seconds above 0, got {given!r}." in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("two", "REDRIVE_WORKER_PROCESSES must be a whole number, got 'two'."),
        ("1.5", "REDRIVE_WORKER_PROCESSES must be a whole number, got '1.5'."),
        ("0", "REDRIVE_WORKER_PROCESSES must be 1 or more, got 0."),
    ],
)
def test_worker_processes_that_are_not_a_whole_number_above_0_are_refused_by_name(given, problem):
    # when: make run starts with it (honcho would start nothing: the check comes first)
    result = started_with(REDRIVE_WORKER_PROCESSES=given)

    # then: one line naming the variable, no traceback, nothing started
    assert result.returncode == 1
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
    assert "started (pid=" not in result.stdout + result.stderr


def test_a_number_setting_that_is_not_one_names_its_variable():
    # when: any process loads the settings (a worker, gunicorn, manage.py)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDRIVE_WORKER_PROCESSES": "four",
        },
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )

    # then
    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: REDRIVE_WORKER_PROCESSES must be a whole number, got 'four'."
        in result.stderr
    )
