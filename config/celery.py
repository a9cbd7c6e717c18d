"""The Celery app. Broker from CELERY_BROKER_URL (see config/settings.py)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("redrive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def database_connections_hygiene(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: close a connection that had
    errors, is older than CONN_MAX_AGE or (CONN_HEALTH_CHECKS) fails its check on next use, so
    a worker reuses a healthy connection across tasks (CELERY_DB_REUSE_MAX) and never a broken
    one. Not for a task run eagerly: that runs inside its caller's transaction."""
    from django.db import close_old_connections

    if sender is None or getattr(sender.request, "is_eager", False):
        return
    close_old_connections()
