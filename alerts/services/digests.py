"""Hourly and daily digests: the problems each contact has not heard of yet, with counts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alerts.models import KIND_NEEDS_ACTION, AlertContact, AlertNotification, Frequency
from alerts.selectors import problems_for_contact
from alerts.services.emails import MailResult, alert_notifications_send
from core.errors import ApplicationError

logger = logging.getLogger(__name__)

DIGEST_LENGTH = {Frequency.HOURLY: timedelta(hours=1), Frequency.DAILY: timedelta(days=1)}
DIGEST_CONTACTS = {
    Frequency.HOURLY: [Frequency.HOURLY, Frequency.IMMEDIATE],
    Frequency.DAILY: [Frequency.DAILY],
}
NOT_AT_ONCE = [kind for kind, needs_action in KIND_NEEDS_ACTION.items() if not needs_action]


def digest_period(frequency: str, now: datetime) -> str:
    """The period a digest run at ``now`` belongs to, in ``TIME_ZONE``."""
    local = timezone.localtime(now)
    return (
        f"hourly:{local:%Y-%m-%dT%H}"
        if frequency == Frequency.HOURLY
        else f"daily:{local:%Y-%m-%d}"
    )


@dataclass
class DigestResult:
    frequency: str
    period: str
    dry_run: bool = False
    recipients: list[tuple[str, int]] = field(default_factory=list)
    mail: MailResult = field(default_factory=MailResult)

    @property
    def problems(self) -> int:
        return sum(count for _, count in self.recipients)


def alert_digests_send(
    *, frequency: str, now: datetime | None = None, dry_run: bool = False
) -> DigestResult:
    """Put the problems each hourly or daily contact has not heard of yet in its digest, and
    send.

    A contact's digest holds the problems seen since its last one (``digest_covered_until``),
    so a late or missed run loses nothing and a repeated run adds nothing. Hourly runs also
    carry, for immediate contacts, the kinds not sent at once. Not one transaction: each contact
    is its own (locked with ``SKIP LOCKED``, so concurrent runs share the work), committed
    before its mail goes out; then every pending notification is sent, earlier failures
    included. ``dry_run`` reports what would go out and writes nothing.
    """
    if frequency not in DIGEST_LENGTH:
        raise ApplicationError(
            f"Unknown digest frequency {frequency!r}; use one of {', '.join(DIGEST_LENGTH)}.",
            extra={"field": "frequency"},
        )
    now = now or timezone.now()
    result = DigestResult(frequency, digest_period(frequency, now), dry_run)
    contact_ids = AlertContact.objects.filter(
        frequency__in=DIGEST_CONTACTS[frequency], channels__contains=["email"]
    )
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
            AlertContact.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=contact_id, frequency__in=DIGEST_CONTACTS[frequency])
            .first()
        )
        if contact is None:
            return None
        since = contact.digest_covered_until or now - DIGEST_LENGTH[frequency]
        already = AlertNotification.objects.filter(
            problem=OuterRef("pk"), contact=contact, period=period
        )
        problems = problems_for_contact(contact=contact).filter(
            ~Exists(already), last_seen_at__gt=since, last_seen_at__lte=now
        )
        kinds = contact.kinds or None
        if contact.frequency == Frequency.IMMEDIATE:
            kinds = [kind for kind in (kinds or NOT_AT_ONCE) if kind in NOT_AT_ONCE]
        if kinds is not None:
            problems = problems.filter(kind__in=kinds)
        problem_ids = list(problems.order_by("last_seen_at", "pk").values_list("pk", flat=True))
        address = contact.address
        if dry_run:
            return address, len(problem_ids) if address else 0
        if problem_ids and address:
            AlertNotification.objects.bulk_create(
                [
                    AlertNotification(contact=contact, problem_id=pk, period=period)
                    for pk in problem_ids
                ],
                ignore_conflicts=True,
            )
        elif problem_ids:
            logger.warning(
                "alert contact %s has no e-mail address (or it was refused); digest skipped",
                contact.pk,
            )
        contact.digest_covered_until = max(now, since)
        contact.save(update_fields=["digest_covered_until"])
        return address, len(problem_ids) if address else 0
