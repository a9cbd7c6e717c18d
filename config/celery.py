"""The Celery app. Broker from CELERY_BROKER_URL (see config/settings.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("redrive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
