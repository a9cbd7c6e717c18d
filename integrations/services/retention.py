"""Retention: attempts and order transitions older than ``RETENTION_DAYS`` are pruned.

What is never pruned, whatever its age: every attempt and transition of an order that is
erred or executing now (an open failure and its whole story), and the latest attempt of every
delivery (what happened last, shown on the order's page).

Rows go in batches by primary key: find the next ``batch_size`` prunable keys above the last
one, then delete that key range, re-checking the rules in the same DELETE (an order that has
just failed again keeps its rows). Each batch is its own short transaction, so pruning never
holds locks for long and can be stopped and run again at any point.

Celery beat runs ``integrations.tasks.prune_history`` daily (``CELERY_BEAT_SCHEDULE``); ``manage.py
prune_history`` does the same by hand or from cron.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, Max, Min, OuterRef
from django.utils import timezone

from integrations.models import Attempt
from orders.models import Order, OrderTransition

logger = logging.getLogger(__name__)

OPEN_STATES = (Order.State.ERRED, Order.State.EXECUTING)


@dataclass
class PruneResult:
    cutoff: datetime
    dry_run: bool
    attempts: int = 0
    transitions: int = 0
    batches: int = 0

    def __str__(self) -> str:
        verb = "would prune" if self.dry_run else "pruned"
        return (
            f"{verb} {self.attempts} attempts and {self.transitions} order transitions older "
            f"than {self.cutoff:%Y-%m-%d %H:%M} UTC"
            + ("" if self.dry_run else f" in {self.batches} batches")
        )


def prunable_attempts(*, cutoff: datetime) -> models.QuerySet[Attempt]:
    """Attempts started before ``cutoff`` of settled orders that a later attempt of the same
    delivery follows (walks ``attempt_unique_number``)."""
    later = Attempt.objects.filter(delivery=OuterRef("delivery"), number__gt=OuterRef("number"))
    return (
        Attempt.objects.filter(started_at__lt=cutoff)
        .exclude(order__state__in=OPEN_STATES)
        .filter(Exists(later))
    )


def prunable_transitions(*, cutoff: datetime) -> models.QuerySet[OrderTransition]:
    return OrderTransition.objects.filter(created__lt=cutoff).exclude(order__state__in=OPEN_STATES)


def history_prune(
    *,
    older_than_days: int | None = None,
    batch_size: int | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> PruneResult:
    """Prune (or, ``dry_run``, count) what retention allows; defaults from the settings."""
    days = settings.RETENTION_DAYS if older_than_days is None else older_than_days
    size = settings.RETENTION_BATCH_SIZE if batch_size is None else batch_size
    if days < 1:
        raise ValueError(f"The retention age must be 1 day or more, got {days}.")
    if size < 1:
        raise ValueError(f"The batch size must be 1 or more, got {size}.")
    result = PruneResult(cutoff=(now or timezone.now()) - timedelta(days=days), dry_run=dry_run)
    for name, queryset, field in (
        ("attempts", prunable_attempts(cutoff=result.cutoff), "started_at"),
        ("transitions", prunable_transitions(cutoff=result.cutoff), "created"),
    ):
        top = last_key_before(queryset.model, field=field, cutoff=result.cutoff)
        if top is None:
            continue
        candidates = queryset.filter(pk__lte=top)
        if dry_run:
            setattr(result, name, candidates.count())
            continue
        last = 0
        while keys := list(
            candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
        ):
            with transaction.atomic():
                _, deleted = queryset.filter(pk__gte=keys[0], pk__lte=keys[-1]).delete()
            count = deleted.get(queryset.model._meta.label, 0)
            setattr(result, name, getattr(result, name) + count)
            result.batches += 1
            last = keys[-1]
    if not dry_run and (result.attempts or result.transitions):
        logger.info("retention: %s", result)
    return result


def last_key_before(model: type[models.Model], *, field: str, cutoff: datetime) -> int | None:
    """The highest primary key of a row older than ``cutoff``, or ``None`` if there is none.

    Rows are written in time order (both kinds are stamped with the time they are inserted),
    so a binary search over the primary key finds it in about log2(rows) single-row index
    lookups, where asking for it directly would scan the table. Pruning goes no higher, so a
    run never walks the recent rows it must keep.
    """
    bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return None

    def first_from(key: int) -> tuple[int, datetime]:
        return model.objects.filter(pk__gte=key).order_by("pk").values_list("pk", field).first()

    low, oldest = first_from(low)
    if oldest >= cutoff:
        return None
    while low < high:
        middle = (low + high + 1) // 2
        key, written = first_from(middle)
        if written < cutoff:
            low = key
        else:
            high = middle - 1
    return low
