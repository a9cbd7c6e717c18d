import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.metrics import DATABASE_COLLECTOR
from integrations.models import Delivery
from orders.models import Order
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a text exposition: (name, labels) -> value."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **headers) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    return samples(response.content.decode())


def value(scraped, name: str, **labels) -> float | None:
    return scraped.get((name, frozenset(labels.items())))


@pytest.fixture(autouse=True)
def fresh_database_gauges():
    """Each test reads the database gauges anew (they are cached per process)."""
    DATABASE_COLLECTOR.clear()
    yield
    DATABASE_COLLECTOR.clear()


def queued_delivery(sandbox, **integration_fields) -> Delivery:
    """An executing order with a delivery queued to the sandbox, ready for delivery_send."""
    integration = IntegrationFactory(
        endpoint_url=sandbox.orders_url, timeout_seconds=2, **integration_fields
    )
    order = OrderFactory(
        state=Order.State.EXECUTING, offering=OfferingFactory(integration=integration)
    )
    return Delivery.objects.create(
        order=order, integration=integration, state=Delivery.State.QUEUED, pending_trigger="user"
    )
