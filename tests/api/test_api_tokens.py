"""My API tokens: kept as digests, made, listed and revoked by their owner, with expiry."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from tests.api.conftest import assert_error, results


def keyed(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_person_makes_a_named_key_that_works_and_is_stored_only_as_a_digest(world):
    # given
    owner = world.client("owner")

    # when
    response = owner.post("/api/tokens/", {"name": "shop sync"})

    # then: the key is shown once, works, and appears nowhere in the database
    assert response.status_code == 201, response.content
    made = response.json()
    key = made["key"]
    assert made["name"] == "shop sync" and key.startswith(made["prefix"])
    assert keyed(key).get("/api/orders/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, prefix, digest FROM core_apitoken")
        assert all(key not in " ".join(row) for row in cursor.fetchall())
    listed = results(owner.get("/api/tokens/"))
    assert "shop sync" in {t["name"] for t in listed}
    assert all("key" not in t for t in listed)
    assert ApiToken.objects.get(pk=made["id"]).last_used_at is not None


def test_revoking_a_key_stops_it_and_only_the_owner_sees_or_revokes_it(world):
    made = world.client("owner").post("/api/tokens/", {"name": "old laptop"}).json()

    assert_error(world.client("manager").get(f"/api/tokens/{made['id']}/"), 404)
    assert_error(world.client("staff").delete(f"/api/tokens/{made['id']}/"), 404)
    assert made["name"] not in {
        t["name"] for t in results(world.client("staff").get("/api/tokens/"))
    }

    assert world.client("owner").delete(f"/api/tokens/{made['id']}/").status_code == 204
    body = assert_error(keyed(made["key"]).get("/api/orders/"), 401, "authentication_failed")
    assert "revoked" in body["message"]


def test_an_expired_key_is_refused_naming_when_it_expired(world):
    soon = timezone.now() + timedelta(hours=1)
    made = (
        world.client("owner")
        .post("/api/tokens/", {"name": "one hour", "expires_at": soon.isoformat()})
        .json()
    )
    assert keyed(made["key"]).get("/api/orders/").status_code == 200

    with time_machine.travel(soon + timedelta(seconds=1)):
        body = assert_error(keyed(made["key"]).get("/api/orders/"), 401, "authentication_failed")
    assert "one hour" in body["message"] and "expired" in body["message"]


def test_bad_token_requests_name_the_field(world):
    owner = world.client("owner")
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    before = ApiToken.objects.count()

    assert "name" in assert_error(owner.post("/api/tokens/", {"name": "  "}), 400)["details"]
    body = assert_error(owner.post("/api/tokens/", {"name": "x", "expires_at": past}), 400)
    assert "expires_at" in body["details"]
    assert "name" in assert_error(owner.post("/api/tokens/", {"name": 5}), 400)["details"]
    assert ApiToken.objects.count() == before
    assert_error(APIClient().get("/api/tokens/"), 401)


def test_a_user_without_a_role_still_manages_their_own_keys(world):
    from tests.api.conftest import client_for
    from tests.factories import UserFactory

    client = client_for(UserFactory(username="no-role"))
    assert client.post("/api/tokens/", {"name": "mine"}).status_code == 201
    assert_error(client.get("/api/orders/"), 403, "forbidden")
