"""The same failure on two worker processes at once: one problem, counted right.

Forty orders lacking a postal code, sent by two Celery worker processes in tasks of five, each
task's answers recorded in its own transactions: every failure raises its order's alert and
counts it in the problem of (integration, kind, remote code) from whichever process, at the
same time as the other."""

import pytest

from alerts.models import Alert, Kind, Problem
from integrations.models import Attempt
from tests.integrations.batch_support import resubmitted, states
from tests.integrations.test_incidents import integration_of
from tests.support import start_worker, wait_for

ORDERS = 40
NO_POSTAL_CODE = {"sku": "VM-SMALL", "shipping_address": {"street": "1 Main St"}}


@pytest.mark.django_db(transaction=True)
def test_failures_on_two_worker_processes_at_once_count_in_one_problem(
    sandbox, monkeypatch, tmp_path
):
    # given: every order refused for its missing postal code, answers taking 100 ms, sent in
    # tasks of 5 by two worker processes
    sandbox.set_mode(require_postal_code=True, latency_ms=100)
    integration = integration_of(sandbox)
    monkeypatch.setattr("integrations.services.delivery.TASK_CHUNK", 5)
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    files = [log.open("w") for log in logs]
    workers = [start_worker(f"problems{n}", file) for n, file in enumerate(files)]
    try:
        # when
        deliveries = resubmitted(
            integration, ORDERS, attributes=dict.fromkeys(range(ORDERS), NO_POSTAL_CODE)
        )

        # then: every order erred
        wait_for(lambda: states(deliveries) == ["erred"] * ORDERS, "every order erred", 60)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        for file in files:
            file.close()
    # both processes sent some of them
    ran = [log.read_text().count("succeeded in") for log in logs]
    assert all(ran) and sum(ran) == ORDERS // 5, ran
    # one open problem counting each order once, every order's alert under it
    (code,) = set(
        Attempt.objects.filter(integration=integration).values_list("error_code", flat=True)
    )
    problem = Problem.objects.get(integration=integration)
    assert (problem.status, problem.kind, problem.code) == ("open", Kind.ADDRESS_INVALID, code)
    assert problem.alerts_count == ORDERS
    alerts = Alert.objects.filter(integration=integration)
    assert alerts.count() == ORDERS
    assert set(alerts.values_list("problem_id", "status")) == {(problem.pk, "open")}
    assert alerts.values("order_id").distinct().count() == ORDERS
