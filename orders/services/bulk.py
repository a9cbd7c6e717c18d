"""Every person's resubmit, run as a bulk operation: in the background, with progress, cancel
and resume.

``bulk_preview_create`` freezes a dry run's set of orders for its user behind a token that
expires; ``bulk_operation_start`` records a confirmed set (a preview's, or a selection counted
now) and queues its run after commit; ``orders_resubmit_recorded`` is the same run done in the
caller's process (a command, or a selection below ``REDRIVE_BULK_BACKGROUND_THRESHOLD``).

``bulk_operation_run`` works through the selection chunk by chunk, ``REDRIVE_BULK_WORKERS``
chunks at once. A chunk's writes (``orders_send_again``) and its checkpoint (a
``BulkOperationChunk`` row: what it sent again and skipped; the operation's counters) commit in
one transaction, fenced by the run's ``runner`` token: a run that lost the operation to
another (its worker thought dead) has its chunk rolled back, and a chunk is recorded at most
once (``bulk_chunk_once``). So a resumed run starts after the last chunk that committed and
resubmits nothing twice. Before each chunk the run reads whether a cancel was asked, and a run
on several connections also looks every 0.1 s (``_watch``): once it is seen no chunk starts,
and the chunks under way stop at their next statement and roll back whole (``_stopping``); what
was sent stays sent, the rest is untouched.

``bulk_operations_resume`` (beat, every few seconds) queues again an operation whose worker
stopped sending heartbeats (killed), or whose task message was lost.
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import ApplicationError, Conflict, ErrorCode
from core.parallel import in_parallel
from orders.models import BulkOperation, BulkOperationChunk, BulkPreview, Order, Trigger
from orders.models.bulk import runs_count, runs_slice
from orders.roles import provider_scope
from orders.selectors import resend_integrations, selection_runs
from orders.services import bulk_edit, resubmit
from orders.services.resubmit import ResubmitResult, SkippedOrder
from orders.tasks import run_bulk_operation

logger = logging.getLogger(__name__)

GONE = "no longer exists"
NOT_YOURS = "No such preview among yours: a preview belongs to the person who asked for it."


def background_threshold() -> int:
    """Selections larger than this run in the background (``REDRIVE_BULK_BACKGROUND_THRESHOLD``,
    0: every one)."""
    return int(getattr(settings, "REDRIVE_BULK_BACKGROUND_THRESHOLD", 0))


def chunk_size() -> int:
    return max(1, int(getattr(settings, "REDRIVE_BULK_CHUNK_SIZE", 1000)))


def stale_after() -> timedelta:
    """A running operation with no heartbeat for this long lost its worker."""
    return timedelta(seconds=float(getattr(settings, "REDRIVE_BULK_STALE_SECONDS", 30)))


def preview_lifetime() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "REDRIVE_PREVIEW_SECONDS", 900)))


def _require_permission(actor) -> None:
    if actor is not None and not (
        actor.is_authenticated and actor.has_perm("orders.resubmit_order")
    ):
        raise ApplicationError("You are not allowed to resubmit orders.", code=ErrorCode.FORBIDDEN)


def bulk_preview_create(
    *,
    actor,
    orders: QuerySet[Order] | None = None,
    runs: list[list[int]] | None = None,
    filters: dict | None = None,
    source: str = BulkOperation.Source.API,
    patch: dict | None = None,
) -> BulkPreview:
    """Freeze ``orders`` (the ones a dry run would resubmit) for ``actor``: a token that a
    confirmation names, valid for ``REDRIVE_PREVIEW_SECONDS`` (15 minutes). Instead of
    ``orders``, ``runs``: their keys as the caller found them while counting them
    (``resubmit_breakdown(with_runs=True)``), so the set frozen is the set counted. ``patch``:
    the attributes patch (a bulk edit) the confirmation applies before resending."""
    if (orders is None) == (runs is None):
        raise ApplicationError("A preview freezes either orders or their runs of keys, one.")
    _require_permission(actor)
    if patch is not None:
        bulk_edit.require_patch(patch)
    now = timezone.now()
    if runs is None:
        runs = selection_runs(orders=orders)
    return BulkPreview.objects.create(
        token=secrets.token_urlsafe(24),
        requested_by=actor,
        source=source,
        filters=filters or {},
        selection=runs,
        total=runs_count(runs),
        patch=patch,
        created=now,
        expires_at=now + preview_lifetime(),
    )


def bulk_preview_take(*, token: str, actor) -> BulkPreview:
    """The preview ``token`` names, if it is ``actor``'s, unexpired and not confirmed yet;
    locked until the caller's transaction ends (a token confirms once)."""
    preview = (
        BulkPreview.objects.select_for_update().filter(token=token, requested_by=actor).first()
        if actor is not None and token
        else None
    )
    if preview is None:
        raise ApplicationError(NOT_YOURS, code=ErrorCode.NOT_FOUND)
    if preview.operation_id is not None:
        raise ApplicationError(
            f"This preview was already confirmed: bulk operation {preview.operation_id}.",
            code=ErrorCode.CONFLICT,
            conflict=Conflict.STATE,
        )
    if preview.expires_at <= timezone.now():
        raise ApplicationError(
            f"This preview expired at {preview.expires_at.isoformat()}; ask for a new one "
            "(a dry run) and confirm that.",
            code=ErrorCode.CONFLICT,
            conflict=Conflict.STATE,
        )
    return preview


