"""Test overrides: PostgreSQL and Redis, the services production runs on."""

import os

XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
"""Under ``pytest -n 2`` (``make test``) each worker process has its own test database
(pytest-django adds ``_gw0``, ``_gw1`` to its name) and its own Redis databases, the default
ones counted down by the worker's number: broker 15 and 14, pacing 13 and 12."""
if XDIST_WORKER > 1:
    raise RuntimeError("The tests' Redis databases leave room for two xdist workers (-n 2).")


def redis_db(url: str, *, down: int) -> str:
    """``url`` with its database number lowered by ``down``."""
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) - down}"


BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
LIMITS_URL = os.environ.get("TEST_LIMITS_URL", "redis://127.0.0.1:6379/13")
_used = [redis_db(url, down=n) for url in (BROKER_URL, LIMITS_URL) for n in (0, 1)]
if len(set(_used)) < len(_used) or any(url.endswith("/-1") for url in _used):
    # each test flushes its pacing database: one shared with a broker empties its queues
    raise RuntimeError(
        f"TEST_BROKER_URL ({BROKER_URL}) and TEST_LIMITS_URL ({LIMITS_URL}) need two Redis "
        "databases each, counting down, that do not overlap (the defaults: 15 and 14, 13 and 12)."
    )

os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redrive"
)
os.environ["CELERY_BROKER_URL"] = redis_db(BROKER_URL, down=XDIST_WORKER)

from config.settings import *  # noqa: E402, F403
from config.settings import env  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_redrive")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
REDRIVE_LIMITS_URL = redis_db(LIMITS_URL, down=XDIST_WORKER)
