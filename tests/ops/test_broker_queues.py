"""The broker's queues: quorum queues on RabbitMQ (publishes confirmed), nothing of the kind on
Redis, and a queue type that cannot work refused by name."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SHOW = (
    "import django, json; django.setup(); from django.conf import settings; "
    "from config.celery import app; "
    "print(json.dumps({'queues': {q.name: q.queue_arguments for q in app.amqp.queues.values()}, "
    "'default_type': app.conf.task_default_queue_type, "
    "'options': settings.CELERY_BROKER_TRANSPORT_OPTIONS}))"
)


def celery_configuration(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_rabbitmq_lanes_are_quorum_queues_with_confirmed_publishes():
    run = celery_configuration(CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    quorum = {"x-queue-type": "quorum"}
    assert shown["queues"] == {"deliveries": quorum, "celery": quorum, "recovery": quorum}
    assert shown["default_type"] == "quorum"
    assert shown["options"]["confirm_publish"] is True


def test_classic_keeps_rabbitmq_queues_an_installation_declared_classic():
    run = celery_configuration(
        CELERY_BROKER_URL="pyamqp://guest:guest@127.0.0.1:1//", CELERY_QUEUE_TYPE="classic"
    )
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert set(shown["queues"].values()) == {None}
    assert shown["default_type"] == "classic"


def test_redis_queues_carry_no_queue_type():
    run = celery_configuration(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert set(shown["queues"].values()) == {None}
    assert "confirm_publish" not in shown["options"]
    assert shown["options"]["queue_order_strategy"] == "priority"


@pytest.mark.parametrize("value", ["stream", "QUORUM", ""])
def test_a_queue_type_that_cannot_work_is_refused_by_name(value):
    run = celery_configuration(
        CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//", CELERY_QUEUE_TYPE=value
    )
    assert run.returncode != 0
    assert f"CELERY_QUEUE_TYPE must be 'quorum' or 'classic', got {value!r}" in run.stderr
