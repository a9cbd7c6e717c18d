"""Log lines about a send carry the order, delivery, integration, attempt and trigger."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from core.logging import JsonFormatter, ReadableFormatter
from integrations import services
from tests.ops.conftest import queued_delivery

IDENTIFIERS = ("order_number", "order_uuid", "delivery", "integration", "attempt", "trigger")


def send_records(caplog, delivery) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "delivery", None) == delivery.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(("forced", "outcome"), [({}, "success"), ({"status": 500}, "transient")])
def test_the_line_of_a_send_carries_its_identifiers(sandbox, caplog, forced, outcome):
    # given
    delivery = queued_delivery(sandbox, name="Acme")
    if forced:
        sandbox.force(forced)
    caplog.set_level(logging.INFO, logger="integrations.services")

    # when
    services.delivery_send(delivery_id=delivery.pk)

    # then
    [record] = send_records(caplog, delivery)
    order = delivery.order
    assert {name: getattr(record, name) for name in IDENTIFIERS} == {
        "order_number": order.number,
        "order_uuid": str(order.uuid),
        "delivery": delivery.pk,
        "integration": "Acme",
        "attempt": 1,
        "trigger": "user",
    }
    assert record.outcome == outcome
    assert order.number in record.getMessage()


@pytest.mark.django_db
def test_both_formatters_render_the_identifiers(sandbox, caplog):
    # given: the log record of a failed send
    delivery = queued_delivery(sandbox, name="Acme Shipping")
    sandbox.force({"status": 500})
    caplog.set_level(logging.INFO, logger="integrations.services")
    services.delivery_send(delivery_id=delivery.pk)
    [record] = send_records(caplog, delivery)

    # when
    as_json = json.loads(JsonFormatter().format(record))
    readable = ReadableFormatter().format(record)

    # then
    order = delivery.order
    assert as_json["level"] == "INFO"
    assert as_json["logger"] == "integrations.services"
    assert order.number in as_json["message"]
    assert {name: as_json[name] for name in IDENTIFIERS} == {
        "order_number": order.number,
        "order_uuid": str(order.uuid),
        "delivery": delivery.pk,
        "integration": "Acme Shipping",
        "attempt": 1,
        "trigger": "user",
    }
    assert as_json["outcome"] == "transient"
    assert "\n" not in readable
    for shown in (
        f"order_number={order.number}",
        f"order_uuid={order.uuid}",
        f"delivery={delivery.pk}",
        'integration="Acme Shipping"',
        "attempt=1",
        "trigger=user",
    ):
        assert shown in readable


def test_json_lines_hold_the_traceback_and_survive_values_json_cannot_hold():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("here",),
            sys.exc_info(),
            extra={"when": object()},
        )
    line = JsonFormatter().format(record)

    parsed = json.loads(line)
    assert parsed["message"] == "failed here"
    assert "RuntimeError: boom" in parsed["exc_info"]
    assert parsed["when"].startswith("<object object")
    assert "\n" not in line


EMIT = """
import django, logging
django.setup()
logging.getLogger("integrations.services").warning(
    "attempt 1 failed", extra={"order_number": "RD-TEST0001", "attempt": 1}
)
"""


def run_with(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", EMIT],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_log_format_json_makes_every_line_a_json_object(tmp_path):
    done = run_with(LOG_FORMAT="json", REDRIVE_VAR_DIR=str(tmp_path))

    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["message"], line["order_number"], line["attempt"]) == (
        "attempt 1 failed",
        "RD-TEST0001",
        1,
    )


def test_an_unknown_log_format_is_refused_by_name(tmp_path):
    done = run_with(LOG_FORMAT="xml", REDRIVE_VAR_DIR=str(tmp_path))

    assert done.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json', got 'xml'" in done.stderr


def test_an_unknown_log_level_is_refused_by_name(tmp_path):
    done = run_with(CELERY_TASK_LOG_LEVEL="LOUD", REDRIVE_VAR_DIR=str(tmp_path))

    assert done.returncode != 0
    assert "CELERY_TASK_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL" in done.stderr
