"""Problem e-mail: at once when a problem that needs action opens, at most one update per
problem per ``REDRIVE_PROBLEM_UPDATE_MINUTES`` while it grows (each wait twice the one
before), one when it is resolved; hourly
and daily digests of problems for the rest (``alerts.services.digests``).

Every mail is first ``AlertNotification`` rows (contact, problem, period), committed before
anything is sent: the unique row stops a second mail about the same problem in the same period,
and a row stays ``pending`` until the mail server took it, so a failed send is tried again (by
the task's retries, then by every digest run) and never lost. A recipient the mail server
refuses for good (a 5xx for every recipient) is marked on its contact and skipped from then
on, until its address changes.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertContact, AlertNotification, Frequency, Problem
from alerts.selectors import alerts_for_contact, contacts_for_problem
from alerts.services.webhooks import problem_payload, webhooks_queue

logger = logging.getLogger(__name__)

ERROR_LIMIT = 2000
DIGEST_SHOWN = 200
ORDERS_SHOWN = 10
OPENED, UPDATE, RESOLVED = "opened", "update:", "resolved"
AT_ONCE = (OPENED, UPDATE, RESOLVED)


def at_once(period: str) -> bool:
    return period.startswith(AT_ONCE)


def update_interval() -> timedelta:
    return timedelta(minutes=settings.REDRIVE_PROBLEM_UPDATE_MINUTES)


def queue_problem_mail(*, problem: Problem, event: str) -> list[int]:
    """Record the at-once mails of ``event`` about ``problem`` and send them after commit.

    ``opened`` and ``update`` go to the immediate contacts who hear of the problem and want its
    kind; a contact that has not had the opened mail yet (its organization's first order under
    the problem came later) gets that one instead of the update. ``resolved`` goes only to those
    who were told it opened. One row per address.
    """
    contacts = contacts_for_problem(problem=problem, frequencies=[Frequency.IMMEDIATE])
    _problem_webhooks(problem, event, contacts)
    told = set(
        AlertNotification.objects.filter(problem=problem, period=OPENED).values_list(
            "contact_id", flat=True
        )
    )
    rows, addresses = [], set()
    for contact in contacts:
        address = contact.address.lower()
        if not contact.mails or not address or address in addresses:
            continue
        if event == RESOLVED:
            period = RESOLVED if contact.pk in told else None
        elif contact.pk in told:
            period = f"{UPDATE}{problem.alerts_count}" if event != OPENED else None
        else:
            period = OPENED
        if period:
            addresses.add(address)
            rows.append(AlertNotification(contact=contact, problem=problem, period=period))
    created = AlertNotification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = [row.pk for row in created if row.pk]
    if rows:
        transaction.on_commit(lambda: _enqueue(problem.pk))
    return ids


WEBHOOK_EVENT = {
    OPENED: "problem.opened",
    "update": "problem.updated",
    RESOLVED: "problem.resolved",
}


def _problem_webhooks(problem: Problem, event: str, contacts) -> None:
    title = {OPENED: "opened", "update": "still growing", RESOLVED: "resolved"}[event]
    text = (
        f"Redrive: {problem.get_kind_display()} at {problem.integration} {title} "
        f"({problem.alerts_count} order{'s' if problem.alerts_count != 1 else ''}): "
        f"{problem.message[:300]} {settings.SITE_URL}/api/alerts/?problem={problem.pk}"
    )
    webhooks_queue(
        event=WEBHOOK_EVENT[event],
        text=text,
        data={"problem": problem_payload(problem)},
        contacts=contacts,
        problem=problem,
    )


def _enqueue(problem_id: int) -> None:
    from alerts.tasks import send_alert_notifications

    ids = list(
        AlertNotification.objects.filter(
            problem_id=problem_id, status=AlertNotification.Status.PENDING
        ).values_list("pk", flat=True)
    )
    if ids:
        send_alert_notifications.delay(ids)


UPDATE_BACKOFF_CAP = 16
"""The wait before an update doubles with each (1, 2, 4 ... intervals), up to 16 intervals."""


def update_wait(problem: Problem) -> timedelta:
    """How long after its last mail a growing problem may be mailed again: the interval, then
    twice it, four times ...: an outage that grows for an hour is mailed at its opening and
    after 15 and 45 minutes (3 e-mails), not every 15 minutes."""
    return update_interval() * min(2**problem.updates_mailed, UPDATE_BACKOFF_CAP)


def problem_updates_queue(*, now=None) -> int:
    """Queue the update mail of each open problem that needs action, grew since its last mail,
    and was last mailed at least ``update_wait`` ago; returns how many problems.

    Each problem is claimed by a conditional ``UPDATE`` of ``mailed_at`` (the value read), so
    two beat runs, or two workers, never queue the same update twice.
    """
    now = now or timezone.now()
    candidates = Problem.objects.filter(
        status=Problem.Status.OPEN,
        needs_action=True,
        alerts_count__gt=F("mailed_count"),
        mailed_at__lte=now - update_interval(),
    ).select_related("integration")
    queued = 0
    for problem in candidates:
        if problem.mailed_at > now - update_wait(problem):
            continue
        with transaction.atomic():
            claimed = Problem.objects.filter(
                pk=problem.pk, status=Problem.Status.OPEN, mailed_at=problem.mailed_at
            ).update(
                mailed_at=now,
                mailed_count=F("alerts_count"),
                updates_mailed=F("updates_mailed") + 1,
            )
            if not claimed:
                continue
            problem.refresh_from_db(
                fields=["alerts_count", "mailed_count", "mailed_at", "updates_mailed"]
            )
            queue_problem_mail(problem=problem, event="update")
            queued += 1
    return queued


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


DASHBOARD = "/dashboard"


def reads_admin(contact: AlertContact) -> bool:
    """Staff open alerts and orders in the admin; every other contact (a provider's owner or
    manager, or a bare address) cannot, and gets the dashboard's pages instead."""
    return bool(contact.user_id and contact.user.is_staff and contact.user.is_active)


