"""Alert e-mail: at once for kinds that need action, hourly and daily digests for the rest.

Every alert put in a mail is first an ``AlertNotification`` row (contact, alert, period),
committed before anything is sent: the unique row stops a second mail about the same alert in
the same period, and a row stays ``pending`` until the mail server took it, so a failed send is
tried again (by the task's retries, then by every digest run) and never lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts.models import KIND_NEEDS_ACTION, Alert, AlertContact, AlertNotification, Frequency
from alerts.selectors import alerts_for_contact, contacts_for
from core.errors import ApplicationError

logger = logging.getLogger(__name__)

DIGEST_LENGTH = {Frequency.HOURLY: timedelta(hours=1), Frequency.DAILY: timedelta(days=1)}
DIGEST_CONTACTS = {
    Frequency.HOURLY: [Frequency.HOURLY, Frequency.IMMEDIATE],
    Frequency.DAILY: [Frequency.DAILY],
}
NOT_AT_ONCE = [kind for kind, needs_action in KIND_NEEDS_ACTION.items() if not needs_action]
ERROR_LIMIT = 2000
DIGEST_SHOWN = 200


IMMEDIATE = "immediate:"


def immediate_period(alert: Alert) -> str:
    """One at-once mail per opening of an alert: ``immediate:1``, then ``immediate:2`` ..."""
    return f"{IMMEDIATE}{alert.reopen_count + 1}"


def digest_period(frequency: str, now: datetime) -> str:
    """The period a digest run at ``now`` belongs to, in ``TIME_ZONE``."""
    local = timezone.localtime(now)
    return (
        f"hourly:{local:%Y-%m-%dT%H}"
        if frequency == Frequency.HOURLY
        else f"daily:{local:%Y-%m-%d}"
    )


def queue_immediate(*, alert: Alert) -> list[int]:
    """Record a mail for each immediate contact of a just-opened alert; send after commit."""
    rows, addresses = [], set()
    for contact in contacts_for(alert=alert, frequencies=[Frequency.IMMEDIATE]):
        address = contact.address.lower()
        if address and address not in addresses:
            addresses.add(address)
            rows.append(
                AlertNotification(contact=contact, alert=alert, period=immediate_period(alert))
            )
    ids = [row.pk for row in AlertNotification.objects.bulk_create(rows)]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from alerts.tasks import send_alert_notifications

    send_alert_notifications.delay(ids)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


DASHBOARD = "/dashboard"


def reads_admin(contact: AlertContact) -> bool:
    """Staff open alerts and orders in the admin; every other contact (a provider's owner or
    manager, or a bare address) cannot, and gets the dashboard's pages instead."""
    return bool(contact.user_id and contact.user.is_staff and contact.user.is_active)


def alert_links(alert: Alert, *, admin: bool) -> dict[str, str]:
    """Where a mail about ``alert`` points: the admin's pages (``admin``), or the provider
    dashboard's routes (``/dashboard/alerts/{id}``, ``/dashboard/orders/{uuid}``, agreed with
    the dashboard app); the order's API URL either way."""
    if admin:
        links = {"alert": _absolute(reverse("admin:alerts_alert_change", args=[alert.pk]))}
    else:
        links = {"alert": _absolute(f"{DASHBOARD}/alerts/{alert.pk}")}
    if alert.order_id:
        links["order"] = _absolute(
            reverse("admin:orders_order_change", args=[alert.order_id])
            if admin
            else f"{DASHBOARD}/orders/{alert.order.uuid}"
        )
        links["order_api"] = _absolute(f"/api/orders/{alert.order.uuid}/")
    return links


