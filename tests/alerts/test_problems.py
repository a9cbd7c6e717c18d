"""Problems and the integration's incident: an outage is one problem, ended with it."""

import pytest
from django.utils import timezone

from alerts.models import Alert, Kind, Problem
from alerts.services import alert_raise
from integrations.models import Incident
from integrations.services import incident_end
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_incident_ending_resolves_its_outage_problem_and_keeps_given_up_orders_open():
    # given: an outage with the breaker's problem and two orders given up during it
    order = OrderFactory(state="erred")
    integration = order.offering.integration
    incident = Incident.objects.create(integration=integration, started_at=timezone.now())
    outage = alert_raise(
        integration=integration,
        kind=Kind.UNAVAILABLE,
        message="Circuit breaker opened: HTTP 503",
        incident_id=incident.pk,
    )
    for each in (order, OrderFactory(state="erred", offering=order.offering)):
        alert_raise(
            integration=integration,
            kind=Kind.RETRY_EXHAUSTED,
            message="gave up. Last error: HTTP 503",
            order=each,
            code="HTTP 503",
            incident_id=incident.pk,
        )

    # when
    incident_end(integration_id=integration.pk, by=Incident.End.ANSWERED)

    # then
    problems = {p.kind: p for p in Problem.objects.all()}
    assert {p.incident_id for p in problems.values()} == {incident.pk}
    assert problems["unavailable"].status == "resolved"
    assert (
        "the outage ended (The remote system answered)" in problems["unavailable"].resolved_reason
    )
    assert Alert.objects.get(pk=outage.pk).status == "resolved"
    assert (problems["retry_exhausted"].status, problems["retry_exhausted"].alerts_count) == (
        "open",
        2,
    )


def test_a_repeat_of_an_open_alert_counts_no_new_order():
    order = OrderFactory(state="erred")
    for message in ("first", "again"):
        alert_raise(
            integration=order.offering.integration,
            kind=Kind.VALIDATION,
            message=message,
            order=order,
            code="E-9",
        )

    problem = Problem.objects.get()
    assert (problem.alerts_count, problem.message, problem.code) == (1, "again", "E-9")
