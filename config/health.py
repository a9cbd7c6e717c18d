"""Liveness: the process answers and its database is reachable."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


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
