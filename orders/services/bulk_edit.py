"""Edit many, then resend: one JSON Merge Patch (RFC 7396) on the attributes of every order of
a selection, checked and audited per order, then each order sent again.

The patch rides on a bulk resubmit (``BulkPreview.patch``, ``BulkOperation.patch``): the dry
run counts, per order, which would be refused (``attributes_after_patch``: the patched
attributes checked by ``placing.attribute_problems``, the rule of a single order's edit, so a
required attribute of the offering that the patch would leave missing or empty is named); the
run applies it chunk by chunk inside the chunk's transaction (``orders_patch``), so an order is
patched and sent again, or neither: a refused order is skipped with its reason and keeps its
attributes, and nothing is half-applied.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import ApplicationError
from orders.models import Offering, Order, OrderTransition
from orders.services.placing import attribute_problems, merge_patch

EDIT_TRANSITION = "edit_attributes"
EDIT_REASON = "attributes patched by a bulk edit, then resubmitted"
PATCH_CHUNK = 2000


def patch_problem(patch: Any) -> str | None:
    """Why ``patch`` cannot be a bulk edit's attributes patch, or ``None``."""
    if not isinstance(patch, dict):
        return "The attributes patch must be a JSON object (a JSON Merge Patch, RFC 7396)."
    if not patch:
        return "The attributes patch is empty: it would change nothing."
    return None


def require_patch(patch: Any) -> dict:
    problem = patch_problem(patch)
    if problem:
        raise ApplicationError(problem, extra={"attributes_patch": [problem]})
    return patch


def refusal(problems: dict[str, str]) -> str:
    """The skip reason of an order the patch would leave unfit: what is wrong, by path."""
    described = "; ".join(f"{path} {problem}" for path, problem in sorted(problems.items()))
    return f"the attributes patch would leave {described}: not patched, not resubmitted"


def _offerings(ids) -> dict[int, Offering]:
    return {offering.pk: offering for offering in Offering.objects.filter(pk__in=set(ids))}


def attributes_after_patch(
    rows: list[tuple[int, int, dict]], patch: dict
) -> tuple[dict[int, dict], dict[int, str]]:
    """For ``(pk, offering id, attributes)`` rows: the patched attributes of those the patch
    leaves fit for their offering, and the refusal reason of the others (by key)."""
    offerings = _offerings(offering_id for _, offering_id, _ in rows)
    fit, refused = {}, {}
    for pk, offering_id, attributes in rows:
        patched = merge_patch(attributes, patch)
        problems = attribute_problems(patched, offering=offerings[offering_id])
        if problems:
            refused[pk] = refusal(problems)
        else:
            fit[pk] = patched
    return fit, refused


def patch_refusals(
    *, orders: QuerySet[Order], patch: dict, sample_limit: int = 0
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """How many of ``orders`` the patch would be refused for, by reason, and the first
    ``sample_limit`` of them as ``(uuid, number, reason)`` (the dry run's count; the
    attributes are read ``PATCH_CHUNK`` orders at a time)."""
    counted: dict[str, int] = {}
    sample: list[tuple[str, str, str]] = []
    last = 0
    base = orders.order_by("pk").values_list("pk", "offering_id", "attributes", "uuid", "number")
    while rows := list(base.filter(pk__gt=last)[:PATCH_CHUNK]):
        last = rows[-1][0]
        refused = attributes_after_patch([row[:3] for row in rows], patch)[1]
        for pk, _, _, uuid, number in rows:
            if pk in refused:
                counted[refused[pk]] = counted.get(refused[pk], 0) + 1
                if len(sample) < sample_limit:
                    sample.append((str(uuid), number, refused[pk]))
    return counted, sample


def orders_patch(*, order_ids: list[int], patch: dict, actor) -> tuple[list[int], dict[int, str]]:
    """Apply ``patch`` to the attributes of ``order_ids`` (erred orders the caller holds
    locked, in its transaction) and record one history row each; returns the keys patched
    and the refusal of each order left as it was. Three queries whatever their number: read,
    update, history."""
    rows = list(
        Order.objects.filter(pk__any=order_ids)
        .order_by("pk")
        .values_list("pk", "offering_id", "attributes", "state")
    )
    fit, refused = attributes_after_patch([row[:3] for row in rows], patch)
    if not fit:
        return [], refused
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order AS o SET attributes = patched.attributes, modified = %s "
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::jsonb[]) AS attributes) "
            "AS patched WHERE o.id = patched.id",
            [now, list(fit), [json.dumps(value) for value in fit.values()]],
        )
    before = {pk: attributes for pk, _, attributes, _ in rows}
    states = {pk: state for pk, _, _, state in rows}
    OrderTransition.objects.bulk_create(
        OrderTransition(
            order_id=pk,
            transition=EDIT_TRANSITION,
            source_state=states[pk],
            target_state=states[pk],
            actor=actor,
            reason=EDIT_REASON,
            details={"patch": patch, "before": _touched(before[pk], patch)},
            created=now,
        )
        for pk in fit
    )
    return list(fit), refused


def _touched(attributes: Any, patch: dict) -> dict:
    """What ``attributes`` held under each key ``patch`` names (``None``: absent): what the
    edit replaced, kept in the history."""
    attributes = attributes if isinstance(attributes, dict) else {}
    kept = {}
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(attributes.get(key), dict):
            kept[key] = _touched(attributes[key], value)
        else:
            kept[key] = attributes.get(key)
    return kept
