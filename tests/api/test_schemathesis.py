"""Schemathesis generates requests for every operation of the OpenAPI schema, valid and
invalid, and sends them to the app as staff, a provider owner, an offering manager and a
consumer. Every answer must be true to the schema: no server error, a documented status and
content type, a body that matches the documented one (nullability, enums, formats), and bad
input refused. Derandomized here so CI is reproducible; ``make fuzz`` runs it randomized, with
a time budget, and stateful (``bench/fuzz.py``)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.fuzzing import FUZZ_ROLES, fuzz_world

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


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
def fuzzed(db):
    return fuzz_world()


@pytest.mark.parametrize("role", FUZZ_ROLES)
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_true_to_its_schema(case, role, fuzzed, keep_connection):
    case.call_and_validate(headers=fuzzed[role], checks=CHECKS)