@transaction.atomic
def bulk_operation_start(
    *,
    action: str = BulkOperation.Action.RESUBMIT,
    actor,
    orders: QuerySet[Order] | None = None,
    preview_token: str | None = None,
    filters: dict | None = None,
    source: str = BulkOperation.Source.ADMIN,
    queue: bool = True,
    size: int | None = None,
    patch: dict | None = None,
) -> BulkOperation:
    """Record a resubmit of ``orders`` (counted now) or of the preview ``preview_token`` (the
    set it froze, with its attributes patch, if any) as ``actor``, and queue its run after
    commit (``queue=False``: the caller runs it). ``patch``: a bulk edit's JSON Merge Patch on
    attributes, applied to each order before it is sent again."""
    if action != BulkOperation.Action.RESUBMIT:
        raise ApplicationError(
            f"Unknown bulk action {action!r}; use one of {BulkOperation.Action.values}."
        )
    _require_permission(actor)
    now = timezone.now()
    preview = None
    if preview_token is not None:
        preview = bulk_preview_take(token=preview_token, actor=actor)
        if patch is not None and patch != preview.patch:
            raise ApplicationError(
                "A preview token confirms the preview's own attributes patch; give the token "
                "alone (ask for a new dry run to change the patch).",
                extra={"attributes_patch": ["The patch is the preview's."]},
            )
        runs, frozen_at, patch = preview.selection, preview.created, preview.patch
        filters = {**preview.filters, **(filters or {})}
    else:
        if patch is not None:
            bulk_edit.require_patch(patch)
        runs, frozen_at = selection_runs(orders=orders), now
    operation = BulkOperation.objects.create(
        action=action,
        requested_by=actor,
        as_system=actor is None,
        source=source,
        filters=filters or {},
        selection=runs,
        frozen_at=frozen_at,
        chunk_size=size or chunk_size(),
        total=runs_count(runs),
        patch=patch,
        created=now,
    )
    if preview is not None:
        preview.operation = operation
        preview.save(update_fields=["operation"])
    if queue:
        transaction.on_commit(lambda: run_bulk_operation.delay(operation.pk))
    return operation


