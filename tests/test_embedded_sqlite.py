"""The embedded default (``make run``): the delivery pipeline's set-based statements on SQLite,
in a process of its own against a fresh SQLite file, sending to the sandbox over real HTTP."""

from integrations.models import Attempt
from tests.support import run_on_fresh_sqlite

SCRIPT = """
import json, os
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from integrations import services
from integrations.models import Attempt, Delivery, Integration
from orders import services as order_services
from orders.models import Offering, Order, OrderTransition, Organization, Resource
from alerts.models import Problem

provider = Organization.objects.create(name="Provider")
consumer = Organization.objects.create(name="Consumer")
integration = Integration.objects.create(name="Sandbox", endpoint_url=os.environ["SANDBOX_URL"])
offering = Offering.objects.create(
    name="Widgets", provider=provider, type="remote", integration=integration
)
for address in ({"postal_code": "10115"}, {}, {"postal_code": "75001"}):
    resource = Resource.objects.create(name="r", offering=offering, organization=consumer)
    Order.objects.create(
        offering=offering,
        consumer_organization=consumer,
        resource=resource,
        state="erred",
        attributes={"shipping_address": address},
    )
result = order_services.orders_resubmit(orders=Order.objects.all(), actor=None)
made = services.deliveries_send(
    delivery_ids=list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
)
print(json.dumps({
    "resubmitted": result.resubmitted,
    "states": list(Order.objects.order_by("pk").values_list("state", flat=True)),
    "outcomes": [attempt.outcome for attempt in made],
    "succeeded": list(
        OrderTransition.objects.filter(transition="succeed").values_list("details", flat=True)
    ),
    "resources": list(Resource.objects.order_by("pk").values_list("state", flat=True)),
    "deliveries": list(
        Delivery.objects.order_by("pk").values_list("state", "attempt_count", "external_id")
    ),
    "problems": list(Problem.objects.values_list("kind", "alerts_count", "status")),
}))
"""


def test_the_pipeline_runs_on_sqlite(sandbox, tmp_path):
    # given: a sandbox that requires a postal code (the second order has none)
    sandbox.set_mode(require_postal_code=True)

    # when
    found = run_on_fresh_sqlite(SCRIPT, tmp_path, SANDBOX_URL=sandbox.orders_url)

    # then
    assert found["resubmitted"] == 3
    assert found["states"] == ["done", "erred", "done"]
    assert found["outcomes"] == [
        Attempt.Outcome.SUCCESS,
        Attempt.Outcome.ACTION_REQUIRED,
        Attempt.Outcome.SUCCESS,
    ]
    assert [d["decision"] for d in found["succeeded"]] == ["done", "done"]
    assert found["resources"] == ["ok", "erred", "ok"]
    accepted = {entry["id"] for entry in sandbox.accepted().values()}
    assert [state for state, _, _ in found["deliveries"]] == ["succeeded", "failed", "succeeded"]
    assert {external for _, _, external in found["deliveries"]} - {""} == accepted
    assert [count for _, count, _ in found["deliveries"]] == [1, 1, 1]
    # the failure's alert is counted in its problem (the upsert is portable SQL)
    assert [(count, status) for _, count, status in found["problems"]] == [(1, "open")]
