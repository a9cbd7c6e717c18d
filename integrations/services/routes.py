"""Where an offering's orders go: its routes, kept in step with its main integration."""

from __future__ import annotations

from django.db import transaction

from integrations.models import Route


def offering_saved_received(*, instance, raw: bool = False, **signal) -> None:
    """The receiver of ``post_save`` for offerings (connected at ready())."""
    if not raw:
        routes_follow_offering(offering=instance)


@transaction.atomic
def routes_follow_offering(*, offering) -> None:
    """Keep a route to the offering's main integration (``Offering.integration``).

    An offering with one route at most has that route to its integration: set, changed or
    cleared with the integration. An offering with several keeps them, and gains a required
    route to a new main integration at the front; clearing the integration then leaves them.
    """
    routes = list(Route.objects.select_for_update().filter(offering=offering))
    if offering.integration_id is None:
        if len(routes) == 1:
            routes[0].delete()
        return
    if any(route.integration_id == offering.integration_id for route in routes):
        return
    if len(routes) == 1:
        Route.objects.filter(pk=routes[0].pk).update(integration_id=offering.integration_id)
        return
    Route.objects.create(
        offering=offering, integration_id=offering.integration_id, required=True, position=0
    )
