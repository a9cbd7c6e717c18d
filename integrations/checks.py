"""System checks of the integrations' settings (``manage.py check``, and every worker start)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def pacing_is_shared(app_configs, **kwargs):
    """The integrations' limits are kept in memory when there is no Redis: exact only if one
    worker process sends, as ``make run``'s does."""
    url = settings.REDRIVE_LIMITS_URL
    several = settings.REDRIVE_WORKER_PROCESSES > 1 or (
        settings.CELERY_WORKER_POOL not in ("threads", "solo")
        and settings.CELERY_WORKER_CONCURRENCY > 1
    )
    if url.startswith("memory://") and (
        several or not settings.CELERY_BROKER_URL.startswith("filesystem://")
    ):
        return [
            Warning(
                "The integrations' limits (max_in_flight, max_per_second) are kept in each "
                "worker process's memory: with several worker processes or hosts they are "
                "exceeded.",
                hint="Set REDRIVE_LIMITS_URL to a Redis URL every worker reaches (the default "
                "with a Redis broker).",
                id="integrations.W001",
            )
        ]
    return []
