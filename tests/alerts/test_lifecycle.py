"""Raise, repeat, resolve, dismiss, reopen: one open alert per (integration, order, kind)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from alerts.models import Alert, Kind
from alerts.services import (
    alert_dismiss,
    alert_raise,
    alerts_dismiss,
    alerts_resolve_for,
)
from core.errors import ApplicationError
from integrations.services import alerts_record_attempt
from tests.alerts.factories import AlertFactory, attempt_for
from tests.factories import OrderFactory, UserFactory, owner_of, staff_user

pytestmark = pytest.mark.django_db
START = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def raise_for(order, kind=Kind.ADDRESS_INVALID, message="postal_code is required"):
    return alert_raise(
        integration=order.offering.integration, kind=kind, message=message, order=order
    )


def test_repeats_raise_occurrences_and_last_seen_of_the_one_open_alert():
    # given
    order = OrderFactory(state="erred", attributes={"sku": "VM-SMALL"})
    with time_machine.travel(START, tick=False):
        first = raise_for(order, message="postal_code is required")

    # when
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        again = raise_for(order, message="postal_code is still required")

    # then
    assert again.pk == first.pk
    assert Alert.objects.count() == 1
    assert again.occurrences == 2
    assert (again.first_seen_at, again.last_seen_at) == (START, START + timedelta(minutes=5))
    assert again.message == "postal_code is still required"
    assert (again.status, again.needs_action, again.severity) == ("open", True, "error")
    assert again.product_code == "VM-SMALL"


def test_other_kinds_orders_and_product_codes_are_other_alerts():
    order = OrderFactory(state="erred")
    integration = order.offering.integration

    raise_for(order, kind=Kind.ADDRESS_INVALID)
    raise_for(order, kind=Kind.MAPPING_MISSING)
    raise_for(OrderFactory(state="erred", offering=order.offering))
    for code in ("SKU-1", "SKU-1", "SKU-2"):
        alert_raise(integration=integration, kind=Kind.SYNC_FAILED, message="x", product_code=code)

    assert Alert.objects.count() == 5
    sync = Alert.objects.get(kind=Kind.SYNC_FAILED, product_code="SKU-1")
    assert (sync.order, sync.occurrences, sync.needs_action) == (None, 2, False)


def test_the_database_refuses_a_second_open_alert_for_the_same_key():
    alert = AlertFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertFactory(order=alert.order, integration=alert.integration, kind=alert.kind)


def test_an_unknown_kind_is_refused_and_changes_nothing():
    order = OrderFactory(state="erred")
    with pytest.raises(ApplicationError) as refused:
        raise_for(order, kind="on_fire")
    assert "on_fire" in refused.value.message and "address_invalid" in refused.value.message
    assert not Alert.objects.exists()


def test_a_later_success_resolves_the_orders_open_alerts_at_that_integration():
    # given
    order = OrderFactory(state="erred")
    other = OrderFactory(state="erred", offering=order.offering)
    alerts_record_attempt(
        attempt=attempt_for(order, outcome="action_required", error_code="address_invalid")
    )
    raise_for(order, kind=Kind.RETRY_EXHAUSTED)
    untouched = raise_for(other)

    # when
    alerts_record_attempt(attempt=attempt_for(order, outcome="success"))

    # then
    resolved = Alert.objects.filter(order=order)
    assert {a.status for a in resolved} == {"resolved"}
    assert all(a.resolved_at and a.resolved_by is None for a in resolved)
    assert {a.resolved_reason for a in resolved} == {f"success of order {order.number} (attempt 2)"}
    assert Alert.objects.get(pk=untouched.pk).status == "open"


@pytest.mark.parametrize(
    ("error_code", "kind"),
    [
        ("address_invalid", Kind.ADDRESS_INVALID),
        ("mapping_missing", Kind.MAPPING_MISSING),
        ("credentials", Kind.CREDENTIALS),
        ("validation_error", Kind.VALIDATION),
        ("rejected", Kind.VALIDATION),
    ],
)
def test_an_action_required_attempt_raises_the_kind_of_its_error_code(error_code, kind):
    order = OrderFactory(state="erred")
    attempt = attempt_for(
        order, outcome="action_required", error_code=error_code, message="The remote said no"
    )

    alert = alerts_record_attempt(attempt=attempt)

    assert (alert.kind, alert.message, alert.order, alert.integration) == (
        kind,
        "The remote said no",
        order,
        attempt.integration,
    )


def test_a_transient_attempt_raises_nothing():
    order = OrderFactory(state="erred")
    attempt = attempt_for(order, outcome="transient", error_code="server_error")
    assert alerts_record_attempt(attempt=attempt) is None
    assert not Alert.objects.exists()


def test_dismiss_keeps_who_and_when_and_a_repeat_reopens_it():
    # given
    alert = AlertFactory()
    user = staff_user(username="ops")

    # when
    with time_machine.travel(START, tick=False):
        dismissed = alert_dismiss(alert=alert, actor=user, reason="customer called")
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        reopened = raise_for(alert.order, message="postal_code is required")

    # then
    assert (dismissed.status, dismissed.dismissed_by, dismissed.dismissed_at) == (
        "dismissed",
        user,
        START,
    )
    assert dismissed.resolved_reason == "dismissed by ops: customer called"
    assert reopened.pk == alert.pk
    assert (reopened.status, reopened.occurrences, reopened.reopen_count) == ("open", 2, 1)
    assert reopened.opened_at == reopened.last_seen_at == START + timedelta(hours=1)
    assert (reopened.dismissed_by, reopened.dismissed_at) == (user, START)


def test_a_resolved_alert_that_happens_again_reopens():
    alert = AlertFactory()
    alerts_resolve_for(order=alert.order, integration=alert.integration, reason="success")

    again = raise_for(alert.order)

    assert (again.pk, again.status, again.reopen_count) == (alert.pk, "open", 1)
    assert Alert.objects.count() == 1


def test_integration_alerts_about_no_order_resolve_by_kind():
    integration = OrderFactory().offering.integration
    alert_raise(integration=integration, kind=Kind.UNAVAILABLE, message="breaker opened")
    alert_raise(integration=integration, kind=Kind.SYNC_FAILED, message="inventory")

    count = alerts_resolve_for(
        order=None, integration=integration, reason="breaker closed", kinds=[Kind.UNAVAILABLE]
    )

    assert count == 1
    assert dict(Alert.objects.values_list("kind", "status")) == {
        "unavailable": "resolved",
        "sync_failed": "open",
    }


@pytest.mark.parametrize("who", ["anonymous", "plain user", "owner of another organization"])
def test_dismiss_refused_without_permission_or_scope_changes_nothing(who):
    alert = AlertFactory()
    actor = {
        "anonymous": AnonymousUser(),
        "plain user": UserFactory(),
        "owner of another organization": owner_of(OrderFactory().offering.provider),
    }[who]

    with pytest.raises(ApplicationError) as refused:
        alert_dismiss(alert=alert, actor=actor)

    assert refused.value.code == "forbidden"
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_dismissing_a_closed_alert_is_a_conflict():
    alert = AlertFactory(status="resolved")
    with pytest.raises(ApplicationError) as refused:
        alert_dismiss(alert=alert, actor=staff_user())
    assert refused.value.code == "conflict"
    assert "resolved" in refused.value.message


def test_bulk_dismiss_acts_on_open_alerts_in_scope_only():
    # given
    mine = AlertFactory()
    owner = owner_of(mine.order.offering.provider)
    closed = AlertFactory(order=OrderFactory(offering=mine.order.offering), status="resolved")
    foreign = AlertFactory()

    # when
    result = alerts_dismiss(alerts=Alert.objects.all(), actor=owner)

    # then
    assert (result.matched, result.dismissed, result.skipped) == (3, 1, 2)
    statuses = dict(Alert.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: "dismissed", closed.pk: "resolved", foreign.pk: "open"}
