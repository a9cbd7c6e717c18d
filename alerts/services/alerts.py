"""Raise (deduplicated, reopening, counted in its problem), resolve and dismiss alerts. The
delivery pipeline decides which alert an attempt means (``integrations.services.alerting``)
and calls these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from alerts.models import KIND_NEEDS_ACTION, KIND_SEVERITY, Alert, Kind, Problem
from alerts.selectors import alert_scope
from alerts.services.emails import queue_problem_mail
from alerts.services.problems import (
    UPSERT_COLUMNS,
    UPSERT_ON_CONFLICT,
    UPSERT_VALUES,
    problem_count,
    problem_seen,
    problems_settle,
    upsert_params,
)
from core.errors import ApplicationError, ErrorCode

RAISE_TRIES = 3
KINDS = frozenset(Kind.values)  # Kind.values builds a list each time: this runs every failure


def _product_code(order) -> str:
    attributes = order.attributes if isinstance(order.attributes, dict) else {}
    code = attributes.get("product_code") or attributes.get("sku") or ""
    return str(code)[:100]


_COLUMNS = """(
        integration_id, order_id, product_code, problem_id, kind, severity, message,
        needs_action, status, occurrences, first_seen_at, last_seen_at, opened_at, reopen_count,
        resolved_reason, dismissed_note
    )"""
_INSERT = f"""
    INSERT INTO {Alert._meta.db_table} {_COLUMNS}
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'open', 1, %s, %s, %s, 0, '', '')
    ON CONFLICT DO NOTHING
    RETURNING id
"""

_RAISE = f"""
    WITH latest AS (
        SELECT id, status, problem_id FROM {Alert._meta.db_table}
        WHERE integration_id = %s AND kind = %s AND {{match}}
        ORDER BY opened_at DESC, id DESC LIMIT 1
        FOR UPDATE
    ), counted AS (
        INSERT INTO {Problem._meta.db_table} {UPSERT_COLUMNS} SELECT {UPSERT_VALUES}
        WHERE NOT EXISTS (SELECT 1 FROM latest WHERE status = 'open')
        {UPSERT_ON_CONFLICT}
    ), created AS (
        INSERT INTO {Alert._meta.db_table} {_COLUMNS}
        SELECT %s, %s, %s, counted.id, %s, %s, %s, %s, 'open', 1, %s, %s, %s, 0, '', ''
        FROM counted WHERE NOT EXISTS (SELECT 1 FROM latest)
        ON CONFLICT DO NOTHING
        RETURNING id
    )
    SELECT latest.id, latest.status, latest.problem_id, counted.id, counted.opened, created.id
    FROM (SELECT 1) AS one
    LEFT JOIN latest ON true LEFT JOIN counted ON true LEFT JOIN created ON true
"""
"""``alert_raise``'s first step on PostgreSQL, in one statement: the key's latest alert locked;
unless it is open, one more alert counted in the open problem (``counted``); unless there is
one at all, the key's first alert inserted under that problem (``created``: none if another
transaction opened it meanwhile). ``{match}`` is the key's order or product."""
_RAISE_FOR_ORDER = _RAISE.format(match="order_id = %s")
_RAISE_FOR_PRODUCT = _RAISE.format(match="order_id IS NULL AND product_code = %s")


