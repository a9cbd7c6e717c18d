"""The problems API by role: problems first, each counted over the caller's own orders, the
orders inside by ?problem= on the alerts list."""

import pytest

from alerts.models import Kind
from alerts.services import alert_raise
from tests.alerts.conftest import ROLES, assert_error
from tests.factories import OfferingFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def problems(world):
    """Problem "vms" at Acme VMs: an Acme order and one of Other provider's offering that
    sends there too; problem "other" at Other's integration."""
    vms = world.offerings["managed"].integration
    shared = OfferingFactory(provider=world.offerings["foreign"].provider, integration=vms)

    def fail(order, integration, code="E-ADDR"):
        return alert_raise(
            integration=integration,
            kind=Kind.ADDRESS_INVALID,
            message="postal_code is required",
            order=order,
            code=code,
        )

    acme_order = OrderFactory(state="erred", offering=world.offerings["managed"])
    a = fail(acme_order, vms)
    fail(OrderFactory(state="erred", offering=shared), vms)
    foreign_order = OrderFactory(state="erred", offering=world.offerings["foreign"])
    b = fail(foreign_order, world.offerings["foreign"].integration)
    return {"vms": a.problem_id, "other": b.problem_id, "acme_order": acme_order}


EXPECTED = {
    "staff": {"vms": 2, "other": 1},
    "owner": {"vms": 1},
    "manager": {"vms": 1},
    "other_owner": {"vms": 1, "other": 1},
    "consumer": {},
}


@pytest.mark.parametrize("role", ROLES)
def test_list_counts_each_problem_over_the_callers_orders(world, problems, role):
    response = world.client(role).get("/api/problems/")

    if role == "anonymous":
        assert_error(response, 401)
        return
    assert response.status_code == 200, response.content
    names = {pk: name for name, pk in problems.items() if name != "acme_order"}
    seen = {names[row["id"]]: row["orders"] for row in response.json()["results"]}
    assert seen == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_detail_lists_the_latest_orders_in_scope_and_404_outside(world, problems, role):
    response = world.client(role).get(f"/api/problems/{problems['vms']}/")

    if role == "anonymous":
        assert_error(response, 401)
        return
    if "vms" not in EXPECTED[role]:
        assert_error(response, 404)
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["code"], body["orders"], body["open_orders"]) == (
        "address_invalid",
        "E-ADDR",
        EXPECTED[role]["vms"],
        EXPECTED[role]["vms"],
    )
    assert len(body["latest"]) == EXPECTED[role]["vms"]
    assert body["alerts_url"].endswith(f"/api/alerts/?problem={problems['vms']}")


def test_the_orders_inside_are_the_alerts_list_filtered_by_problem(world, problems):
    response = world.client("owner").get(f"/api/alerts/?problem={problems['vms']}")

    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["order"]["number"] for row in rows] == [problems["acme_order"].number]
    assert rows[0]["problem"] == problems["vms"]


def test_filters_and_a_bad_one(world, problems):
    staff = world.client("staff")
    other = world.offerings["foreign"].integration

    by_integration = staff.get(f"/api/problems/?integration={other.pk}&status=open").json()
    by_code = staff.get("/api/problems/?code=E-NONE").json()

    assert [row["id"] for row in by_integration["results"]] == [problems["other"]]
    assert by_code["results"] == []
    assert "stauts" in str(assert_error(staff.get("/api/problems/?stauts=open"), 400))
