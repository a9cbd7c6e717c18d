"""The admin index's failure overview: the counts that matter and failures per hour.

Each count links to the Failed orders queue (or the held deliveries) filtered to exactly
what it counts, with the queue's own query parameters, so the number on the index and the
length of the list it opens agree. The chart is inline SVG drawn on the server: no script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from integrations.models import Attempt, Delivery, Integration
from orders.models import Order
from orders.selectors import order_list

HOURS = 48
FAILED_OUTCOMES = (Attempt.Outcome.TRANSIENT, Attempt.Outcome.ACTION_REQUIRED)
COLORS = ("#ba2121", "#d9822b", "#417690", "#5b8c32", "#8e44ad", "#b58900", "#2aa198")
OTHERS_COLOR = "#888888"
BAR_WIDTH = 12
BAR_GAP = 2
PLOT_HEIGHT = 160
LEFT = 40
TOP = 10
BOTTOM = 24


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


def failures_per_hour(*, now: datetime | None = None) -> dict:
    """Failed attempts per hour and integration over the last ``HOURS`` hours, as an SVG
    chart's shapes (stacked bars, the seven busiest integrations and "others").

    One grouped query. Naming every integration lets PostgreSQL walk the
    ``attempt_integration_time`` index (integration, started_at) for the 48 hours only.
    """
    now = timezone.localtime(now or timezone.now())
    last_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = [last_hour - timedelta(hours=HOURS - 1 - i) for i in range(HOURS)]
    rows = (
        Attempt.objects.filter(
            integration_id__in=list(Integration.objects.values_list("pk", flat=True)),
            started_at__gte=hours[0],
            started_at__lt=last_hour + timedelta(hours=1),
            outcome__in=FAILED_OUTCOMES,
        )
        .annotate(hour=TruncHour("started_at"))
        .order_by()
        .values("hour", "integration__name")
        .annotate(n=Count("pk"))
        .values_list("hour", "integration__name", "n")
    )
    per_hour: dict[datetime, dict[str, int]] = {hour: {} for hour in hours}
    totals: dict[str, int] = {}
    for hour, name, count in rows:
        per_hour.setdefault(hour, {})[name] = count
        totals[name] = totals.get(name, 0) + count
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    shown = ranked[: len(COLORS)]
    colors = {name: COLORS[i] for i, name in enumerate(shown)}
    legend = [{"name": name, "color": colors[name], "total": totals[name]} for name in shown]
    if len(ranked) > len(shown):
        legend.append(
            {
                "name": f"{len(ranked) - len(shown)} others",
                "color": OTHERS_COLOR,
                "total": sum(totals[name] for name in ranked[len(shown) :]),
            }
        )
    peak = max((sum(per_hour[hour].values()) for hour in hours), default=0)
    scale = PLOT_HEIGHT / peak if peak else 0
    bars = []
    for i, hour in enumerate(hours):
        x = LEFT + i * (BAR_WIDTH + BAR_GAP)
        base = TOP + PLOT_HEIGHT
        for name, count in sorted(per_hour[hour].items(), key=lambda item: ranked.index(item[0])):
            height = count * scale
            base -= height
            bars.append(
                {
                    "x": str(x),
                    "y": f"{base:.1f}",
                    "height": f"{height:.1f}",
                    "color": colors.get(name, OTHERS_COLOR),
                    "title": f"{hour:%Y-%m-%d %H:00}: {count} failed at {name}",
                }
            )
    width = LEFT + HOURS * (BAR_WIDTH + BAR_GAP)
    return {
        "width": str(width),
        "height": str(TOP + PLOT_HEIGHT + BOTTOM),
        "plot_bottom": str(TOP + PLOT_HEIGHT),
        "plot_top": str(TOP),
        "left": str(LEFT),
        "bar_width": str(BAR_WIDTH),
        "peak": peak,
        "total": sum(totals.values()),
        "bars": bars,
        "legend": legend,
        "x_labels": [
            {"x": str(LEFT + i * (BAR_WIDTH + BAR_GAP)), "text": f"{hour:%d %H:00}"}
            for i, hour in enumerate(hours)
            if i % 6 == 0
        ],
        "label_y": str(TOP + PLOT_HEIGHT + 16),
        "peak_y": str(TOP + 10),
        "since": hours[0],
    }


def admin_index_context(*, user) -> dict:
    return {
        "failure_counts": failure_counts(user=user),
        "failure_chart": failures_per_hour(),
    }


def with_failure_overview(index_view):
    """Wrap ``AdminSite.index`` so the index template gets the overview."""

    def index(request, extra_context=None):
        context = {**admin_index_context(user=request.user), **(extra_context or {})}
        return index_view(request, extra_context=context)

    return index
