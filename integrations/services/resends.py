"""Resends that follow a person's fix of an integration (credentials, endpoint, mapping)."""

from __future__ import annotations

import logging

from django.db.models import OuterRef, Subquery

from integrations.codes import RESEND_ON_CHANGE
from integrations.models import Attempt, Integration
from orders import services as order_services
from orders.models import Order, Trigger

logger = logging.getLogger("integrations.recovery")


def orders_waiting_on(*, integration: Integration, error_codes: tuple[str, ...]):
    """Erred, action-required orders whose delivery to ``integration`` failed, its last attempt
    with one of ``error_codes``."""
    last_code = (
        Attempt.objects.filter(order=OuterRef("pk"), integration=integration)
        .order_by("-started_at", "-pk")
        .values("error_code")[:1]
    )
    return (
        Order.objects.filter(
            state=Order.State.ERRED, failure_kind=Order.FailureKind.ACTION_REQUIRED
        )
        .at_integration(integration.pk)
        .annotate(last_error_code=Subquery(last_code))
        .filter(last_error_code__in=error_codes)
    )


def integration_fixed(*, integration: Integration, changed: set[str], actor=None) -> int:
    """An integration's credentials, endpoint or mapping changed: resend the orders that
    were waiting on that kind of error. Returns how many were sent again."""
    codes = tuple(sorted({code for name in changed for code in RESEND_ON_CHANGE.get(name, ())}))
    if not codes:
        return 0
    result = order_services.orders_resubmit(
        orders=orders_waiting_on(integration=integration, error_codes=codes),
        actor=None,
        trigger=Trigger.EDIT,
        integration_ids=[integration.pk],  # its deliveries only, not the order's others
    )
    logger.info(
        "integration %s changed (%s): resent %s orders waiting on %s",
        integration.pk,
        ", ".join(sorted(changed)),
        result.resubmitted,
        ", ".join(codes),
    )
    return result.resubmitted
