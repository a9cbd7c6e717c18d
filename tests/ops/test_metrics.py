"""/metrics: the database gauges for a seeded database, the counters a send moves, protection."""

import os
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from core import metrics
from integrations import gauges, services
from integrations.models import BreakerState, Delivery, HeldReason, Route
from integrations.services import sweep_due
from orders import services as order_services
from orders.models import Offering, Order, Organization
from tests.factories import IntegrationFactory, OfferingFactory, OrganizationFactory, staff_user
from tests.ops.conftest import queued_delivery, samples, scrape, value
from tests.support import closed_port, database_unreachable


def orders(offering: Offering, consumer: Organization, count: int, **fields) -> list[Order]:
    made = Order.objects.bulk_create(
        Order(offering=offering, consumer_organization=consumer) for _ in range(count)
    )
    Order.objects.filter(pk__in=[o.pk for o in made]).update(**fields)
    return made


@pytest.fixture
def seeded(db):
    """Three integrations (closed, open, half-open breakers) and orders in every situation."""
    now = timezone.now()
    acme = IntegrationFactory(name="Acme")
    globex = IntegrationFactory(name="Globex", breaker_state="open")
    IntegrationFactory(name="Initech", breaker_state="half_open")
    on_acme = OfferingFactory(integration=acme)
    on_globex = OfferingFactory(integration=globex)
    manual = OfferingFactory(type=Offering.Type.BASIC, integration=None)
    consumer = OrganizationFactory()
    erred = {"state": Order.State.ERRED, "erred_at": now}
    transient = {**erred, "failure_kind": Order.FailureKind.TRANSIENT}
    orders(on_acme, consumer, 2, **transient, next_retry_at=now - timedelta(minutes=1))
    orders(on_acme, consumer, 1, **transient, next_retry_at=now + timedelta(hours=1))
    orders(on_acme, consumer, 1, **erred, failure_kind=Order.FailureKind.ACTION_REQUIRED)
    orders(on_globex, consumer, 1, **erred, failure_kind=Order.FailureKind.EXHAUSTED)
    orders(on_globex, consumer, 3, state=Order.State.DONE)
    held_at_globex = orders(on_globex, consumer, 2, state=Order.State.EXECUTING)
    held_at_acme = orders(on_acme, consumer, 1, state=Order.State.EXECUTING)
    orders(manual, consumer, 1, state=Order.State.PENDING_CONSUMER)
    orders(manual, consumer, 1, **erred)
    for order, integration, reason in [
        *((o, globex, HeldReason.BREAKER) for o in held_at_globex),
        (held_at_acme[0], acme, HeldReason.MAINTENANCE),
    ]:
        Delivery.objects.create(
            order=order, integration=integration, state=Delivery.State.HELD, held_reason=reason
        )


def test_every_database_family_has_the_seeded_values(seeded, client):
    scraped = scrape(client)

    by_state = {
        state: value(scraped, "redrive_orders", state=state) for state in Order.State.values
    }
    assert by_state == {
        "pending_consumer": 1,
        "pending_provider": 0,
        "executing": 3,
        "done": 3,
        "erred": 6,
        "canceled": 0,
        "rejected": 0,
    }
    failed = {
        (dict(labels)["integration"], dict(labels)["failure_kind"]): count
        for (name, labels), count in scraped.items()
        if name == "redrive_failed_orders" and count
    }
    assert failed == {
        ("Acme", "transient"): 3,
        ("Acme", "action_required"): 1,
        ("Globex", "exhausted"): 1,
        ("none", "unclassified"): 1,
    }
    assert (
        value(scraped, "redrive_failed_orders", integration="Initech", failure_kind="transient")
        == 0
    )
    assert value(scraped, "redrive_retries_scheduled") == 3
    assert value(scraped, "redrive_retries_due") == 2
    held = {
        (dict(labels)["integration"], dict(labels)["reason"]): count
        for (name, labels), count in scraped.items()
        if name == "redrive_deliveries_held" and count
    }
    assert held == {("Globex", "breaker"): 2, ("Acme", "maintenance"): 1}
    assert value(scraped, "redrive_deliveries_held", integration="Initech", reason="disabled") == 0
    breakers = {
        name: value(scraped, "redrive_breaker_state", integration=name)
        for name in ("Acme", "Globex", "Initech")
    }
    assert breakers == {"Acme": 0, "Globex": 2, "Initech": 1}
    assert value(scraped, "redrive_database_metrics_up") == 1


def test_an_order_failing_at_two_integrations_counts_at_each(db, client):
    # given: an offering sending to a warehouse (its main integration) and an ERP; one order
    # failed at both, one at the ERP only, one erred before it was sent
    warehouse, erp = IntegrationFactory(name="Warehouse"), IntegrationFactory(name="ERP")
    offering = OfferingFactory(integration=warehouse)
    Route.objects.create(offering=offering, integration=erp, position=1)
    transient = {"state": Order.State.ERRED, "failure_kind": Order.FailureKind.TRANSIENT}
    both, erp_only, _never_sent = orders(offering, OrganizationFactory(), 3, **transient)
    for order, integration, state in [
        (both, warehouse, Delivery.State.FAILED),
        (both, erp, Delivery.State.FAILED),
        (erp_only, warehouse, Delivery.State.SUCCEEDED),
        (erp_only, erp, Delivery.State.FAILED),
    ]:
        Delivery.objects.create(order=order, integration=integration, state=state)

    # when
    scraped = scrape(client)

    # then
    def failed(name):
        return value(scraped, "redrive_failed_orders", integration=name, failure_kind="transient")

    assert (failed("Warehouse"), failed("ERP")) == (2, 2)
    assert value(scraped, "redrive_orders", state="erred") == 3


