"""Set-based writes to many orders: a person's resubmit and the sweep's automatic retries.

A fixed number of queries per batch whatever its size; the rows themselves never travel
through Python (see ``orders_send_again``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Case
from django.utils import timezone

from core import metrics
from core.errors import ApplicationError, ErrorCode
from core.parallel import in_parallel
from orders.models import Order, Trigger, changes
from orders.roles import PROVIDER_SIDE, provider_scope
from orders.services import bulk_edit
from orders.services.history import retries_record
from orders.services.resources import resources_follow
from orders.signals import orders_to_send


@dataclass
class SkippedOrder:
    uuid: str
    number: str
    reason: str


@dataclass
class ResubmitResult:
    """What a bulk resubmit did (or, with ``dry_run``, would do)."""

    matched: int = 0
    resubmitted: int = 0
    deliveries: int = 0
    """In a dry run, the deliveries the orders that would be resubmitted would send: each one
    that failed (with ``integration_ids``, to those integrations), or was never made; a
    delivery that succeeded, is under way or waits for another is not sent again."""
    skipped_count: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedOrder] = field(default_factory=list)
    dry_run: bool = False
    resubmitted_ids: list[int] = field(default_factory=list)
    """The orders sent again (primary keys; empty in a dry run): what a bulk operation follows."""

    def skip(self, row: dict, reason: str, limit: int) -> None:
        self.skipped_count += 1
        self.skipped_by_reason[reason] = self.skipped_by_reason.get(reason, 0) + 1
        if len(self.skipped) < limit:
            self.skipped.append(SkippedOrder(str(row["uuid"]), row["number"], reason))


NOT_ERRED = "not erred: only erred orders can be resubmitted"
OUT_OF_SCOPE = (
    f"not allowed: only {PROVIDER_SIDE} may resubmit an order; the organization that placed "
    "it may see it, not resubmit it"
)
CHANGED_MEANWHILE = "changed by someone else during the resubmit"
CHANGED_SINCE_PREVIEW = (
    "changed since the preview (retried, edited or completed meanwhile): left as it is"
)
ROW_FIELDS = ("pk", "uuid", "number", "state", "modified")


@metrics.observe_duration(metrics.BULK_RESUBMIT_SECONDS, unless="dry_run")
def orders_resubmit(
    *,
    orders: QuerySet[Order],
    actor,
    dry_run: bool = False,
    trigger: str = Trigger.BULK,
    batch_size: int = 1000,
    skipped_limit: int = 1000,
    on_batch: Callable[[int], None] | None = None,
    integration_ids: list[int] | None = None,
) -> ResubmitResult:
    """Resubmit every erred order of ``orders`` that ``actor`` may act on, set-based.

    Orders go in batches of ``batch_size`` by primary key, each batch in its own transaction
    with a fixed number of queries whatever its size: read the batch, check the scope, lock the
    still-erred rows with ``SKIP LOCKED``, update them, update their resources, insert the
    history rows, queue the dispatch after commit. A batch is applied whole or not at all; a
    run cut short is safe to repeat, as resubmitted orders are no longer erred. A row another
    transaction holds is skipped, not waited for.

    On PostgreSQL, outside a transaction of the caller's, ``REDRIVE_BULK_WORKERS`` batches are
    sent at once, each on a connection of its own (``parallel.in_parallel``): a batch's work
    is mostly the server's, and each server process uses a core. Batches are independent, so
    the outcome is the same as one by one.

    Only the orders' failed deliveries are sent again (with ``integration_ids``, only those
    to these integrations: a resubmit by integration); a dry run counts them.

    ``actor=None`` is the system (a command run without ``--as``).
    """
    if actor is not None and not actor.has_perm("orders.resubmit_order"):
        raise ApplicationError("You are not allowed to resubmit orders.", code=ErrorCode.FORBIDDEN)
    scope = None if actor is None or actor.is_staff else provider_scope(actor)
    result = ResubmitResult(dry_run=dry_run)

    def work(rows: list[dict]) -> tuple[list[tuple[dict, str]], int, list[int], int]:
        return _resubmit_batch(
            rows,
            scope=scope,
            actor=actor,
            trigger=trigger,
            dry_run=dry_run,
            integration_ids=integration_ids,
        )

    batches = _batches(orders, batch_size)
    first = next(batches, None)
    if first is None:
        return result
    workers = _workers(dry_run=dry_run, more=len(first) == batch_size)
    rest = chain([first], batches)
    done = (
        in_parallel(rest, work, workers=workers)
        if workers > 1
        else ((rows, work(rows)) for rows in rest)
    )
    for rows, (skips, resubmitted, sent, deliveries) in done:
        result.matched += len(rows)
        result.resubmitted += resubmitted
        result.deliveries += deliveries
        result.resubmitted_ids += sent
        for row, reason in skips:
            result.skip(row, reason, skipped_limit)
        if on_batch:
            on_batch(len(rows))
    return result


def _batches(orders: QuerySet[Order], batch_size: int) -> Iterator[list[dict]]:
    """The rows of ``orders`` in batches by primary key (keyset: each read starts after the
    last key of the one before)."""
    base = orders.order_by().order_by("pk")
    last_pk = 0
    while rows := list(base.filter(pk__gt=last_pk).values(*ROW_FIELDS)[:batch_size]):
        last_pk = rows[-1]["pk"]
        yield rows


def _workers(*, dry_run: bool, more: bool) -> int:
    """Batches at once: several only where that helps and is safe (PostgreSQL, more than one
    batch, no transaction of the caller's that the threads' connections would not see)."""
    workers = settings.REDRIVE_BULK_WORKERS
    if dry_run or not more or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(workers, 1)


def _resubmit_batch(
    rows: list[dict],
    *,
    scope,
    actor,
    trigger: str,
    dry_run: bool,
    integration_ids=None,
    unchanged_since: datetime | None = None,
    patch: dict | None = None,
) -> tuple[list[tuple[dict, str]], int, list[int], int]:
    """One batch: the rows skipped (with why), how many were (or would be) resubmitted, the
    keys of those that were, and (a dry run) how many deliveries they would send. With
    ``unchanged_since`` (a preview's time), an order modified after it is skipped: the set
    confirmed is the set previewed. With ``patch`` (a bulk edit), each order is locked,
    patched and then sent again, or, when the patch would leave it unfit, skipped as it is."""
    in_scope = (
        None
        if scope is None
        else set(
            Order.objects.filter(scope, pk__any=[r["pk"] for r in rows]).values_list(
                "pk", flat=True
            )
        )
    )
    skips, candidates = [], []
    for row in rows:
        if in_scope is not None and row["pk"] not in in_scope:
            skips.append((row, OUT_OF_SCOPE))
        elif unchanged_since is not None and row["modified"] > unchanged_since:
            skips.append((row, CHANGED_SINCE_PREVIEW))
        elif row["state"] not in Order.transition_sources("retry"):
            skips.append((row, NOT_ERRED))
        else:
            candidates.append(row)
    if not candidates:
        return skips, 0, [], 0
    if dry_run:
        deliveries = deliveries_to_resend([row["pk"] for row in candidates], integration_ids)
        return skips, len(candidates), [], deliveries
    order_ids, refused = [row["pk"] for row in candidates], {}
    if patch is not None:
        locked = orders_lock_erred(order_ids=order_ids, unchanged_since=unchanged_since)
        order_ids, refused = bulk_edit.orders_patch(order_ids=locked, patch=patch, actor=actor)
        unchanged_since = None  # checked under the lock; the patch itself modified them
    sent = orders_send_again(
        order_ids=order_ids,
        actor=actor,
        trigger=trigger,
        integration_ids=integration_ids,
        unchanged_since=unchanged_since,
    )
    done = set(sent)
    for row in candidates:
        if row["pk"] in refused:
            skips.append((row, refused[row["pk"]]))
        elif row["pk"] not in done:
            skips.append((row, CHANGED_MEANWHILE))
    return skips, len(done), sent, 0


def orders_lock_erred(*, order_ids: list[int], unchanged_since: datetime | None) -> list[int]:
    """Lock the still-erred orders of ``order_ids`` (unmodified since ``unchanged_since``, if
    given) for the caller's transaction, skipping rows another transaction holds."""
    candidates = Order.objects.filter(
        pk__any=order_ids, state__in=Order.transition_sources("retry")
    )
    if unchanged_since is not None:
        candidates = candidates.filter(modified__lte=unchanged_since)
    return list(
        candidates.order_by("pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )


def deliveries_to_resend(
    order_ids: list[int] | QuerySet[Order], integration_ids: list[int] | None = None
) -> int:
    """How many deliveries sending ``order_ids`` (keys, or a queryset of orders) again would
    send (one query): a route of the order's offering (to ``integration_ids``, if given) whose
    delivery failed or was never made. The deliveries are the integrations app's; orders reads
    them through the relation."""
    Delivery = Order.delivery_model()
    unsent = Delivery.objects.filter(
        order=OuterRef("pk"), integration=OuterRef("offering__routes__integration")
    ).exclude(state=Delivery.State.FAILED)
    routes = (
        {"offering__routes__integration_id__in": integration_ids}
        if integration_ids is not None
        else {"offering__routes__isnull": False}
    )
    if not isinstance(order_ids, QuerySet):
        chosen = Order.objects.filter(pk__any=order_ids)
    elif order_ids.query.distinct or order_ids.query.is_sliced:
        chosen = Order.objects.filter(pk__in=order_ids.order_by().values("pk"))
    else:
        # the selection's own rows: ``pk IN (the selection)`` made PostgreSQL join the orders
        # to themselves, a key lookup per order (6 s of a 1,000,000-order dry run's 7.7)
        chosen = order_ids.order_by()
    # one filter() call: the subquery's route is the row's route (a second call would join
    # the routes again)
    return chosen.filter(~Exists(unsent), **routes).count()


def orders_resubmit_dry_run(
    *,
    orders: QuerySet[Order],
    actor,
    skipped_limit: int = 1000,
    integration_ids: list[int] | None = None,
    patch: dict | None = None,
) -> ResubmitResult:
    """What ``orders_resubmit`` would do, counted by the database (an aggregate, a sample of
    the skipped and the deliveries: three queries whatever the selection's size), with the
    same rules and reasons as a batch (``_resubmit_batch``): out of scope first, then not
    erred. With ``patch`` (a bulk edit), the orders it would leave unfit are counted by reason
    too (their attributes read in chunks: ``bulk_edit.patch_refusals``)."""
    if actor is not None and not actor.has_perm("orders.resubmit_order"):
        raise ApplicationError("You are not allowed to resubmit orders.", code=ErrorCode.FORBIDDEN)
    scope = Q() if actor is None or actor.is_staff else provider_scope(actor)
    erred = Q(state__in=Order.transition_sources("retry"))
    reasons = (
        [(OUT_OF_SCOPE, ~scope), (NOT_ERRED, scope & ~erred)] if scope else [(NOT_ERRED, ~erred)]
    )
    counts = {"matched": Count("pk")}
    for n, (_, when) in enumerate(reasons):
        counts[f"reason_{n}"] = Count("pk", filter=when)
    found = orders.order_by().aggregate(**counts)
    result = ResubmitResult(dry_run=True, matched=found["matched"])
    for n, (reason, _) in enumerate(reasons):
        if found[f"reason_{n}"]:
            result.skipped_by_reason[reason] = found[f"reason_{n}"]
    result.skipped_count = sum(result.skipped_by_reason.values())
    result.resubmitted = result.matched - result.skipped_count
    if result.skipped_count and skipped_limit:
        why = Case(
            *(When(when, then=Value(reason)) for reason, when in reasons),
            output_field=CharField(),
        )
        rows = (
            orders.exclude(scope & erred)
            .annotate(why=why)
            .order_by("pk")
            .values("uuid", "number", "why")[:skipped_limit]
        )
        result.skipped = [SkippedOrder(str(r["uuid"]), r["number"], r["why"]) for r in rows]
    if result.resubmitted and patch is not None:
        refusals, sample = bulk_edit.patch_refusals(
            orders=orders.filter(scope & erred), patch=patch, sample_limit=skipped_limit
        )
        for reason, count in refusals.items():
            result.skipped_by_reason[reason] = count
        result.skipped_count += sum(refusals.values())
        result.resubmitted -= sum(refusals.values())
        room = max(0, skipped_limit - len(result.skipped))
        result.skipped += [SkippedOrder(*row) for row in sample[:room]]
    if result.resubmitted:
        result.deliveries = deliveries_to_resend(orders.filter(scope & erred), integration_ids)
    return result


@transaction.atomic
def orders_send_again(
    *,
    order_ids: list[int],
    actor,
    trigger: str,
    due_by: datetime | None = None,
    integration_ids: list[int] | None = None,
    unchanged_since: datetime | None = None,
) -> list[int]:
    """Move the still-erred orders of ``order_ids`` to executing at once, set-based.

    The caller has checked permission and scope (a person's resubmit) or is the system (an
    automatic retry: ``due_by`` leaves out orders whose retry is not due by then). Returns the
    primary keys it moved; an order another transaction holds, or no longer erred, is left
    out, and so is one modified after ``unchanged_since`` (a confirmed preview's time). Only
    their failed deliveries are sent (with ``integration_ids``, only those to these
    integrations: an order whose delivery to another integration failed too stays erred, and
    only these deliveries go). A fixed number of queries whatever the batch size: lock,
    history, update, one resource update per resource state, the deliveries.
    """
    now = timezone.now()
    candidates = Order.objects.filter(
        pk__any=order_ids, state__in=Order.transition_sources("retry")
    )
    if due_by is not None:
        candidates = candidates.filter(next_retry_at__lte=due_by)
    if unchanged_since is not None:
        candidates = candidates.filter(modified__lte=unchanged_since)
    rows = list(
        candidates.order_by("pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", "type", "resource_id")
    )
    locked = [pk for pk, _, _ in rows]
    if not locked:
        return locked
    stay = set()
    if integration_ids is not None:
        stay = set(
            Order.objects.filter(pk__any=locked)
            .failing_elsewhere(integration_ids)
            .values_list("pk", flat=True)
        )
    moved = [pk for pk in locked if pk not in stay]
    if moved:
        retries_record(order_ids=moved, actor=actor, trigger=trigger, now=now)
        Order.objects.filter(pk__any=moved).update(
            state=Order.transition_target("retry"), **changes.retry(), modified=now
        )
        resources_follow(
            ((order_type, resource_id) for pk, order_type, resource_id in rows if pk not in stay),
            Order.RESOURCE_STATE_WHEN_SENT,
            now=now,
        )
    orders_to_send(locked, trigger=trigger, actor=actor, integration_ids=integration_ids)
    return locked
