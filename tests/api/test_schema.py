"""The OpenAPI schema: it validates without a warning, names every route and its errors, and
every operation it describes answers malformed input without a server error."""

import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from integrations.models import MaintenanceWindow
from orders.filters import OrderFilter
from tests.api.conftest import client_for

ERROR_REF = "#/components/schemas/Error"
DASHBOARD_PATHS = ("/api/orders/", "/api/integrations/", "/api/offerings/", "/api/organizations/")


def api_routes() -> set[str]:
    """Every route under /api/ in OpenAPI form (``/api/orders/{uuid}/``)."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")

    return {route for route in walk(get_resolver().url_patterns, "") if route.startswith("/api/")}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO()
    )

    assert target.read_text().startswith("openapi: 3.0.3")


def test_every_route_is_in_the_schema_with_its_errors(schema):
    documented = set(schema["paths"])

    assert api_routes() - {"/api/docs/"} <= documented
    for path, operations in schema["paths"].items():
        if not path.startswith(DASHBOARD_PATHS):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == ERROR_REF, (method, path, status)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method in ("post", "patch") and "requestBody" in operation:
                assert "400" in responses, (method, path)


def test_the_list_documents_every_filter(schema):
    names = {p["name"] for p in schema["paths"]["/api/orders/"]["get"]["parameters"]}

    assert names >= {
        "state",
        "type",
        "offering",
        "integration",
        "organization",
        "created_after",
        "created_before",
        "failed_after",
        "failed_before",
        "failure_kind",
        "retry_scheduled",
        "search",
        "ordering",
        "cursor",
        "page_size",
    }


GARBAGE = [
    "garbage",
    "",
    -1,
    0,
    2**63,
    1e308,
    True,
    None,
    [],
    {},
    ["x"],
    {"a": "\x00"},
    "\x00",
    "9999-12-31T23:59:59Z",
    "-999999999 00:00:00",
]
QUERY_GARBAGE = ["garbage", "", "-1", "99999999999999999999", "2030-13-45T99:00", "x" * 300]


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def request_properties(schema, operation) -> list[str]:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not body:
        return []
    return list(resolve(schema, body["schema"]).get("properties", {}))


def fill(path: str, world, window) -> list[str]:
    integration = world.managed.integration_id
    known = {
        "uuid": str(world.orders["managed"].uuid),
        "id": str(window.pk if "maintenance_windows" in path else integration),
        "integration_id": str(integration),
        "result": "done",
    }
    if "offerings/{uuid}" in path:
        known["uuid"] = str(world.managed.uuid)
    if "organizations/{uuid}" in path:
        known["uuid"] = str(world.acme.uuid)
    unknown = {"uuid": str(uuid.uuid4()), "id": "999999", "integration_id": "999999"}
    unknown["result"] = "maybe"
    return [path.format(**values) for values in (known, unknown)]


def base_bodies(world) -> dict[tuple[str, str], dict]:
    """A valid body for the writes whose deeper checks only run past the first fields."""
    now = timezone.now()
    return {
        ("post", "/api/orders/"): {
            "offering": str(world.managed.uuid),
            "consumer_organization": str(world.globex.uuid),
        },
        ("post", "/api/orders/resubmit/"): {"filters": {"state": "erred"}, "dry_run": True},
        ("post", "/api/orders/{uuid}/reject/"): {"reason": "Out of stock"},
        ("post", "/api/integrations/"): {"name": "Fuzzed", "backend": "site_agent"},
        ("post", "/api/integrations/{integration_id}/maintenance_windows/"): {
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=1)).isoformat(),
        },
    }


def test_no_operation_answers_malformed_input_with_a_server_error(schema, world):
    # given: every operation of the schema; staff reach every check, an owner the scoped ones
    window = MaintenanceWindow.objects.create(
        integration=world.managed.integration,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    staff, owner = client_for(world.users["staff"]), client_for(world.users["owner"])
    for client in (staff, owner):
        client.raise_request_exception = False
    bases = base_bodies(world)
    failures, statuses = [], set()

    def call(client, method, url, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append((method, url, kwargs, response.status_code))

    # when
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "delete":
                continue
            known, unknown = fill(path, world, window)
            for param in operation.get("parameters", []):
                if param["in"] == "query":
                    for value in QUERY_GARBAGE:
                        call(staff, "get", known, data={param["name"]: value})
            for url in (known, unknown):
                for client in (staff, owner):
                    if method == "get":
                        call(client, "get", url)
                    else:
                        for body in [{}, [], "text", {"unknown": 1}]:
                            call(client, method, url, data=body, format="json")
            if method == "get":
                continue
            base = bases.get((method, path), {})
            for name in request_properties(schema, operation):
                for value in GARBAGE:
                    call(staff, method, known, data={**base, name: value}, format="json")
            if path == "/api/orders/resubmit/":
                for name in OrderFilter.base_filters:
                    for value in GARBAGE:
                        body = {"filters": {name: value}, "dry_run": True}
                        call(staff, method, known, data=body, format="json")

    # then: no server error, and the calls got past authentication to every kind of answer
    assert failures == []
    assert statuses >= {200, 201, 400, 403, 404, 409}
