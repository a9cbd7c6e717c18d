"""A resource follows its order: creating, updating or terminating while the order is sent,
ok or terminated once it is done."""

from __future__ import annotations

from collections.abc import Iterable

from orders.models import Resource


def resources_follow(orders: Iterable[tuple[str, int | None]], state_by_type: dict, *, now) -> None:
    """Set the resources of ``orders`` ((type, resource id) pairs) to the state
    ``state_by_type`` gives each order type: one UPDATE per resulting state."""
    resources: dict[str, list[int]] = {}
    for order_type, resource_id in orders:
        if resource_id is not None:
            resources.setdefault(state_by_type[order_type], []).append(resource_id)
    for state, ids in sorted(resources.items()):
        Resource.objects.filter(pk__any=ids).update(state=state, modified=now)
