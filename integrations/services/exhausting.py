"""Before give-up: a warning when orders of an integration will be given up soon.

A delivery failing transiently is given up once its next retry would fall past the
integration's ``max_retry_age`` after its first failure (``policy.next_retry``); those whose
first failure is older than ``max_retry_age`` less ``REDRIVE_GIVE_UP_WARNING_HOURS`` are
about to be. One ``giving_up`` alert per integration (about no order) says how many and links
to them; it is mailed at once as its problem opens, posted as ``orders.exhausting``, kept up
to date by every run, and resolved when none is left. Limits by attempt count
(``max_attempts``) are not foreseen: only the age is.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
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
        soon = Delivery.objects.filter(
            integration=integration,
            state=Delivery.State.FAILED,
            required=True,
            next_attempt_at__isnull=False,
            first_failed_at__lte=now - integration.max_retry_age + warning,
        ).aggregate(n=Count("order_id", distinct=True), first=Min("first_failed_at"))
        with transaction.atomic():
            if soon["n"]:
                counts[integration.pk] = soon["n"]
                _warn(integration, soon["n"], soon["first"] + integration.max_retry_age)
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