def alert_raise(
    *,
    integration,
    kind: str,
    message: str,
    order=None,
    product_code: str = "",
    code: str = "",
    incident_id: int | None = None,
) -> Alert:
    """Raise an alert: count a repeat of the open one, reopen a closed one, or create it.

    Joins the caller's transaction (no savepoint: this runs on every failure) and is safe
    against concurrent raises of the same alert: the key's latest alert is read ``FOR UPDATE``
    (a second raiser waits on it and then sees it open, and counts a repeat); a first raise
    inserts with ``ON CONFLICT DO NOTHING`` under the partial unique constraint (one open alert
    per key), so the loser of a race inserts nothing once the winner commits, gives back its
    count in the problem and counts the winner's row. An alert opened (or reopened) counts in
    the open problem of (integration, kind, ``code``, the remote error code); the problem's
    opening queues its e-mail after commit, and later alerts under it only count
    (``problem_updates_queue`` mails the growth). ``incident_id`` is the integration's outage
    the failure belongs to, if any.
    """
    if kind not in KINDS:
        raise ApplicationError(
            f"Unknown alert kind {kind!r}; use one of {', '.join(Kind.values)}.",
            extra={"field": "kind"},
        )
    message = (message or "").strip() or f"{Kind(kind).label} (the remote system said nothing)."
    product_code = (product_code or (_product_code(order) if order is not None else ""))[:100]
    key = {"integration": integration, "kind": kind}
    if order is not None:
        key["order"] = order
    else:
        key |= {"order__isnull": True, "product_code": product_code}
    now = timezone.now()
    seen = {"last_seen_at": now, "message": message, "occurrences": F("occurrences") + 1}
    values = _values(key, message, order=order, product_code=product_code, now=now)
    problem = {
        "integration_id": integration.pk,
        "kind": kind,
        "code": code,
        "message": message,
        "now": now,
        "incident_id": incident_id,
    }
    first_step = _first_step if connection.vendor == "postgresql" else _first_step_portable
    with transaction.atomic(savepoint=False):
        for _ in range(RAISE_TRIES):
            step = first_step(key, values, problem)
            latest = step.latest
            if latest is not None and latest["status"] == Alert.Status.OPEN:
                Alert.objects.filter(pk=latest["pk"]).update(**seen)
                problem_seen(problem_id=latest["problem_id"], message=message, now=now)
                return Alert.objects.get(pk=latest["pk"])
            if latest is not None:
                alert = _reopen(latest["pk"], kind, seen, problem_id=step.problem_id, now=now)
            else:
                alert = step.created
                if alert is None:  # another raise opened it first: count in that one
                    Problem.objects.filter(pk=step.problem_id).update(
                        alerts_count=F("alerts_count") - 1
                    )
                    continue
            if step.opened and alert.needs_action:
                queue_problem_mail(problem=Problem.objects.get(pk=step.problem_id), event="opened")
            return alert
    raise ApplicationError(
        "The alert changed under us too often; try again.",
        code=ErrorCode.CONFLICT,
        extra={"kind": kind},
    )


def _reopen(pk: int, kind: str, seen: dict, *, problem_id: int, now) -> Alert:
    """Open the key's latest closed alert again (its row is locked by the caller)."""
    Alert.objects.filter(pk=pk).update(
        **seen,
        problem_id=problem_id,
        status=Alert.Status.OPEN,
        opened_at=now,
        reopen_count=F("reopen_count") + 1,
        severity=KIND_SEVERITY[kind],
        needs_action=KIND_NEEDS_ACTION[kind],
    )
    return Alert.objects.get(pk=pk)


class _Step(NamedTuple):
    """What ``alert_raise``'s first step found and did: the key's latest alert (locked; pk,
    status, problem_id), else or if closed the problem counted in and whether that opened it,
    and the alert created when the key had none (``None`` if another transaction won)."""

    latest: dict | None
    problem_id: int | None = None
    opened: bool = False
    created: Alert | None = None


def _values(key: dict, message: str, *, order, product_code: str, now) -> dict:
    """A new alert's fields (its problem is set once counted)."""
    kind = key["kind"]
    return {
        "integration": key["integration"],
        "order": order,
        "product_code": product_code,
        "kind": kind,
        "severity": KIND_SEVERITY[kind],
        "message": message,
        "needs_action": KIND_NEEDS_ACTION[kind],
        "first_seen_at": now,
        "last_seen_at": now,
        "opened_at": now,
    }


def _row(values: dict) -> list:
    """``values`` in the order of ``_INSERT``'s placeholders after ``problem_id``."""
    return [
        values["kind"],
        values["severity"],
        values["message"],
        values["needs_action"],
        values["first_seen_at"],
        values["last_seen_at"],
        values["opened_at"],
    ]


def _owner(values: dict) -> list:
    """The alert's integration, order and product, as its insert takes them."""
    order = values["order"]
    return [
        values["integration"].pk,
        order.pk if order is not None else None,
        values["product_code"],
    ]


def _created(pk: int, values: dict, problem_id: int) -> Alert:
    return Alert(
        pk=pk,
        status=Alert.Status.OPEN,
        occurrences=1,
        reopen_count=0,
        problem_id=problem_id,
        **values,
    )


def _first_step(key: dict, values: dict, problem: dict) -> _Step:
    """PostgreSQL: ``_RAISE``, one statement."""
    order = values["order"]
    head = [values["integration"].pk, values["kind"]]
    if order is not None:
        sql, head = _RAISE_FOR_ORDER, [*head, order.pk]
    else:
        sql, head = _RAISE_FOR_PRODUCT, [*head, values["product_code"]]
    with connection.cursor() as cursor:
        cursor.execute(sql, head + upsert_params(**problem) + _owner(values) + _row(values))
        latest_pk, status, latest_problem, problem_id, opened, created = cursor.fetchone()
    latest = None
    if latest_pk is not None:
        latest = {"pk": latest_pk, "status": status, "problem_id": latest_problem}
    alert = _created(created, values, problem_id) if created is not None else None
    return _Step(latest, problem_id, bool(opened), alert)


