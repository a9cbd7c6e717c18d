"""Set-based completion: the delivery pipeline records many successful sends at once."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core.sql import insert_values
from orders.models import Order, OrderTransition, changes
from orders.services.resources import resources_follow


def orders_complete(
    *,
    details: dict[int, dict],
    now=None,
    waiting: Callable[[list[int]], set[int]] | None = None,
) -> dict[int, str]:
    """Move the orders of ``details`` (order pk -> the history row's details) that may
    ``succeed`` to done, with their resources and one history row each.

    Returns each order's state before: those the ``succeed`` transition starts from are done
    now, the others (canceled meanwhile, say) are left as they are. The rows are locked first,
    so a concurrent change either happened before (and is seen here) or waits for this commit.
    ``waiting`` (the delivery pipeline's) says, once the rows are locked, which of them still
    wait for something else (another required delivery): those are left executing. Asked
    after the lock, it sees what a concurrent completion of the same order committed, so two
    last deliveries recorded at once cannot both leave the order waiting. A fixed number of
    queries whatever the number of orders: lock, update, history, and one resource update per
    resource state (and ``waiting``'s).
    """
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        rows = list(
            Order.objects.select_for_update(of=("self",))
            .filter(pk__any=list(details))
            .order_by("pk")
            .values_list("pk", "state", "type", "resource_id")
        )
        sources = Order.transition_sources("succeed")
        held = waiting([row[0] for row in rows if row[1] in sources]) if waiting else set()
        done = [row for row in rows if row[1] in sources and row[0] not in held]
        if done:
            target = Order.transition_target("succeed")
            Order.objects.filter(pk__any=[pk for pk, *_ in done]).update(
                state=target, **changes.succeed(at=now), modified=now
            )
            created = connection.ops.adapt_datetimefield_value(now)
            insert_values(
                OrderTransition,
                OrderTransition.ROW_FIELDS,
                (
                    (
                        pk,
                        "succeed",
                        state,
                        target,
                        None,
                        "",
                        _json(details[pk]),
                        created,
                    )
                    for pk, state, _, _ in done
                ),
            )
            resources_follow(
                ((order_type, resource_id) for _, _, order_type, resource_id in done),
                Order.RESOURCE_STATE_WHEN_DONE,
                now=now,
            )
    return {pk: state for pk, state, _, _ in rows}


def _json(value: dict) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)
