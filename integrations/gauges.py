"""The integrations' gauges on ``/metrics``, read from the database when scraped
(``core.metrics``): failed orders per integration, held deliveries, breakers. Every
integration appears in each family (at 0 when it has nothing). An erred order counts at each
integration a delivery of it failed at (an order failing at two counts at both), as the
failed-orders queue and the ``integration`` filter count it."""

from __future__ import annotations

from django.db.models import Count, FilteredRelation, Q
from django.db.models.functions import Coalesce
from prometheus_client.core import GaugeMetricFamily, Metric

from core.metrics import grid
from integrations.models import BreakerState, Delivery, HeldReason, Integration
from orders.models import Order

BREAKER_VALUES = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}
NO_INTEGRATION = "none"
FAILED = Delivery.State.FAILED


def integration_families() -> list[Metric]:
    integrations = list(Integration.objects.order_by("name").values_list("name", "breaker_state"))
    names = [name for name, _ in integrations]
    failed = _per_integration(
        "redrive_failed_orders",
        "Erred orders by integration (each one a delivery of it failed at, else its offering's "
        "main integration) and failure kind.",
        ["integration", "failure_kind"],
        Order.objects.filter(state=Order.State.ERRED).annotate(
            failed=FilteredRelation("deliveries", condition=Q(deliveries__state=FAILED)),
            at=Coalesce("failed__integration__name", "offering__integration__name"),
        ),
        ("at", "failure_kind"),
        names,
        Order.FailureKind.values,
        blank="unclassified",
    )
    held = _per_integration(
        "redrive_deliveries_held",
        "Deliveries held back by an open breaker, a maintenance window or a disabled integration.",
        ["integration", "reason"],
        Delivery.objects.filter(state=Delivery.State.HELD),
        ("integration__name", "held_reason"),
        names,
        HeldReason.values,
        blank="unknown",
    )
    breaker = GaugeMetricFamily(
        "redrive_breaker_state",
        "Circuit breaker per integration: 0 closed, 1 half_open (probing), 2 open.",
        labels=["integration"],
    )
    for name, state in integrations:
        breaker.add_metric([name], BREAKER_VALUES.get(state, 2))
    return [failed, held, breaker]


def _per_integration(
    name: str, text: str, labels: list[str], rows, columns, names, kinds, *, blank: str
) -> GaugeMetricFamily:
    """A gauge of ``rows`` counted by ``columns`` (integration name, kind) in one grouped
    query, every integration and kind present."""
    rows = rows.order_by().values(*columns).annotate(n=Count("pk")).values_list(*columns, "n")
    family = GaugeMetricFamily(name, text, labels=labels)
    for key, value in grid(rows, names, kinds, blank=blank, none=NO_INTEGRATION).items():
        family.add_metric(list(key), value)
    return family