def orders_resubmit_recorded(
    *,
    orders: QuerySet[Order] | None = None,
    actor,
    source: str,
    filters: dict | None = None,
    dry_run: bool = False,
    preview_token: str | None = None,
    on_chunk: Callable[[int], None] | None = None,
    skipped_limit: int = 1000,
    batch_size: int | None = None,
    integration_ids: list[int] | None = None,
    patch: dict | None = None,
) -> tuple[ResubmitResult, BulkOperation | None]:
    """A resubmit run here and now, recorded and run as a bulk operation (chunks of
    ``batch_size``, checkpoints, cancel; the resume sweep finishes it if this process dies).
    A dry run is ``orders_resubmit``'s, recorded nowhere. ``on_chunk(orders)`` after each
    chunk. ``integration_ids`` (a selection by integration, when ``filters`` do not name it):
    only the deliveries to it are sent again. ``patch``: a bulk edit's attributes patch."""
    if integration_ids:
        filters = {**(filters or {}), "integration": str(integration_ids[0])}
    if dry_run:
        result = resubmit.orders_resubmit_dry_run(
            orders=orders,
            actor=actor,
            skipped_limit=skipped_limit,
            integration_ids=resend_integrations(filters),
            patch=bulk_edit.require_patch(patch) if patch is not None else None,
        )
        if on_chunk:
            on_chunk(result.matched)
        return result, None
    operation = bulk_operation_start(
        actor=actor,
        orders=orders,
        preview_token=preview_token,
        filters=filters,
        source=source,
        queue=False,
        size=batch_size,
        patch=patch,
    )
    if not operation.total:
        BulkOperation.objects.filter(pk=operation.pk).delete()
        return ResubmitResult(), None
    sample: list[SkippedOrder] = []
    operation = bulk_operation_run(
        operation_id=operation.pk, on_chunk=on_chunk, sample=sample, sample_limit=skipped_limit
    )
    if operation.state == BulkOperation.State.FAILED:
        raise ApplicationError(operation.error)
    result = ResubmitResult(
        matched=operation.processed - operation.skipped_by_reason.get(GONE, 0),
        resubmitted=operation.resubmitted,
        skipped_count=operation.skipped,
        skipped_by_reason=dict(operation.skipped_by_reason),
        skipped=sample,
    )
    return result, operation


@transaction.atomic
def bulk_operation_cancel(*, operation_id: int, actor) -> BulkOperation:
    """Ask ``operation_id`` to stop: a queued one is cancelled at once, a running one stops
    before its next chunk (what it sent stays sent, the rest is untouched). Its requester or
    staff only; a finished one is a conflict naming its state."""
    operation = BulkOperation.objects.select_for_update().filter(pk=operation_id).first()
    if operation is None or not (
        actor is None or actor.is_staff or operation.requested_by_id == actor.pk
    ):
        raise ApplicationError(
            f"No bulk operation {operation_id} among yours.", code=ErrorCode.NOT_FOUND
        )
    if operation.finished:
        raise ApplicationError(
            f"Bulk operation {operation_id} is {operation.state} already; nothing to cancel.",
            code=ErrorCode.CONFLICT,
            conflict=Conflict.STATE,
        )
    now = timezone.now()
    operation.cancel_requested_at = operation.cancel_requested_at or now
    fields = ["cancel_requested_at"]
    if operation.state == BulkOperation.State.QUEUED:
        operation.state, operation.finished_at = BulkOperation.State.CANCELLED, now
        fields += ["state", "finished_at"]
    operation.save(update_fields=fields)
    return operation


def bulk_operations_resume() -> list[int]:
    """Queue again every operation that is running with no heartbeat for
    ``REDRIVE_BULK_STALE_SECONDS`` (its worker was killed) or queued as long (its task message
    was lost); the run claims it, and a second task for it is a no-op."""
    stale = timezone.now() - stale_after()
    ids = list(
        BulkOperation.objects.filter(
            Q(state=BulkOperation.State.RUNNING, heartbeat_at__lt=stale)
            | Q(state=BulkOperation.State.QUEUED, created__lt=stale)
        ).values_list("pk", flat=True)
    )
    for operation_id in ids:
        run_bulk_operation.delay(operation_id)
    return ids


def _claim(operation_id: int, runner: str) -> bool:
    """Take a queued operation, or a running one whose worker stopped sending heartbeats."""
    now = timezone.now()
    return bool(
        BulkOperation.objects.filter(pk=operation_id)
        .filter(
            Q(state=BulkOperation.State.QUEUED)
            | Q(state=BulkOperation.State.RUNNING, heartbeat_at__lt=now - stale_after())
        )
        .update(
            state=BulkOperation.State.RUNNING,
            started_at=Coalesce("started_at", Value(now, output_field=DateTimeField())),
            heartbeat_at=now,
            runner=runner,
        )
    )


