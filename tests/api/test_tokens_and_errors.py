"""Issuing API tokens, and the one error shape for 400, 401, 403, 404 and 409."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import ApiToken
from orders.models import Order
from tests.api.conftest import assert_error
from tests.factories import UserFactory


def issue(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_issue_api_token_prints_a_working_key_and_reset_replaces_it(world):
    # given
    key = issue("--user", "owner")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/orders/").status_code == 200

    # when / then: a second key beside it; --reset revokes both and the old ones stop working
    second = issue("--user", "owner", "--name", "nightly export")
    assert second != key
    assert ApiToken.objects.filter(user__username="owner").count() == 2
    new_key = issue("--user", "owner", "--reset")
    assert new_key not in (key, second)
    only = ApiToken.objects.get(user__username="owner")
    assert only.digest == ApiToken.digest_of(new_key) and new_key not in str(vars(only))
    assert_error(client.get("/api/orders/"), 401, "authentication_failed")


def test_issue_api_token_names_an_unknown_or_inactive_user(world):
    with pytest.raises(CommandError, match="Unknown user 'nobody'"):
        issue("--user", "nobody")
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="'gone' is inactive"):
        issue("--user", "gone")
    with pytest.raises(CommandError, match="--user"):
        issue()
    with pytest.raises(CommandError, match="--expires-days must be at least 1"):
        issue("--user", "owner", "--expires-days", "0")
    assert not ApiToken.objects.filter(user__username__in=["gone", "nobody"]).exists()


def test_401_without_or_with_a_bad_token(world):
    order = world.orders["managed"]
    anonymous = APIClient()
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    body = assert_error(anonymous.post(f"/api/orders/{order.uuid}/retry/"), 401)
    assert body == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "details": {},
    }
    assert anonymous.get("/api/orders/")["WWW-Authenticate"] == "Token"
    assert_error(wrong.get("/api/orders/"), 401, "authentication_failed")
    order.refresh_from_db()
    assert order.state == Order.State.ERRED


def test_400_403_404_409_share_the_shape(world):
    owner, consumer = world.client("owner"), world.client("consumer")
    order = world.orders["managed"]

    invalid = assert_error(owner.get("/api/orders/?state=lost"), 400, "invalid")
    assert "state" in invalid["details"]
    forbidden = assert_error(consumer.post(f"/api/orders/{order.uuid}/retry/"), 403, "forbidden")
    assert order.number in forbidden["message"]
    foreign = world.orders["foreign"]
    assert_error(owner.post(f"/api/orders/{foreign.uuid}/retry/"), 404, "not_found")
    assert_error(owner.get("/api/orders/?cursor=not-a-cursor"), 400, "invalid")
    assert owner.post(f"/api/orders/{order.uuid}/retry/").status_code == 200
    conflict = assert_error(owner.post(f"/api/orders/{order.uuid}/retry/"), 409, "conflict")
    assert conflict["details"]["state"] == "executing"
    malformed = owner.post(
        f"/api/orders/{order.uuid}/reject/", "{not json", content_type="application/json"
    )
    assert_error(malformed, 400, "parse_error")
