"""Settings refuse values that cannot work, naming the setting, before anything starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "REDRIVE_QUEUED_GRACE_SECONDS",
            "0",
            "REDRIVE_QUEUED_GRACE_SECONDS must be 1 or more, got 0",
        ),
        (
            "REDRIVE_DELIVERIES_PER_TASK",
            "0",
            "REDRIVE_DELIVERIES_PER_TASK must be 1 or more, got 0",
        ),
    ],
)
def test_a_setting_that_cannot_work_is_refused_by_name(name, value, message):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", name: value}
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert message in run.stderr