class TakenOver(Exception):
    """Another run holds the operation now: this chunk is rolled back."""


@dataclass
class _Run:
    operation: BulkOperation
    runner: str
    scope: Q | None
    integration_ids: list[int] | None = None
    """A selection by integration resends only the deliveries to it."""
    cancelled: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    """Set once a cancel is seen: no chunk starts, and a chunk under way stops at its next
    statement and is rolled back whole (``_stopping``)."""
    sample: list[SkippedOrder] = field(default_factory=list)
    sample_limit: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def skipped(self, skips: list[tuple[dict, str]]) -> None:
        with self.lock:
            for row, reason in skips[: max(0, self.sample_limit - len(self.sample))]:
                self.sample.append(SkippedOrder(str(row["uuid"]), row["number"], reason))


def bulk_operation_run(
    *,
    operation_id: int,
    on_chunk: Callable[[int], None] | None = None,
    sample: list[SkippedOrder] | None = None,
    sample_limit: int = 0,
) -> BulkOperation:
    """Run (or resume) a started operation to its end, its cancel, or its failure; a no-op
    for one that is not ours to run. ``sample`` collects the first ``sample_limit`` orders
    it skipped (for a run in the caller's process)."""
    runner = uuid.uuid4().hex
    if not _claim(operation_id, runner):
        return BulkOperation.objects.get(pk=operation_id)
    operation = BulkOperation.objects.select_related("requested_by").get(pk=operation_id)
    state, error = BulkOperation.State.DONE, ""
    try:
        run = _start(operation, runner)
        run.sample_limit = sample_limit
        _run_chunks(run, on_chunk)
        if sample is not None:
            sample += sorted(run.sample, key=lambda skipped: skipped.number)
        if run.cancelled:
            state = BulkOperation.State.CANCELLED
    except TakenOver:
        logger.warning("bulk operation %s was taken over by another run", operation_id)
        return BulkOperation.objects.get(pk=operation_id)
    except ApplicationError as failure:
        state, error = BulkOperation.State.FAILED, failure.message
    except Exception as failure:
        logger.exception("bulk operation %s failed", operation_id)
        state, error = BulkOperation.State.FAILED, f"{type(failure).__name__}: {failure}"
    _finish(operation, runner, state, error)
    return BulkOperation.objects.get(pk=operation_id)


def _start(operation: BulkOperation, runner: str) -> _Run:
    actor = operation.requested_by
    integration_ids = resend_integrations(operation.filters)
    if operation.as_system:
        return _Run(operation, runner, None, integration_ids)
    if actor is None or not actor.is_active:
        raise ApplicationError("The user who started this operation no longer exists.")
    _require_permission(actor)
    scope = None if actor.is_staff else provider_scope(actor)
    return _Run(operation, runner, scope, integration_ids)