def test_database_gauges_are_cached_briefly(seeded, client):
    # given: a scrape has read the database
    assert value(scrape(client), "redrive_orders", state="canceled") == 0
    Order.objects.filter(state=Order.State.DONE).update(state=Order.State.CANCELED)

    # then: a scrape within METRICS_CACHE_SECONDS answers from the cache, a later one reads anew
    assert value(scrape(client), "redrive_orders", state="canceled") == 0
    with override_settings(METRICS_CACHE_SECONDS=0):
        assert value(scrape(client), "redrive_orders", state="canceled") == 3


def test_the_database_gauges_cost_one_query_per_family(seeded, client, django_assert_num_queries):
    with django_assert_num_queries(5):
        client.get("/metrics")


@pytest.mark.django_db
def test_a_failed_send_counts_a_transient_attempt_and_its_latency(sandbox, client):
    # given: the sandbox answers the next order with a 500
    delivery = queued_delivery(sandbox, name="Umbrella")
    sandbox.force({"status": 500})
    before = scrape(client)

    # when
    attempt = services.delivery_send(delivery_id=delivery.pk)

    # then
    assert attempt.outcome == "transient"
    after = scrape(client)

    def moved(name, **labels):
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert moved("redrive_attempts_total", integration="Umbrella", outcome="transient") == 1
    assert moved("redrive_attempts_total", integration="Umbrella", outcome="success") == 0
    assert moved("redrive_send_duration_seconds_count", integration="Umbrella") == 1
    assert moved("redrive_send_duration_seconds_bucket", integration="Umbrella", le="+Inf") == 1
    assert moved("redrive_send_duration_seconds_sum", integration="Umbrella") > 0


@pytest.mark.django_db
def test_sweeps_and_resubmits_are_timed_but_dry_runs_are_not(client):
    # given
    order = orders(OfferingFactory(), OrganizationFactory(), 1, state=Order.State.ERRED)[0]
    before = scrape(client)

    # when
    sweep_due()
    order_services.orders_resubmit(
        orders=Order.objects.filter(pk=order.pk), actor=staff_user(), dry_run=True
    )
    order_services.orders_resubmit(orders=Order.objects.filter(pk=order.pk), actor=staff_user())

    # then
    after = scrape(client)
    for name, runs in [
        ("redrive_sweep_duration_seconds_count", 1),
        ("redrive_bulk_resubmit_duration_seconds_count", 1),
    ]:
        assert value(after, name) - value(before, name) == runs


@pytest.mark.django_db
def test_with_a_token_set_a_scrape_must_bring_it(client):
    with override_settings(METRICS_TOKEN="s3cret-token"):
        missing = client.get("/metrics")
        wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-it")
        basic = client.get("/metrics", HTTP_AUTHORIZATION="Basic czNjcmV0LXRva2Vu")
        right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")

    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"redrive_" not in missing.content
    assert wrong.status_code == 403
    assert b"redrive_" not in wrong.content
    assert basic.status_code == 401
    assert right.status_code == 200
    assert ("redrive_database_metrics_up", frozenset()) in samples(right.content.decode())


@pytest.mark.django_db
def test_only_get_is_served(client):
    assert client.post("/metrics").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_scrape_while_the_database_is_down_still_answers(client):
    # given: the connection points at a port where nothing listens
    with database_unreachable():
        response = client.get("/metrics")

    # then: process series and "database gauges down", no stale gauges
    assert response.status_code == 200
    scraped = samples(response.content.decode())
    assert value(scraped, "redrive_database_metrics_up") == 0
    assert not [name for name, _ in scraped if name == "redrive_orders"]
    assert [name for name, _ in scraped if name == "redrive_sweep_duration_seconds_count"]


COUNT_A_SEND = """
from core import metrics
metrics.ATTEMPTS.labels(integration="Acme", outcome="transient").inc()
metrics.SEND_SECONDS.labels(integration="Acme").observe(0.2)
"""


@pytest.mark.django_db
def test_multiprocess_mode_adds_up_what_every_process_counted(tmp_path, client, monkeypatch):
    # given: two other processes counted a send each into the shared directory
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", COUNT_A_SEND],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
            timeout=60,
        )

    # when: this process scrapes in multiprocess mode
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    scraped = scrape(client)

    # then
    assert value(scraped, "redrive_attempts_total", integration="Acme", outcome="transient") == 2
    assert value(scraped, "redrive_send_duration_seconds_count", integration="Acme") == 2
    assert value(scraped, "redrive_database_metrics_up") == 1


def test_a_worker_serves_its_series_on_metrics_port():
    # given
    port = closed_port()
    metrics.ATTEMPTS.labels(integration="Worker-side", outcome="success").inc()

    # when: the worker is ready
    with override_settings(METRICS_PORT=port, METRICS_ADDR="127.0.0.1"):
        server = metrics.serve_worker_metrics(sender=None)
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    finally:
        server.shutdown()
        server.server_close()

    # then: the process series, not the database gauges (the web's /metrics has those)
    scraped = samples(response.text)
    labels = {"integration": "Worker-side", "outcome": "success"}
    assert value(scraped, "redrive_attempts_total", **labels) >= 1
    assert not [name for name, _ in scraped if name.startswith("redrive_orders")]


def test_no_metrics_port_serves_nothing():
    with override_settings(METRICS_PORT=0):
        assert metrics.serve_worker_metrics(sender=None) is None


def test_breaker_values_cover_every_state():
    assert set(gauges.BREAKER_VALUES) == set(BreakerState.values)
