"""Where a person or a client starts: `/` leads staff to the console and everyone else to the
provider dashboard (tests/dashboard/test_serving.py), `/api/` lists the API's links,
`/api/docs/` is Swagger UI served from our own static files (no CDN)."""

import re

import httpx
import pytest
from django.contrib import admin
from django.urls import reverse

from tests.api.conftest import assert_error, client_for
from tests.factories import staff_user

LISTS = {
    "orders": "/api/orders/",
    "integrations": "/api/integrations/",
    "organizations": "/api/organizations/",
    "offerings": "/api/offerings/",
    "alerts": "/api/alerts/",
    "tokens": "/api/tokens/",
    "agent_orders": "/api/agent/orders/",
}
ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.mark.django_db
def test_the_site_root_leads_staff_to_the_console_and_view_site_points_there(client):
    client.force_login(staff_user())

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert admin.site.site_url == "/"


@pytest.mark.django_db
def test_the_api_root_links_every_list_the_schema_and_the_docs_for_anyone():
    response = client_for(None).get("/api/")

    assert response.status_code == 200
    links = response.json()
    assert links == {
        **{name: f"http://testserver{path}" for name, path in LISTS.items()},
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
    }


@pytest.mark.django_db
def test_the_lists_the_api_root_links_still_need_authentication():
    anonymous = client_for(None)
    links = anonymous.get("/api/").json()

    for name in LISTS:
        assert anonymous.get(links[name]).status_code == 401, name


@pytest.mark.django_db
def test_the_api_root_refuses_a_query_parameter_it_does_not_read():
    response = client_for(staff_user()).get("/api/", {"page": "2"})

    assert_error(response, 400, "invalid")
    assert "page" in response.json()["details"]


@pytest.mark.django_db
def test_the_api_root_is_in_the_schema():
    schema = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/"]["get"]
    assert "security" not in operation and "security" not in schema  # no authentication
    assert "security" in schema["paths"]["/api/orders/"]["get"]
    links = schema["components"]["schemas"]["ApiRoot"]
    assert set(links["properties"]) == {*LISTS, "schema", "docs"}


@pytest.mark.django_db
def test_swagger_ui_is_served_from_our_static_files_not_a_cdn(live_server):
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        page = http.get("/api/docs/")
        assets = ASSET.findall(page.text)

        assert page.status_code == 200
        assert sorted(asset.rsplit("/", 1)[-1] for asset in assets) == [
            "favicon-32x32.png",
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
            "swagger-ui.css",
        ]
        assert all(
            asset.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/") for asset in assets
        ), assets
        assert "cdn" not in page.text.lower()
        for asset in assets:
            served = http.get(asset)
            assert served.status_code == 200, asset
            assert len(served.content) > 500, asset
