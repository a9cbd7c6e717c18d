"""Liveness and readiness.

``/healthz``: the process answers and its database is reachable (a failing liveness probe
restarts the process). ``/readyz``: the process can do its work: the database answers, the
broker accepts a connection, and every migration this code expects is applied (a failing
readiness probe takes it out of the load balancer, e.g. during a deploy whose migrations have
not run yet). Both answer JSON: ``"ok"`` per check, or the reason.
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0
SHOWN_MIGRATIONS = 5


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("healthz: database unreachable: %s", exc)
        return JsonResponse(
            {"status": "unavailable", "database": f"unreachable: {exc.__class__.__name__}"},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def database_check(*, using: str = DEFAULT_DB_ALIAS) -> str:
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readyz: database unreachable: %s", exc)
        return f"unreachable: {exc.__class__.__name__}"
    return "ok"


def broker_check(*, url: str | None = None, timeout: float = BROKER_TIMEOUT_SECONDS) -> str:
    """Open a connection to the Celery broker, without retrying past ``timeout`` seconds."""
    url = url or settings.CELERY_BROKER_URL
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:  # every transport raises its own errors
        logger.warning("readyz: broker unreachable: %s", exc)
        return f"unreachable: {exc.__class__.__name__}"
    return "ok"


def migrations_check(*, using: str = DEFAULT_DB_ALIAS) -> str:
    """The migrations this code has that the database has not applied (the executor's plan)."""
    try:
        executor = MigrationExecutor(connections[using])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        logger.warning("readyz: cannot read the applied migrations: %s", exc)
        return f"unknown: {exc.__class__.__name__}"
    if not plan:
        return "ok"
    names = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    shown = ", ".join(names[:SHOWN_MIGRATIONS])
    more = f" and {len(names) - SHOWN_MIGRATIONS} more" if len(names) > SHOWN_MIGRATIONS else ""
    return f"{len(names)} not applied: {shown}{more}"


def readiness(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    return {
        "database": database_check(using=using),
        "broker": broker_check(),
        "migrations": migrations_check(using=using),
    }


@require_GET
def readyz(request):
    checks = readiness()
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
