"""The migration to problems: the open alerts grouped under one problem per integration and
kind (their remote code unknown), counted; pending per-alert mail is superseded."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import OfferingFactory, OrderFactory

BEFORE = [("alerts", "0003_alert_dismissed_note")]
AFTER = [("alerts", "0004_problems_contacts_webhooks")]


@pytest.fixture
def latest_schema_after():
    """Whatever happens, the schema is the latest again for the other tests."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_open_alerts_are_grouped_under_problems_with_counts(latest_schema_after):
    # given: three open alerts of one kind at one integration, one of another kind, a
    # resolved one, and a pending per-alert mail
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    offering = OfferingFactory()  # the other apps' tables are the latest: their own factories
    provider, integration = offering.provider, offering.integration
    Alert = old.get_model("alerts", "Alert")
    now = timezone.now()

    def alert(n: int, kind: str, status: str = "open"):
        order = OrderFactory(offering=offering, state="erred")
        return Alert.objects.create(
            integration_id=integration.pk,
            order_id=order.pk,
            kind=kind,
            severity="error",
            needs_action=True,
            status=status,
            message=f"message {n}",
            first_seen_at=now,
            last_seen_at=now,
            opened_at=now,
        )

    grouped = [alert(n, "address_invalid") for n in range(3)]
    alert(3, "mapping_missing")
    resolved = alert(4, "address_invalid", status="resolved")
    contact = old.get_model("alerts", "AlertContact").objects.create(
        email="ops@p.test", organization_id=provider.pk
    )
    old.get_model("alerts", "AlertNotification").objects.create(
        contact=contact, alert=grouped[0], period="immediate:1"
    )

    # when
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    # then
    Problem = new.get_model("alerts", "Problem")
    problems = sorted(Problem.objects.values_list("kind", "code", "alerts_count", "status"))
    assert problems == [("address_invalid", "", 3, "open"), ("mapping_missing", "", 1, "open")]
    NewAlert = new.get_model("alerts", "Alert")
    assert len({NewAlert.objects.get(pk=a.pk).problem_id for a in grouped}) == 1
    assert NewAlert.objects.get(pk=resolved.pk).problem_id is None
    row = new.get_model("alerts", "AlertNotification").objects.get()
    assert row.status == "skipped" and "per problem" in row.last_error
    assert new.get_model("alerts", "AlertContact").objects.get().channels == ["email"]