def _run_chunks(run: _Run, on_chunk: Callable[[int], None] | None) -> None:
    operation = run.operation
    chunks = -(-operation.total // operation.chunk_size)
    done = set(operation.chunks.values_list("seq", flat=True))

    def todo():
        for seq in range(chunks):
            if seq in done:
                continue
            if run.stop.is_set() or _cancel_requested(operation.pk):
                run.stop.set()
                run.cancelled = True
                return
            yield seq

    # Several chunks at once only on PostgreSQL and outside a transaction of the caller's,
    # which the threads' own connections would not see (as ``orders_resubmit``).
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    workers = settings.REDRIVE_BULK_WORKERS if parallel else 1
    workers = max(1, min(workers, chunks - len(done)))
    ended = threading.Event()
    watcher = None
    if parallel:
        watcher = threading.Thread(target=_watch, args=(run, ended), daemon=True)
        watcher.start()
    try:
        results = (
            in_parallel(todo(), lambda seq: _chunk(run, seq), workers=workers)
            if workers > 1
            else ((seq, _chunk(run, seq)) for seq in todo())
        )
        for _, processed in results:
            if on_chunk and processed:
                on_chunk(processed)
    finally:
        ended.set()
        if watcher is not None:
            watcher.join()


CANCEL_POLL_SECONDS = 0.1
"""How often a run on several connections looks for a cancel between its chunks' checks."""


def _watch(run: _Run, ended: threading.Event) -> None:
    """Look for a cancel every ``CANCEL_POLL_SECONDS`` while the run lasts (one key lookup on
    a connection of its own, whatever the chunks' number or size) and set ``run.stop``: the
    chunks under way stop at their next statement instead of at their end, so a cancel takes
    effect within a statement of each (a chunk of 1,000 took 0.5 s, and two of them were
    under way and two more handed out)."""
    try:
        while not ended.wait(CANCEL_POLL_SECONDS):
            if _cancel_requested(run.operation.pk):
                run.stop.set()
                return
    finally:
        connections.close_all()


def _cancel_requested(operation_id: int) -> bool:
    return BulkOperation.objects.filter(pk=operation_id, cancel_requested_at__isnull=False).exists()


class Stopped(Exception):
    """A cancel was seen while a chunk was under way: the chunk is rolled back."""


def _stopping(run: _Run):
    """An ``execute_wrapper`` that refuses the chunk's next statement once ``run.stop`` is
    set, so its transaction rolls back: no query of its own."""

    def check(execute, sql, params, many, context):
        if run.stop.is_set():
            raise Stopped
        return execute(sql, params, many, context)

    return check


def _chunk(run: _Run, seq: int) -> int:
    """One chunk: its writes and its checkpoint in one transaction, or nothing."""
    operation = run.operation
    keys = runs_slice(operation.selection, seq * operation.chunk_size, operation.chunk_size)
    try:
        with connection.execute_wrapper(_stopping(run)), transaction.atomic():
            rows = list(
                Order.objects.filter(pk__any=keys).order_by("pk").values(*resubmit.ROW_FIELDS)
            )
            skips, _, sent, _ = resubmit._resubmit_batch(
                rows,
                scope=run.scope,
                actor=operation.requested_by,
                trigger=Trigger.BULK,
                dry_run=False,
                integration_ids=run.integration_ids,
                unchanged_since=operation.frozen_at,
                patch=operation.patch,
            )
            run.skipped(skips)
            skipped = Counter(reason for _, reason in skips)
            if len(keys) > len(rows):
                skipped[GONE] += len(keys) - len(rows)
            BulkOperationChunk.objects.create(
                operation=operation,
                seq=seq,
                processed=len(keys),
                resubmitted_ids=sent,
                skipped_by_reason=dict(skipped),
            )
            _checkpoint(run, processed=len(keys), resubmitted=len(sent), skipped=skipped)
    except Stopped:
        run.cancelled = True
        return 0
    except IntegrityError as error:
        if "bulk_chunk_once" in str(error):
            raise TakenOver from error
        raise
    return len(keys)


def _checkpoint(run: _Run, *, processed: int, resubmitted: int, skipped: Counter) -> None:
    """The operation's counters, in the chunk's transaction: only while this run holds it."""
    held = (
        BulkOperation.objects.select_for_update()
        .filter(pk=run.operation.pk, runner=run.runner)
        .values_list("skipped_by_reason", flat=True)
    )
    by_reason = next(iter(held), None)
    if by_reason is None:
        raise TakenOver
    for reason, count in skipped.items():
        by_reason[reason] = by_reason.get(reason, 0) + count
    BulkOperation.objects.filter(pk=run.operation.pk).update(
        processed=F("processed") + processed,
        resubmitted=F("resubmitted") + resubmitted,
        skipped=F("skipped") + sum(skipped.values()),
        skipped_by_reason=by_reason,
        heartbeat_at=timezone.now(),
    )


def _finish(operation: BulkOperation, runner: str, state: str, error: str = "") -> None:
    now = timezone.now()
    BulkOperation.objects.filter(pk=operation.pk, runner=runner).update(
        state=state, error=error, finished_at=now, heartbeat_at=now
    )
