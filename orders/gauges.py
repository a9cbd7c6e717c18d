"""The orders' gauges on ``/metrics``, read from the database when scraped (``core.metrics``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from orders.models import Order


def order_families() -> list[Metric]:
    """Orders by state, and the erred orders with an automatic retry scheduled and due."""
    by_state = dict(
        Order.objects.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    orders = GaugeMetricFamily("redrive_orders", "Orders by state.", labels=["state"])
    for state in sorted(set(Order.State.values) | set(by_state)):
        orders.add_metric([state], by_state.get(state, 0))

    retries = Order.objects.filter(state=Order.State.ERRED, next_retry_at__isnull=False).aggregate(
        scheduled=Count("pk"), due=Count("pk", filter=Q(next_retry_at__lte=timezone.now()))
    )
    scheduled = GaugeMetricFamily(
        "redrive_retries_scheduled", "Erred orders with an automatic retry scheduled."
    )
    scheduled.add_metric([], retries["scheduled"])
    due = GaugeMetricFamily(
        "redrive_retries_due", "Scheduled retries whose time has come (the sweep's backlog)."
    )
    due.add_metric([], retries["due"])
    return [orders, scheduled, due]