def _first_step_portable(key: dict, values: dict, problem: dict) -> _Step:
    """SQLite (``make run``), whose WITH cannot hold an INSERT: the same in up to three."""
    latest = (
        Alert.objects.select_for_update()
        .filter(**key)
        .order_by("-opened_at", "-pk")
        .values("pk", "status", "problem_id")
        .first()
    )
    if latest is not None and latest["status"] == Alert.Status.OPEN:
        return _Step(latest)
    problem_id, opened = problem_count(**problem)
    if latest is not None:
        return _Step(latest, problem_id, opened)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [*_owner(values), problem_id, *_row(values)])
        row = cursor.fetchone()
    alert = _created(row[0], values, problem_id) if row is not None else None
    return _Step(None, problem_id, opened, alert)


@transaction.atomic
def alerts_resolve_for(
    *, order, integration, reason: str, kinds: list[str] | None = None, actor=None
) -> int:
    """Resolve the open alerts of ``order`` at ``integration`` (a later success); returns how
    many. With ``order=None``, the integration's alerts about no order (e.g. ``unavailable``
    once its breaker closes), optionally only ``kinds``. One UPDATE."""
    alerts = Alert.objects.filter(integration=integration, status=Alert.Status.OPEN)
    alerts = alerts.filter(order=order) if order is not None else alerts.filter(order__isnull=True)
    if kinds:
        alerts = alerts.filter(kind__in=kinds)
    problem_ids = set(alerts.values_list("problem_id", flat=True))
    resolved = alerts.update(
        status=Alert.Status.RESOLVED,
        resolved_at=timezone.now(),
        resolved_by=actor,
        resolved_reason=reason,
    )
    if resolved:
        problems_settle(problem_ids=problem_ids, reason=f"its last alert resolved: {reason}")
    return resolved


def _require_dismisser(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("Authentication is required.", code=ErrorCode.FORBIDDEN)
    if not actor.has_perm("alerts.dismiss_alert"):
        raise ApplicationError("You are not allowed to dismiss alerts.", code=ErrorCode.FORBIDDEN)


def _dismissal(actor, reason: str, now) -> dict:
    reason = (reason or "").strip()
    said = f"dismissed by {actor.get_username()}" + (f": {reason}" if reason else "")
    return {
        "status": Alert.Status.DISMISSED,
        "dismissed_by": actor,
        "dismissed_at": now,
        "dismissed_note": reason,
        "resolved_reason": said,
    }


@transaction.atomic
def alert_dismiss(*, alert: Alert, actor, reason: str = "") -> Alert:
    """A person dismisses an open alert; who, when and their note (``reason``, optional) are
    kept. It reopens if it happens again."""
    _require_dismisser(actor)
    if not Alert.objects.filter(alert_scope(actor), pk=alert.pk).exists():
        raise ApplicationError(
            f"You are not allowed to dismiss alert {alert.pk}.", code=ErrorCode.FORBIDDEN
        )
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status != Alert.Status.OPEN:
        raise ApplicationError(
            f"Alert {locked.pk} is {locked.status}; only open alerts can be dismissed.",
            code=ErrorCode.CONFLICT,
            extra={"status": locked.status},
        )
    for name, value in _dismissal(actor, reason, timezone.now()).items():
        setattr(locked, name, value)
    locked.save(
        update_fields=[
            "status",
            "dismissed_by",
            "dismissed_at",
            "dismissed_note",
            "resolved_reason",
        ]
    )
    problems_settle(
        problem_ids=[locked.problem_id], reason=f"its alerts were {locked.resolved_reason}"
    )
    return locked


@dataclass
class DismissResult:
    matched: int = 0
    dismissed: int = 0

    @property
    def skipped(self) -> int:
        """Selected but not dismissed: no longer open, or outside the actor's scope."""
        return self.matched - self.dismissed


@transaction.atomic
def alerts_dismiss(*, alerts: QuerySet[Alert], actor, reason: str = "") -> DismissResult:
    """Dismiss every open alert of ``alerts`` in ``actor``'s scope, in one UPDATE."""
    _require_dismisser(actor)
    result = DismissResult(matched=alerts.count())
    selected = alerts.order_by().values("pk")
    dismissing = Alert.objects.filter(alert_scope(actor), pk__in=selected, status=Alert.Status.OPEN)
    problem_ids = set(dismissing.values_list("problem_id", flat=True))
    dismissal = _dismissal(actor, reason, timezone.now())
    result.dismissed = dismissing.update(**dismissal)
    if result.dismissed:
        problems_settle(
            problem_ids=problem_ids, reason=f"its alerts were {dismissal['resolved_reason']}"
        )
    return result
