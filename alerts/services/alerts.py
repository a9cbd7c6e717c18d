"""Raise (deduplicated, reopening, counted in its problem), resolve and dismiss alerts. The
delivery pipeline decides which alert an attempt means (``integrations.services.alerting``)
and calls these."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from alerts.models import KIND_NEEDS_ACTION, KIND_SEVERITY, Alert, Kind
from alerts.selectors import alert_scope
from alerts.services.emails import queue_problem_mail
from alerts.services.problems import problem_count, problem_seen, problems_settle
from core.errors import ApplicationError, ErrorCode

RAISE_TRIES = 3


def _product_code(order) -> str:
    attributes = order.attributes if isinstance(order.attributes, dict) else {}
    code = attributes.get("product_code") or attributes.get("sku") or ""
    return str(code)[:100]


@transaction.atomic
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

    Safe inside the caller's transaction and against concurrent raises of the same alert: the
    repeat is one ``UPDATE ... SET occurrences = occurrences + 1``; a first raise inserts under
    the partial unique constraint (one open alert per key) in a savepoint, and the loser of a
    race gets ``IntegrityError`` once the winner commits, then counts the winner's row. An
    alert opened (or reopened) counts in the open problem of (integration, kind, ``code``, the
    remote error code), in the same savepoint; the problem's opening queues its e-mail after
    commit, and later alerts under it only count (``problem_updates_queue`` mails the growth).
    ``incident_id`` is the integration's outage the failure belongs to, if any.
    """
    if kind not in Kind.values:
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
    for _ in range(RAISE_TRIES):
        if Alert.objects.filter(status=Alert.Status.OPEN, **key).update(**seen):
            alert = Alert.objects.get(status=Alert.Status.OPEN, **key)
            problem_seen(problem_id=alert.problem_id, message=message, now=now)
            return alert
        try:
            with transaction.atomic():
                problem_id, opened = problem_count(
                    integration_id=integration.pk,
                    kind=kind,
                    code=code,
                    message=message,
                    now=now,
                    incident_id=incident_id,
                )
                seen["problem_id"] = problem_id
                alert = _open(key, seen, now=now, order=order, product_code=product_code)
        except IntegrityError:
            seen.pop("problem_id", None)
            continue
        if opened and alert.needs_action:
            queue_problem_mail(problem=alert.problem, event="opened")
        return alert
    raise ApplicationError(
        "The alert changed under us too often; try again.",
        code=ErrorCode.CONFLICT,
        extra={"kind": kind},
    )


def _open(key: dict, seen: dict, *, now, order, product_code: str) -> Alert:
    """Reopen the latest closed alert of ``key``, or create one; ``IntegrityError`` if another
    transaction opened it first (the caller runs this in a savepoint)."""
    kind = key["kind"]
    closed = (
        Alert.objects.select_for_update()
        .filter(**key)
        .exclude(status=Alert.Status.OPEN)
        .order_by("-opened_at", "-pk")
        .first()
    )
    if closed is not None:
        Alert.objects.filter(pk=closed.pk).update(
            **seen,
            status=Alert.Status.OPEN,
            opened_at=now,
            reopen_count=F("reopen_count") + 1,
            severity=KIND_SEVERITY[kind],
            needs_action=KIND_NEEDS_ACTION[kind],
        )
        return Alert.objects.get(pk=closed.pk)
    return Alert.objects.create(
        integration=key["integration"],
        order=order,
        product_code=product_code,
        kind=kind,
        severity=KIND_SEVERITY[kind],
        needs_action=KIND_NEEDS_ACTION[kind],
        message=seen["message"],
        problem_id=seen["problem_id"],
        first_seen_at=now,
        last_seen_at=now,
        opened_at=now,
    )


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
