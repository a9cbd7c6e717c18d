"""The admin index's failure overview: the counts that matter and failures per hour
(``chart``).

Each count links to the Failed orders queue (or the held deliveries) filtered to exactly
what it counts, with the queue's own query parameters, so the number on the index and the
length of the list it opens agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator

from integrations.admin.chart import failures_per_hour
from integrations.models import BreakerState, Delivery, MaintenanceWindow
from integrations.selectors import integration_list
from orders.models import Order
from orders.selectors import order_list


@dataclass(frozen=True)
class QueueCount:
    label: str
    count: int
    url: str
    hint: str


def _queue(**params: str) -> str:
    url = reverse("admin:orders_failedorder_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def failure_counts(*, user) -> list[QueueCount]:
    """Erred orders ``user`` may see, counted in one query the way the queue filters them."""
    counts = (
        order_list(user=user)
        .filter(state=Order.State.ERRED)
        .order_by()
        .aggregate(
            failed=Count("pk"),
            retrying=Count("pk", filter=Q(next_retry_at__isnull=False)),
            action=Count("pk", filter=Q(failure_kind=Order.FailureKind.ACTION_REQUIRED)),
            exhausted=Count("pk", filter=Q(failure_kind=Order.FailureKind.EXHAUSTED)),
        )
    )
    held = Delivery.objects.filter(state=Delivery.State.HELD).count()
    if user.has_perm("integrations.view_delivery"):
        held_url = reverse("admin:integrations_delivery_changelist")
        held_url += "?" + urlencode({"state__exact": Delivery.State.HELD})
    else:  # the integrations list has a "held deliveries" column
        held_url = reverse("admin:integrations_integration_changelist")
    return [
        QueueCount("failed now", counts["failed"], _queue(), "every erred order"),
        QueueCount(
            "retrying",
            counts["retrying"],
            _queue(retry_scheduled="true"),
            "an automatic retry is scheduled",
        ),
        QueueCount(
            "need action",
            counts["action"],
            _queue(failure_kind=Order.FailureKind.ACTION_REQUIRED),
            "a person must fix the order or the integration",
        ),
        QueueCount(
            "exhausted",
            counts["exhausted"],
            _queue(failure_kind=Order.FailureKind.EXHAUSTED),
            "automatic retries used up",
        ),
        QueueCount(
            "held",
            held,
            held_url,
            "deliveries waiting on a breaker or a maintenance window",
        ),
    ]


PLANNED_AHEAD = timedelta(hours=24)


@dataclass(frozen=True)
class Banner:
    level: str  # a Django message level's tag: "error", "warning" or "info"
    text: str
    url: str


def _short(moment) -> str:
    return timezone.localtime(moment).strftime("%b %-d, %H:%M %Z")


def _deliveries(count: int) -> str:
    return {0: "No deliveries", 1: "1 delivery"}.get(count, f"{count} deliveries")


def status_banners(*, user) -> list[Banner]:
    """What the operator must know before the counts: integrations whose breaker is open or
    probing, maintenance windows in progress, and windows starting within 24 hours; each
    links to its integration's page. Integrations ``user`` may see only; two queries."""
    now = timezone.now()
    visible = integration_list(user=user)
    banners = []
    for integration in visible.exclude(breaker_state=BreakerState.CLOSED).order_by("name"):
        url = reverse("admin:integrations_integration_change", args=[integration.pk])
        state = "open" if integration.breaker_state == BreakerState.OPEN else "half open (probing)"
        reason = (
            f": {Truncator(integration.breaker_reason).chars(120)}"
            if integration.breaker_reason
            else ""
        )
        banners.append(
            Banner(
                "error",
                f"{integration.name}: the breaker is {state} since "
                f"{_short(integration.breaker_since or now)}{reason}. "
                f"{_deliveries(integration.held_deliveries)} held; they go out when it closes.",
                url,
            )
        )
    windows = (
        MaintenanceWindow.objects.filter(
            integration__in=visible.values("pk"), ends_at__gt=now, starts_at__lt=now + PLANNED_AHEAD
        )
        .select_related("integration")
        .order_by("starts_at")
    )
    for window in windows:
        url = reverse("admin:integrations_integration_change", args=[window.integration_id])
        note = f" ({window.note})" if window.note else ""
        if window.starts_at <= now:
            text = (
                f"{window.integration.name} is in maintenance until {_short(window.ends_at)}"
                f"{note}: nothing is sent to it; its deliveries are held and go out when the "
                "window ends."
            )
            banners.append(Banner("warning", text, url))
        else:
            text = (
                f"{window.integration.name}: maintenance planned from {_short(window.starts_at)} "
                f"to {_short(window.ends_at)}{note}."
            )
            banners.append(Banner("info", text, url))
    return banners


def admin_index_context(*, user) -> dict:
    return {
        "status_banners": status_banners(user=user),
        "failure_counts": failure_counts(user=user),
        "failure_chart": failures_per_hour(),
    }


def with_failure_overview(index_view):
    """Wrap ``AdminSite.index`` so the index template gets the overview."""

    def index(request, extra_context=None):
        context = {**admin_index_context(user=request.user), **(extra_context or {})}
        return index_view(request, extra_context=context)

    return index
