"""Before give-up: a warning when orders of an integration will be given up soon.

A delivery failing transiently is given up (``policy.next_retry``) once its next retry
would fall past the integration's ``max_retry_age`` after its first failure, or once it has
used ``max_attempts``. About to be, within ``REDRIVE_GIVE_UP_WARNING_HOURS``: those whose first
failure is older than ``max_retry_age`` less the warning time, and those with one attempt left
whose retry (the last) is due within the warning time: each is given up if that retry fails
too. One ``giving_up`` alert per integration (about no order) says how many, when the first
goes and links to them; it is mailed at once as its problem opens, posted as
``orders.exhausting``, kept up to date by every run, and resolved when none is left.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, Kind
from integrations.models import Delivery, Integration


def exhausting_warn(*, now=None) -> dict[int, int]:
    """Raise, refresh or resolve each integration's ``giving_up`` alert; returns
    {integration id: orders about to be given up} for those that have some."""
    now = now or timezone.now()
    warning = timedelta(hours=settings.REDRIVE_GIVE_UP_WARNING_HOURS)
    counts: dict[int, int] = {}
    for integration in Integration.objects.all():
        by_age = Q(first_failed_at__lte=now - integration.max_retry_age + warning)
        which, figures = by_age, {"oldest": Min("first_failed_at", filter=by_age)}
        if integration.max_attempts is not None:
            by_count = Q(
                counted_attempts__gte=integration.max_attempts - 1,
                next_attempt_at__lte=now + warning,
            )
            which |= by_count
            figures["last_try"] = Min("next_attempt_at", filter=by_count)
        soon = Delivery.objects.filter(
            which,
            integration=integration,
            state=Delivery.State.FAILED,
            required=True,
            next_attempt_at__isnull=False,
        ).aggregate(n=Count("order_id", distinct=True), **figures)
        with transaction.atomic():
            if soon["n"]:
                counts[integration.pk] = soon["n"]
                firsts = [soon.get("last_try")]
                if soon["oldest"] is not None:
                    firsts.append(soon["oldest"] + integration.max_retry_age)
                _warn(integration, soon["n"], min(at for at in firsts if at is not None))
            else:
                alert_services.alerts_resolve_for(
                    order=None,
                    integration=integration,
                    kinds=[Kind.GIVING_UP],
                    reason="no order is about to be given up any more",
                )
    return counts


def _warn(integration: Integration, count: int, first_at) -> None:
    hours = settings.REDRIVE_GIVE_UP_WARNING_HOURS
    link = (
        f"{settings.SITE_URL}/api/orders/?integration={integration.pk}&state=erred"
        "&failure_kind=transient"
    )
    message = (
        f"{count} order{'s' if count != 1 else ''} will be given up within {hours} h "
        f"(the first at {first_at:%Y-%m-%d %H:%M} UTC) unless {integration} answers or they "
        f"are resent: {link}"
    )
    was_open = Alert.objects.filter(
        integration=integration, kind=Kind.GIVING_UP, status=Alert.Status.OPEN
    ).exists()
    alert_services.alert_raise(
        integration=integration, kind=Kind.GIVING_UP, message=message, code=f"{hours}h"
    )
    if not was_open:
        alert_services.integration_webhooks(
            integration=integration,
            event="orders.exhausting",
            text=f"Redrive: {message}",
            data={"orders": count, "first_given_up_at": first_at, "orders_url": link},
        )
