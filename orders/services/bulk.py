"""Every person's resubmit recorded as a bulk operation; the ones too large for one web
request started by an interface and run by a worker.

``orders_resubmit_recorded`` resubmits at once and records what it did (the admin's smaller
selections, the API, the command), so each resubmit's outcome can be followed like a
background run's.
``bulk_operation_start`` records the confirmed selection (the orders' keys, so the run acts
on exactly what the operator saw counted) and queues the task after commit;
``bulk_operation_run`` resubmits it in chunks through ``orders_resubmit``, updating the
progress after each chunk so the admin can show it. Each chunk is its own transaction
(``orders_resubmit`` commits batch by batch), so a run cut short keeps what it did; running
a chunk twice is safe, as resubmitted orders are no longer erred.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.errors import ApplicationError, ErrorCode
from orders.models import BulkOperation, Order
from orders.selectors import resend_integrations
from orders.services.resubmit import ResubmitResult, orders_resubmit
from orders.tasks import run_bulk_operation

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
STALE_AFTER = timedelta(minutes=5)
GONE = "no longer exists"


def background_threshold() -> int:
    """Selections larger than this run in the background (``REDRIVE_BULK_BACKGROUND_THRESHOLD``)."""
    return int(getattr(settings, "REDRIVE_BULK_BACKGROUND_THRESHOLD", 5000))


def orders_resubmit_recorded(
    *,
    orders: QuerySet[Order],
    actor,
    source: str,
    filters: dict | None = None,
    **options,
) -> tuple[ResubmitResult, BulkOperation | None]:
    """``orders_resubmit`` now, recorded as a done bulk operation of ``source`` (none for a
    dry run, or when nothing matched). ``options`` go to ``orders_resubmit``; a selection by
    integration (``filters``) resends only the deliveries to it."""
    started = timezone.now()
    options.setdefault("integration_ids", resend_integrations(filters))
    result = orders_resubmit(orders=orders, actor=actor, **options)
    if result.dry_run or not result.matched:
        return result, None
    finished = timezone.now()
    operation = BulkOperation.objects.create(
        action=BulkOperation.Action.RESUBMIT,
        requested_by=actor,
        source=source,
        filters=filters or {},
        state=BulkOperation.State.DONE,
        total=result.matched,
        processed=result.matched,
        resubmitted=result.resubmitted,
        resubmitted_ids=result.resubmitted_ids,
        skipped_by_reason=result.skipped_by_reason,
        created=started,
        started_at=started,
        heartbeat_at=finished,
        finished_at=finished,
    )
    return result, operation


@transaction.atomic
def bulk_operation_start(
    *,
    action: str,
    actor,
    orders: QuerySet[Order],
    filters: dict | None = None,
    source: str = BulkOperation.Source.ADMIN,
) -> BulkOperation:
    """Record ``orders`` for ``action`` as ``actor`` and queue its run after commit."""
    if action != BulkOperation.Action.RESUBMIT:
        raise ApplicationError(
            f"Unknown bulk action {action!r}; use one of {BulkOperation.Action.values}."
        )
    if not (actor and actor.is_authenticated and actor.has_perm("orders.resubmit_order")):
        raise ApplicationError("You are not allowed to resubmit orders.", code=ErrorCode.FORBIDDEN)
    ids = list(orders.order_by().order_by("pk").values_list("pk", flat=True))
    operation = BulkOperation.objects.create(
        action=action,
        requested_by=actor,
        source=source,
        filters=filters or {},
        ids=ids,
        total=len(ids),
    )
    transaction.on_commit(lambda: run_bulk_operation.delay(operation.pk))
    return operation


def _claim(operation_id: int) -> bool:
    """Take a queued operation, or a running one whose worker stopped sending heartbeats."""
    now = timezone.now()
    return bool(
        BulkOperation.objects.filter(pk=operation_id)
        .filter(
            Q(state=BulkOperation.State.QUEUED)
            | Q(state=BulkOperation.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        )
        .update(state=BulkOperation.State.RUNNING, started_at=now, heartbeat_at=now)
    )


def bulk_operation_run(*, operation_id: int) -> BulkOperation:
    """Run a started operation to its end; a no-op for one that is not ours to run."""
    if not _claim(operation_id):
        return BulkOperation.objects.get(pk=operation_id)
    operation = BulkOperation.objects.select_related("requested_by").get(pk=operation_id)
    try:
        _resubmit_in_chunks(operation)
    except ApplicationError as error:
        _finish(operation, BulkOperation.State.FAILED, error.message)
    except Exception as error:
        logger.exception("bulk operation %s failed", operation.pk)
        _finish(operation, BulkOperation.State.FAILED, f"{type(error).__name__}: {error}")
    else:
        _finish(operation, BulkOperation.State.DONE)
    operation.refresh_from_db()
    return operation


def _resubmit_in_chunks(operation: BulkOperation) -> None:
    actor = operation.requested_by
    if actor is None or not actor.is_active:
        raise ApplicationError("The user who started this operation no longer exists.")
    skipped = dict(operation.skipped_by_reason)
    sent = list(operation.resubmitted_ids)
    integration_ids = resend_integrations(operation.filters)
    for start in range(operation.processed, len(operation.ids), CHUNK_SIZE):
        chunk = operation.ids[start : start + CHUNK_SIZE]
        result = orders_resubmit(
            orders=Order.objects.filter(pk__in=chunk),
            actor=actor,
            batch_size=CHUNK_SIZE,
            skipped_limit=0,
            integration_ids=integration_ids,
        )
        for reason, count in result.skipped_by_reason.items():
            skipped[reason] = skipped.get(reason, 0) + count
        if len(chunk) > result.matched:
            skipped[GONE] = skipped.get(GONE, 0) + len(chunk) - result.matched
        sent += result.resubmitted_ids
        BulkOperation.objects.filter(pk=operation.pk).update(
            processed=F("processed") + len(chunk),
            resubmitted=F("resubmitted") + result.resubmitted,
            resubmitted_ids=sent,
            skipped_by_reason=skipped,
            heartbeat_at=timezone.now(),
        )


def _finish(operation: BulkOperation, state: str, error: str = "") -> None:
    now = timezone.now()
    BulkOperation.objects.filter(pk=operation.pk).update(
        state=state, error=error, finished_at=now, heartbeat_at=now
    )
