"""Schemathesis generates requests for every operation of the OpenAPI schema, valid and
invalid, and sends them to the app as staff: none may answer with a server error."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from tests.factories import OfferingFactory, OrderFactory, staff_user

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """Django's WSGI handler closes the database connection after each request; the test's
    transaction lives on that connection (Django's own test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(db):
    OrderFactory(state="erred", offering=OfferingFactory())
    token, _ = Token.objects.get_or_create(user=staff_user(username="fuzzer"))
    return {"Authorization": f"Token {token.key}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_operation_answers_a_server_error(case, staff_headers, keep_connection):
    response = case.call(headers=staff_headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