def problem_links(problem: Problem, *, admin: bool) -> dict[str, str]:
    """Where a mail about ``problem`` points: the list of its alerts (one per order), in the
    admin (``admin``) or the provider dashboard (``/dashboard/alerts?problem={id}``, agreed
    with the dashboard app), and the same list in the API."""
    if admin:
        alerts = reverse("admin:alerts_alert_changelist") + f"?problem__id__exact={problem.pk}"
        links = {
            "problem": _absolute(reverse("admin:alerts_problem_change", args=[problem.pk])),
            "alerts": _absolute(alerts),
        }
    else:
        links = {"alerts": _absolute(f"{DASHBOARD}/alerts?problem={problem.pk}")}
    links["api"] = _absolute(f"/api/alerts/?problem={problem.pk}")
    return links


def order_link(order, *, admin: bool) -> str:
    if admin:
        return _absolute(reverse("admin:orders_order_change", args=[order.pk]))
    return _absolute(f"{DASHBOARD}/orders/{order.uuid}")


def problem_view(problem: Problem, contact: AlertContact, *, orders: int = 0) -> dict:
    """What a mail shows of one problem to one contact: the count in the contact's scope (an
    organization hears of its own orders only), its links and, with ``orders``, its latest
    orders with theirs."""
    admin = reads_admin(contact)
    alerts = alerts_for_contact(contact=contact).filter(problem=problem)
    view = {
        "problem": problem,
        "count": alerts.count(),
        "links": problem_links(problem, admin=admin),
    }
    if orders:
        latest = alerts.filter(order__isnull=False).select_related("order")
        view["orders"] = [
            {"number": alert.order.number, "link": order_link(alert.order, admin=admin)}
            for alert in latest.order_by("-last_seen_at", "-pk")[:orders]
        ]
    return view


def _message(contact: AlertContact, period: str, problems: list[Problem]) -> mail.EmailMessage:
    if at_once(period):
        view = problem_view(problems[0], contact, orders=ORDERS_SHOWN)
        problem = view["problem"]
        event = period.partition(":")[0]
        title = {OPENED: "", "update": "still growing: ", RESOLVED: "resolved: "}[event]
        subject = (
            f"[Redrive] {title}{problem.get_kind_display()} at {problem.integration}"
            f" ({view['count']} order{'s' if view['count'] != 1 else ''})"
        )
        body = render_to_string(
            "alerts/email/problem.txt",
            {"view": view, "event": event, "interval": settings.REDRIVE_PROBLEM_UPDATE_MINUTES},
        )
    else:
        frequency, _, when = period.partition(":")
        views = [problem_view(problem, contact) for problem in problems]
        count = f"{len(views)} problem{'s' if len(views) != 1 else ''}"
        subject = f"[Redrive] {frequency} digest: {count} ({when})"
        admin = reads_admin(contact)
        all_alerts = reverse("admin:alerts_problem_changelist") if admin else f"{DASHBOARD}/alerts"
        body = render_to_string(
            "alerts/email/digest.txt",
            {
                "views": views,
                "shown": views[:DIGEST_SHOWN],
                "more": max(0, len(views) - DIGEST_SHOWN),
                "all_alerts": _absolute(all_alerts),
                "frequency": frequency,
                "when": when,
            },
        )
    return mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.address])


