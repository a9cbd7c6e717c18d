"""Test overrides: PostgreSQL and Redis, the services production runs on."""

import os

os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redrive"
)
os.environ["CELERY_BROKER_URL"] = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")

from config.settings import *  # noqa: F403
from config.settings import env

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_redrive")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
REDRIVE_LIMITS_URL = os.environ.get("TEST_LIMITS_URL", "redis://127.0.0.1:6379/13")
