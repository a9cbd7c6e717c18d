"""The admin index's chart of failed attempts per hour: inline SVG drawn on the server, no
script (the shapes here, the markup in ``admin/redrive_index.html``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from integrations.models import Attempt, Integration

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


def failures_per_hour(*, now: datetime | None = None) -> dict:
    """Failed attempts per hour and integration over the last ``HOURS`` hours, as an SVG
    chart's shapes (``chart_shapes``).

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
    return chart_shapes(hours, per_hour, totals)


def chart_shapes(hours: list[datetime], per_hour: dict, totals: dict[str, int]) -> dict:
    """Stacked bars per hour: the seven busiest integrations in their colours, the rest as
    "others"; the legend, the axis labels and the scale."""
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
    bars = _bars(hours, per_hour, ranked, colors, scale)
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


def _bars(hours, per_hour, ranked: list[str], colors: dict[str, str], scale: float) -> list[dict]:
    """One stacked bar per hour, the busiest integration at the bottom."""
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
    return bars