@dataclass
class MailResult:
    sent: int = 0
    failed: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def alert_notifications_send(*, ids: list[int] | None = None) -> MailResult:
    """Send pending notifications (all, or ``ids``): one e-mail per contact and digest period,
    one per problem and event for the at-once ones.

    Each mail is sent holding its rows locked (``SKIP LOCKED``), so the task, a retry and a
    digest run never send the same rows twice. A mail server failure (``OSError``, which
    ``SMTPException`` is) is written on the rows, which stay pending for the next try; a
    permanent refusal of the recipient marks the contact and skips the rows.
    """
    pending = AlertNotification.objects.filter(
        status=AlertNotification.Status.PENDING, problem__isnull=False
    )
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    result = MailResult()
    connection = mail.get_connection()
    for period, group in _mails(pending):
        with transaction.atomic():
            rows = list(
                pending.filter(pk__in=group)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("contact__user", "problem__integration")
                .order_by("problem__last_seen_at", "pk")
            )
            if rows:
                _send_one(connection, period, rows, result)
    return result


def _mails(pending) -> list[tuple[str, list[int]]]:
    """The pending rows grouped into mails: (period, row ids) per contact and period, and one
    mail per problem for the at-once ones."""
    groups: dict[tuple, list[int]] = {}
    for pk, contact_id, period, problem_id in pending.order_by("pk").values_list(
        "pk", "contact_id", "period", "problem_id"
    ):
        one = problem_id if at_once(period) else None
        groups.setdefault((contact_id, period, one), []).append(pk)
    return [(period, group) for (_, period, _), group in groups.items()]


def permanent_refusal(error: OSError) -> str:
    """What the mail server said if it refused every recipient for good (5xx), else ''."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        answers = list(error.recipients.values())
        if all(500 <= code < 600 for code, _ in answers):
            return "; ".join(
                f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
                for code, reply in answers
            )
    return ""


def _send_one(connection, period: str, rows: list[AlertNotification], result: MailResult) -> None:
    """Send one mail of locked rows and record on them what happened."""
    row_ids = [row.pk for row in rows]
    contact = rows[0].contact
    if not contact.address:
        AlertNotification.objects.filter(pk__in=row_ids).update(
            status=AlertNotification.Status.SKIPPED,
            last_error=(
                f"The mail server refused {contact.refused_address}: {contact.refused_reason}"
                if contact.refused
                else "The contact has no e-mail address (or its user is inactive)."
            )[:ERROR_LIMIT],
        )
        return
    try:
        connection.send_messages([_message(contact, period, [r.problem for r in rows])])
    except OSError as error:
        described = f"{error.__class__.__name__}: {error}"[:ERROR_LIMIT]
        refusal = permanent_refusal(error)
        if refusal:
            _refused(contact, refusal, row_ids)
            result.refused += 1
            return
        AlertNotification.objects.filter(pk__in=row_ids).update(
            attempts=F("attempts") + 1, last_error=described
        )
        logger.warning("alert mail to %s (%s) failed: %s", contact.address, period, described)
        result.failed += 1
        result.errors.append(f"{contact.address}: {described}")
        return
    AlertNotification.objects.filter(pk__in=row_ids).update(
        status=AlertNotification.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )
    result.sent += 1


def _refused(contact: AlertContact, refusal: str, row_ids: list[int]) -> None:
    """Mark the contact's address refused (mail to it is skipped until it changes) and skip
    the rows: a permanent refusal would be the same on every retry."""
    address = contact.address
    AlertContact.objects.filter(pk=contact.pk).update(
        refused_address=address, refused_at=timezone.now(), refused_reason=refusal[:ERROR_LIMIT]
    )
    AlertNotification.objects.filter(pk__in=row_ids).update(
        status=AlertNotification.Status.SKIPPED,
        attempts=F("attempts") + 1,
        last_error=f"The mail server refused {address}: {refusal}"[:ERROR_LIMIT],
    )
    logger.warning("alert contact %s: %s refused for good: %s", contact.pk, address, refusal)
