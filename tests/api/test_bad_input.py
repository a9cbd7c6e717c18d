"""Each bad input the fuzzing found answers a 4xx in the one error shape, naming the problem,
and changes nothing (issue: every input gets a clear answer)."""

import base64
import json

import pytest
from django.core.management import CommandError, call_command

from integrations.models import Integration
from tests.api.conftest import assert_error

FAR_OFFSET = "2026-01-01T00:00:00+20:00"


@pytest.mark.parametrize(
    "query",
    [
        f"created_after={FAR_OFFSET}",
        "failed_before=2026-01-01T00:00:00-16:30",
        "created_after=vQFW%267%25d",  # found by make fuzz: a % in the value quoted back
    ],
)
def test_an_offset_postgresql_cannot_take_is_a_400_on_the_orders_list(world, query):
    body = assert_error(world.client("staff").get(f"/api/orders/?{query}"), 400, "invalid")
    assert query.split("=")[0] in body["details"]


def test_an_offset_beyond_real_time_zones_is_a_400_naming_the_field_in_bulk_resubmit(world):
    response = world.client("staff").post(
        "/api/orders/resubmit/",
        {"filters": {"failed_after": FAR_OFFSET}, "dry_run": True},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert "failed_after" in json.dumps(body["details"])


def test_an_offset_beyond_real_time_zones_in_a_window_is_a_400(world):
    integration = world.managed.integration
    response = world.client("staff").post(
        f"/api/integrations/{integration.pk}/maintenance_windows/",
        {"starts_at": FAR_OFFSET, "ends_at": "2027-01-01T00:00:00+23:00"},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert "starts_at" in body["details"]
    assert not integration.maintenance_windows.exists()


def test_resubmit_orders_names_a_bad_offset_without_a_traceback(world):
    with pytest.raises(CommandError, match="failed-since"):
        call_command("resubmit_orders", "--failed-since", FAR_OFFSET, "--dry-run")


def test_a_deeply_nested_body_is_a_400(world):
    body = "[" * 100_000 + "]" * 100_000
    response = world.client("staff").post("/api/orders/", body, content_type="application/json")
    body = assert_error(response, 400, "parse_error")
    assert "nested more than 32 levels" in body["message"]


def test_a_body_over_the_upload_limit_is_a_413_in_json(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = world.client("staff").post(
        "/api/orders/", {"customer_name": "x" * 2000}, format="json"
    )
    assert_error(response, 413)


def cursor(position: str) -> str:
    return base64.b64encode(f"o=0&r=0&p={position}".encode()).decode()


@pytest.mark.parametrize(
    "path, value",
    [
        ("/api/orders/", "not-a-cursor"),
        ("/api/orders/", cursor("not a date")),
        ("/api/alerts/", cursor("2026-13-01T00:00:00Z")),
        ("/api/alerts/", "%%%"),
        ("/api/integrations/", cursor("\x00")),
        ("/api/orders/{order}/transitions/", cursor("x")),
        ("/api/orders/{order}/attempts/", cursor("")),
    ],
)
def test_a_bad_cursor_is_a_400_naming_it(world, path, value):
    path = path.format(order=world.orders["managed"].uuid)
    body = assert_error(world.client("staff").get(path, {"cursor": value}), 400, "invalid")
    assert "cursor" in body["details"]


def test_non_utf8_bytes_in_an_agent_header_are_a_401(world):
    response = world.client("anonymous").get(
        "/api/agent/orders/", HTTP_AUTHORIZATION=b"Agent \xff\xfe".decode("latin-1")
    )
    assert_error(response, 401)


def test_a_nul_character_in_a_json_field_is_a_400(world):
    integration = world.managed.integration
    response = world.client("staff").patch(
        f"/api/integrations/{integration.pk}/",
        {"mapping": {"sku": "a\x00b"}},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert "mapping" in body["details"]
    integration.refresh_from_db()
    assert "\x00" not in json.dumps(integration.mapping)


def test_a_form_encoded_body_is_refused_in_json(world):
    integration = world.managed.integration
    response = world.client("staff").patch(
        f"/api/integrations/{integration.pk}/", {"mapping": "null"}, format="multipart"
    )
    assert_error(response, 415)


@pytest.mark.parametrize("query", ["stat=erred", "integraton=1", "state=erred&bogus=1"])
def test_an_unknown_query_parameter_is_a_400_naming_it(world, query):
    body = assert_error(world.client("staff").get(f"/api/orders/?{query}"), 400, "invalid")
    unknown = [pair.split("=")[0] for pair in query.split("&") if pair.split("=")[0] != "state"]
    assert set(unknown) <= set(body["details"]), body


@pytest.mark.parametrize("path", ["/api/orders/", "/api/alerts/"])
def test_an_integer_filter_refuses_a_fraction(world, path):
    body = assert_error(world.client("staff").get(path, {"integration": "1.5"}), 400)
    assert "integration" in body["details"]


def test_endpoint_url_refuses_embedded_credentials(world):
    integration = world.managed.integration
    response = world.client("staff").patch(
        f"/api/integrations/{integration.pk}/",
        {"endpoint_url": "https://user:secret@example.test/orders"},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert "endpoint_url" in body["details"]
    assert "secret" not in Integration.objects.get(pk=integration.pk).endpoint_url


def test_a_nul_character_in_an_order_attribute_is_a_400_naming_where(world):
    from orders.models import Order

    before = Order.objects.count()
    response = world.client("consumer").post(
        "/api/orders/",
        {
            "offering": str(world.managed.uuid),
            "consumer_organization": str(world.globex.uuid),
            "attributes": {"shipping_address": {"street": "1\x00 Main"}},
        },
    )
    body = assert_error(response, 400, "invalid")
    assert "attributes.shipping_address.street" in body["details"]["attributes"][0]
    assert Order.objects.count() == before


def test_a_url_over_4_kb_is_a_414_in_json(world):
    response = world.client("staff").get("/api/orders/", {"search": "x" * 5000})
    body = assert_error(response, 414, "uri_too_long")
    assert "4,096" in body["message"]
    assert world.client("staff").get("/api/orders/", {"search": "x" * 3000}).status_code == 200


def test_a_date_time_without_an_offset_is_utc_and_the_schema_says_so(world):
    from datetime import UTC, datetime

    integration = world.managed.integration
    response = world.client("staff").post(
        f"/api/integrations/{integration.pk}/maintenance_windows/",
        {"starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T14:00:00+02:00"},
    )
    assert response.status_code == 201, response.content
    window = integration.maintenance_windows.get()
    assert window.starts_at == datetime(2030, 1, 1, 10, tzinfo=UTC)
    assert window.ends_at == datetime(2030, 1, 1, 12, tzinfo=UTC)
    schema = world.client("staff").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/orders/"]["get"]["parameters"]
    failed_after = next(p for p in parameters if p["name"] == "failed_after")
    assert "without an offset it is UTC" in failed_after["description"]
