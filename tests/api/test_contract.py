"""The API's contract as a whole: every view refuses what it does not read, every read needs a
role, and responses with empty optional values stay true to the schema."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from alerts.models import Alert
from core.api.views import StrictQueryParams, accepted_query_params
from tests.alerts.factories import AlertFactory
from tests.api.conftest import assert_error, client_for, results
from tests.factories import UserFactory

OUR_APPS = ("core.", "orders.", "integrations.", "alerts.")


def api_views():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "view_class"):
                yield prefix + str(pattern.pattern), pattern.callback.view_class

    return [
        (path, view)
        for path, view in walk(get_resolver().url_patterns)
        if view.__module__.startswith(OUR_APPS)
    ]


def test_every_api_view_refuses_query_parameters_it_does_not_read():
    views = api_views()
    assert len(views) > 20
    loose = [path for path, view in views if not issubclass(view, StrictQueryParams)]
    assert not loose


def test_the_query_parameters_accepted_are_exactly_those_documented():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    checked = 0
    for path, view_class in api_views():
        operations = schema["paths"]["/" + _openapi_path(path)]
        for method, operation in operations.items():
            documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            view = view_class()
            view.request = None
            accepted = accepted_query_params(view, method.upper()) - {"format"}
            assert accepted == documented, (method, path)
            checked += 1
    assert checked > 25


def _openapi_path(path: str) -> str:
    import re

    # drf-spectacular names a primary key parameter `id`
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path).replace("{pk}", "{id}")


ROLELESS = ["owner without a role", "staff without a role"]


@pytest.fixture
def roleless(world):
    owner = UserFactory(username="roleless-owner")
    world.acme.owners.add(owner)
    return {
        "owner without a role": owner,
        "staff without a role": UserFactory(username="roleless-staff", is_staff=True),
    }


@pytest.mark.parametrize("who", ROLELESS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/orders/",
        "/api/orders/{order}/",
        "/api/orders/{order}/attempts/",
        "/api/orders/{order}/transitions/",
        "/api/integrations/",
        "/api/integrations/{integration}/",
        "/api/integrations/{integration}/maintenance_windows/",
        "/api/alerts/",
        "/api/organizations/",
        "/api/offerings/",
    ],
)
def test_a_read_needs_a_role_not_only_membership_or_is_staff(world, roleless, who, path):
    order = world.orders["managed"]
    path = path.format(order=order.uuid, integration=world.managed.integration_id)
    body = assert_error(client_for(roleless[who]).get(path), 403, "forbidden")
    assert "no role" in body["message"]


def test_with_the_role_the_same_reads_answer(world):
    client = world.client("owner")
    assert results(client.get("/api/orders/"))
    assert results(client.get("/api/integrations/"))
    order = world.orders["managed"]
    assert client.get(f"/api/orders/{order.uuid}/transitions/").status_code == 200
    assert client.get(f"/api/orders/{order.uuid}/attempts/").status_code == 200


def test_empty_optional_values_are_shown_as_the_schema_says(world):
    order = world.orders["managed"]
    type(order).objects.filter(pk=order.pk).update(customer_email="", failure_kind="")
    AlertFactory(order=order, status=Alert.Status.RESOLVED, resolved_by=None)
    integration = world.managed.integration
    type(integration).objects.filter(pk=integration.pk).update(
        endpoint_url="https://user:secret@example.test/orders"
    )
    client = world.client("staff")

    shown = client.get(f"/api/orders/{order.uuid}/").json()
    assert shown["customer_email"] == "" and shown["failure_kind"] == ""
    alert = results(client.get("/api/alerts/", {"order": order.uuid}))[0]
    assert alert["resolved_by"] is None and alert["dismissed_by"] is None
    url = client.get(f"/api/integrations/{integration.pk}/").json()["endpoint_url"]
    assert url == "https://***@example.test/orders"

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]
    assert schema["schemas"]["Alert"]["properties"]["resolved_by"]["nullable"] is True
    assert "format" not in schema["schemas"]["Order"]["properties"]["customer_email"]
    assert "format" not in schema["schemas"]["Integration"]["properties"]["endpoint_url"]


def test_a_method_the_view_does_not_serve_is_a_405_whatever_the_query(world):
    response = world.client("staff").generic("TRACE", "/api/orders/?cursor=x&bogus=1")
    assert_error(response, 405, "method_not_allowed")


def test_a_single_valued_parameter_given_twice_is_a_400_a_list_filter_may_repeat(world):
    client = world.client("staff")
    body = assert_error(client.get("/api/orders/?page_size=5&page_size=6"), 400, "invalid")
    assert body["details"] == {"page_size": ["Give this parameter once."]}
    assert client.get("/api/orders/?state=erred&state=done").status_code == 200
