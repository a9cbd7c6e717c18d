"""Problems: the alerts of every order that failed the same way, counted in one row.

``problem_count`` runs inside the transaction that opens an alert: one
``INSERT ... ON CONFLICT DO UPDATE`` on the partial unique key (one open problem per
integration, kind and remote code), so concurrent failures on several workers count in the
same row without a read first. The upsert's row lock is held to the end of that transaction,
which is also what lets ``problems_settle`` decide safely that no open alert is left under a
problem: it locks the problems first, and its next statement sees every alert committed under
them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alerts.models import KIND_NEEDS_ACTION, KIND_SEVERITY, Alert, Kind, Problem
from alerts.services.emails import queue_problem_mail

OUTAGE_KINDS = [Kind.UNAVAILABLE]
"""Problems that are the outage itself: they end with the integration's incident. Orders
given up during it (``retry_exhausted``) still wait for a person, so theirs stays open."""

UPSERT_COLUMNS = """(
        integration_id, incident_id, kind, code, severity, needs_action, status, message,
        alerts_count, first_seen_at, last_seen_at, resolved_reason, mailed_at, mailed_count,
        updates_mailed
    )"""
UPSERT_VALUES = "%s, %s, %s, %s, %s, %s, 'open', %s, 1, %s, %s, '', %s, %s, 0"
"""The values of ``UPSERT_COLUMNS``, in ``upsert_params`` order."""

UPSERT_ON_CONFLICT = f"""
    ON CONFLICT (integration_id, kind, code) WHERE status = 'open' DO UPDATE SET
        alerts_count = {Problem._meta.db_table}.alerts_count + 1,
        last_seen_at = CASE WHEN {Problem._meta.db_table}.last_seen_at > EXCLUDED.last_seen_at
            THEN {Problem._meta.db_table}.last_seen_at ELSE EXCLUDED.last_seen_at END,
        message = EXCLUDED.message,
        incident_id = COALESCE({Problem._meta.db_table}.incident_id, EXCLUDED.incident_id)
    RETURNING id, alerts_count = 1 AS opened
"""
_UPSERT = (
    f"INSERT INTO {Problem._meta.db_table} {UPSERT_COLUMNS} VALUES ({UPSERT_VALUES})"
    + UPSERT_ON_CONFLICT
)
"""Portable SQL (PostgreSQL, and SQLite for ``make run``): the later of the two times by
``CASE``, and the count says whether the row is new (an update makes it 2 or more)."""


def problem_count(
    *, integration_id: int, kind: str, code: str, message: str, now: datetime, incident_id=None
) -> tuple[int, bool]:
    """Count one more alert in the open problem of (integration, kind, code), opening it if
    there is none; returns (problem id, whether this opened it). A problem that needs action
    is taken as mailed at its opening (``mailed_at``): its opened mail is queued by the caller
    once the alert is in."""
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT,
            upsert_params(
                integration_id=integration_id,
                kind=kind,
                code=code,
                message=message,
                now=now,
                incident_id=incident_id,
            ),
        )
        pk, opened = cursor.fetchone()
    return pk, bool(opened)


def upsert_params(
    *, integration_id: int, kind: str, code: str, message: str, now: datetime, incident_id
) -> list:
    """The values of a problem's row as ``UPSERT_VALUES`` takes them."""
    needs_action = KIND_NEEDS_ACTION[kind]
    return [
        integration_id,
        incident_id,
        kind,
        (code or "")[:100],
        KIND_SEVERITY[kind],
        needs_action,
        message,
        now,
        now,
        now if needs_action else None,
        1 if needs_action else 0,
    ]


def problem_seen(*, problem_id: int | None, message: str, now: datetime) -> None:
    """An open alert under the problem was seen again: the problem's latest message and time."""
    if problem_id is not None:
        Problem.objects.filter(pk=problem_id, status=Problem.Status.OPEN).update(
            last_seen_at=now, message=message
        )


def problems_settle(*, problem_ids, reason: str, now: datetime | None = None) -> list[int]:
    """Resolve those of ``problem_ids`` that have no open alert left; returns their ids.

    Locks the problems first (in id order, as every writer does), so an alert being opened
    under one of them (whose upsert holds the row) is committed before the check runs, and the
    check's own statement sees it. Each resolved problem queues its recovered mail.
    """
    ids = sorted({pk for pk in problem_ids if pk is not None})
    if not ids:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        list(
            Problem.objects.select_for_update()
            .filter(pk__in=ids, status=Problem.Status.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        still_open = Alert.objects.filter(problem=OuterRef("pk"), status=Alert.Status.OPEN)
        settled = list(
            Problem.objects.filter(pk__in=ids, status=Problem.Status.OPEN)
            .exclude(Exists(still_open))
            .values_list("pk", flat=True)
        )
        _resolve(settled, reason=reason, now=now)
    return settled


def problems_resolve_for_incident(*, incident_id: int, reason: str) -> list[int]:
    """The integration's incident ended: resolve its outage problems and their open alerts."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Problem.objects.select_for_update()
            .filter(incident_id=incident_id, status=Problem.Status.OPEN, kind__in=OUTAGE_KINDS)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Alert.objects.filter(problem_id__in=ids, status=Alert.Status.OPEN).update(
            status=Alert.Status.RESOLVED, resolved_at=now, resolved_by=None, resolved_reason=reason
        )
        _resolve(ids, reason=reason, now=now)
    return ids


def _resolve(ids: list[int], *, reason: str, now: datetime) -> None:
    if not ids:
        return
    Problem.objects.filter(pk__in=ids).update(
        status=Problem.Status.RESOLVED, resolved_at=now, resolved_reason=reason
    )
    for problem in Problem.objects.filter(pk__in=ids).select_related("integration"):
        queue_problem_mail(problem=problem, event="resolved")
