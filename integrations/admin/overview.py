"""The admin index's failure overview: the counts that matter and failures per hour
(``chart``).

Each count links to the Failed orders queue (or the held deliveries) filtered to exactly
what it counts, with the queue's own query parameters, so the number on the index and the
length of the list it opens agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from integrations.admin.chart import failures_per_hour
from integrations.models import Delivery
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