def _message(contact: AlertContact, period: str, alerts: list[Alert]) -> mail.EmailMessage:
    admin = reads_admin(contact)
    items = [{"alert": alert, "links": alert_links(alert, admin=admin)} for alert in alerts]
    if period.startswith(IMMEDIATE):
        alert = alerts[0]
        subject = f"[Redrive] {alert.get_kind_display()}: " + (
            f"order {alert.order.number}" if alert.order_id else f"{alert.integration}"
        )
        body = render_to_string("alerts/email/immediate.txt", {"item": items[0]})
    else:
        frequency, _, when = period.partition(":")
        count = f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}"
        subject = f"[Redrive] {frequency} digest: {count} ({when})"
        all_alerts = reverse("admin:alerts_alert_changelist") if admin else f"{DASHBOARD}/alerts"
        body = render_to_string(
            "alerts/email/digest.txt",
            {
                "items": items,
                "shown": items[:DIGEST_SHOWN],
                "more": max(0, len(items) - DIGEST_SHOWN),
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
    errors: list[str] = field(default_factory=list)


def alert_notifications_send(*, ids: list[int] | None = None) -> MailResult:
    """Send pending notifications (all, or ``ids``): one e-mail per contact and digest period,
    one per alert for the at-once ones.

    Each mail is sent holding its rows locked (``SKIP LOCKED``), so the task, a retry and a
    digest run never send the same rows twice. A mail server failure (``OSError``, which
    ``SMTPException`` is) is written on the rows, which stay pending for the next try.
    """
    pending = AlertNotification.objects.filter(status=AlertNotification.Status.PENDING)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    result = MailResult()
    connection = mail.get_connection()
    for period, group in _mails(pending):
        with transaction.atomic():
            rows = list(
                pending.filter(pk__in=group)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("contact__user", "alert__integration", "alert__order")
                .order_by("alert__last_seen_at", "pk")
            )
            if rows:
                _send_one(connection, period, rows, result)
    return result


def _mails(pending) -> list[tuple[str, list[int]]]:
    """The pending rows grouped into mails: (period, row ids) per contact and period, and one
    mail per alert for the at-once ones."""
    groups: dict[tuple, list[int]] = {}
    for pk, contact_id, period, alert_id in pending.order_by("pk").values_list(
        "pk", "contact_id", "period", "alert_id"
    ):
        one_alert = alert_id if period.startswith(IMMEDIATE) else None
        groups.setdefault((contact_id, period, one_alert), []).append(pk)
    return [(period, group) for (_, period, _), group in groups.items()]


def _send_one(connection, period: str, rows: list[AlertNotification], result: MailResult) -> None:
    """Send one mail of locked rows and record on them what happened."""
    row_ids = [row.pk for row in rows]
    contact = rows[0].contact
    if not contact.address:
        AlertNotification.objects.filter(pk__in=row_ids).update(
            status=AlertNotification.Status.SKIPPED,
            last_error="The contact has no e-mail address (or its user is inactive).",
        )
        return
    try:
        connection.send_messages([_message(contact, period, [r.alert for r in rows])])
    except OSError as error:
        described = f"{error.__class__.__name__}: {error}"[:ERROR_LIMIT]
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


@dataclass
class DigestResult:
    frequency: str
    period: str
    dry_run: bool = False
    recipients: list[tuple[str, int]] = field(default_factory=list)
    mail: MailResult = field(default_factory=MailResult)

    @property
    def alerts(self) -> int:
        return sum(count for _, count in self.recipients)


def alert_digests_send(
    *, frequency: str, now: datetime | None = None, dry_run: bool = False
) -> DigestResult:
    """Put what each hourly or daily contact has not heard of yet in its digest, and send.

    A contact's digest holds the alerts seen since its last one (``digest_covered_until``), so
    a late or missed run loses nothing and a repeated run adds nothing. Hourly runs also carry,
    for immediate contacts, the kinds not sent at once. Not one transaction: each contact is
    its own (locked with ``SKIP LOCKED``, so concurrent runs share the work), committed before
    its mail goes out; then every pending notification is sent, earlier failures included.
    ``dry_run`` reports what would go out and writes nothing.
    """
    if frequency not in DIGEST_LENGTH:
        raise ApplicationError(
            f"Unknown digest frequency {frequency!r}; use one of {', '.join(DIGEST_LENGTH)}.",
            extra={"field": "frequency"},
        )
    now = now or timezone.now()
    result = DigestResult(frequency, digest_period(frequency, now), dry_run)
    contact_ids = AlertContact.objects.filter(frequency__in=DIGEST_CONTACTS[frequency])
    for contact_id in contact_ids.values_list("pk", flat=True):
        counted = _digest_contact(contact_id, frequency, result.period, now, dry_run)
        if counted and counted[1]:
            result.recipients.append(counted)
    if not dry_run:
        result.mail = alert_notifications_send()
    return result


def _digest_contact(
    contact_id: int, frequency: str, period: str, now: datetime, dry_run: bool
) -> tuple[str, int] | None:
    with transaction.atomic():
        contact = (
            AlertContact.objects.select_for_update(skip_locked=True)
            .filter(pk=contact_id, frequency__in=DIGEST_CONTACTS[frequency])
            .first()
        )
        if contact is None:
            return None
        since = contact.digest_covered_until or now - DIGEST_LENGTH[frequency]
        already = AlertNotification.objects.filter(
            alert=OuterRef("pk"), contact=contact, period=period
        )
        alerts = alerts_for_contact(contact=contact).filter(
            ~Exists(already), last_seen_at__gt=since, last_seen_at__lte=now
        )
        kinds = contact.kinds or None
        if contact.frequency == Frequency.IMMEDIATE:
            kinds = [kind for kind in (kinds or NOT_AT_ONCE) if kind in NOT_AT_ONCE]
        if kinds is not None:
            alerts = alerts.filter(kind__in=kinds)
        alert_ids = list(alerts.order_by("last_seen_at", "pk").values_list("pk", flat=True))
        address = contact.address
        if dry_run:
            return address, len(alert_ids) if address else 0
        if alert_ids and address:
            AlertNotification.objects.bulk_create(
                [
                    AlertNotification(contact=contact, alert_id=pk, period=period)
                    for pk in alert_ids
                ],
                ignore_conflicts=True,
            )
        elif alert_ids:
            logger.warning("alert contact %s has no e-mail address; digest skipped", contact.pk)
        contact.digest_covered_until = max(now, since)
        contact.save(update_fields=["digest_covered_until"])
        return address, len(alert_ids) if address else 0
