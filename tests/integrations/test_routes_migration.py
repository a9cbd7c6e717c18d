"""The migration to routes: each existing offering becomes one required route to its
integration; the deliveries already made stay as they are."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("integrations", "0008_incidents_limits"), ("orders", "0011_erred_facets_index")]
AFTER = [("integrations", "0009_routes"), ("orders", "0011_erred_facets_index")]


@pytest.fixture
def latest_schema_after():
    """Whatever happens, the schema is the latest again for the other tests."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_offerings_become_one_required_route_and_deliveries_stay(latest_schema_after):
    # given: the schema before routes, with two offerings (one with an integration) and a
    # delivery already succeeded
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    provider = old.get_model("orders", "Organization").objects.create(name="P")
    integration = old.get_model("integrations", "Integration").objects.create(name="WMS")
    Offering = old.get_model("orders", "Offering")
    remote = Offering.objects.create(name="Remote", provider=provider, integration=integration)
    Offering.objects.create(name="Basic", provider=provider, type="basic")
    order = old.get_model("orders", "Order").objects.create(
        offering=remote, consumer_organization=provider, number="RD-MIGRATE1", state="done"
    )
    delivery = old.get_model("integrations", "Delivery").objects.create(
        order=order, integration=integration, state="succeeded", attempt_count=1
    )

    # when
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    # then
    routes = list(
        new.get_model("integrations", "Route").objects.values_list(
            "offering_id", "integration_id", "required", "position", "after_id"
        )
    )
    assert routes == [(remote.pk, integration.pk, True, 0, None)]
    kept = new.get_model("integrations", "Delivery").objects.get(pk=delivery.pk)
    assert (kept.state, kept.attempt_count, kept.required, kept.waits_for_id) == (
        "succeeded",
        1,
        True,
        None,
    )
    assert kept.idempotency_key == delivery.idempotency_key
