"""The API of orders sent to several systems: the failed-orders list names every integration
an order failed at (once per order), the integration filter selects by failed delivery, and a
resubmit by integration counts and sends only the deliveries to it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.models import Delivery, Route
from orders.models import Order
from orders.services import bulk_operation_run
from tests.factories import IntegrationFactory


def failing(world, *, warehouse: str, erp: str) -> Order:
    """An erred order of the managed offering (main integration Acme VMs, and an ERP) with its
    two deliveries in the given states."""
    order = world.order(Order.State.ERRED)
    Delivery.objects.create(order=order, integration=world.managed.integration, state=warehouse)
    Delivery.objects.create(order=order, integration=world.erp, state=erp)
    return order


def with_erp(world):
    world.erp = IntegrationFactory(name="Acme ERP")
    Route.objects.create(offering=world.managed, integration=world.erp, position=1)
    Order.objects.filter(pk=world.orders["managed"].pk).delete()
    failed, done = Delivery.State.FAILED, Delivery.State.SUCCEEDED
    return {
        "erp only": failing(world, warehouse=done, erp=failed),
        "warehouse only": failing(world, warehouse=failed, erp=done),
        "both": failing(world, warehouse=failed, erp=failed),
    }


def numbers(response) -> list[str]:
    return sorted(row["number"] for row in response.json()["results"])


def test_an_order_failing_at_two_integrations_is_listed_once_naming_both(world):
    orders = with_erp(world)
    client = world.client("owner")

    rows = client.get("/api/orders/?state=erred&offering=" + str(world.managed.uuid)).json()

    by_number = {row["number"]: row["failed_integrations"] for row in rows["results"]}
    assert by_number == {
        orders["erp only"].number: ["Acme ERP"],
        orders["warehouse only"].number: ["Acme VMs"],
        orders["both"].number: ["Acme ERP", "Acme VMs"],
    }
    erp = client.get(f"/api/orders/?state=erred&integration={world.erp.pk}")
    assert numbers(erp) == sorted([orders["erp only"].number, orders["both"].number])
    main = client.get("/api/orders/?state=erred&integration=Acme VMs")
    assert numbers(main) == sorted([orders["warehouse only"].number, orders["both"].number])


def test_a_resubmit_by_integration_counts_and_sends_only_the_deliveries_to_it(world):
    # given
    orders = with_erp(world)
    client = world.client("owner")
    body = {"filters": {"integration": "Acme ERP"}}

    # when: a dry run
    preview = client.post("/api/orders/resubmit/", body | {"dry_run": True}, format="json")

    # then: two orders, two deliveries; nothing changed
    assert preview.status_code == 200, preview.json()
    assert (preview.json()["would_resubmit"], preview.json()["would_send_deliveries"]) == (2, 2)
    assert Delivery.objects.filter(state=Delivery.State.QUEUED).count() == 0

    # when: confirmed with its token, and run (as the worker runs it)
    started = client.post(
        "/api/orders/resubmit/", {"preview_token": preview.json()["preview_token"]}, format="json"
    )
    assert started.status_code == 202, started.json()
    done = bulk_operation_run(operation_id=started.json()["id"])

    # then: the ERP's deliveries go again; the order that failed at both stays erred on the
    # warehouse; the warehouse-only order is not touched
    assert done.resubmitted == 2
    states = {
        name: dict(Delivery.objects.filter(order=order).values_list("integration__name", "state"))
        for name, order in orders.items()
    }
    assert states == {
        "erp only": {"Acme VMs": "succeeded", "Acme ERP": "queued"},
        "warehouse only": {"Acme VMs": "failed", "Acme ERP": "succeeded"},
        "both": {"Acme VMs": "failed", "Acme ERP": "queued"},
    }
    order_states = {name: Order.objects.get(pk=o.pk).state for name, o in orders.items()}
    assert order_states == {"erp only": "executing", "warehouse only": "erred", "both": "erred"}


def test_a_dry_run_of_orders_never_sent_counts_a_delivery_per_route(world):
    world.erp = IntegrationFactory(name="Acme ERP")
    Route.objects.create(offering=world.managed, integration=world.erp, position=1)

    response = world.client("owner").post(
        "/api/orders/resubmit/",
        {"uuids": [str(world.orders["managed"].uuid)], "dry_run": True},
        format="json",
    )

    assert response.json()["would_send_deliveries"] == 2


def facets_by_name(body) -> dict[str, int]:
    return {row["name"]: row["count"] for row in body["by_integration"]}


def test_the_facets_count_each_order_at_every_integration_it_failed_at(world):
    # given: three erred orders of the managed offering (at the ERP, the warehouse, both), one
    # erred before it was sent (no delivery) and one in flight to both
    orders = with_erp(world)
    never_sent = world.order(Order.State.ERRED)
    world.order(Order.State.EXECUTING)
    client = world.client("owner")
    scope = {"offering": str(world.managed.uuid)}

    # when
    erred = client.get("/api/orders/facets/", scope | {"state": "erred"}).json()
    everything = client.get("/api/orders/facets/", scope).json()

    # then: each order once in the total, at every integration it failed at; the one never
    # sent at its offering's main integration; the one in flight at both of its routes
    assert erred["total"] == 4
    assert facets_by_name(erred) == {"Acme VMs": 3, "Acme ERP": 2}
    assert everything["total"] == 5
    assert facets_by_name(everything) == {"Acme VMs": 4, "Acme ERP": 3}
    # and: each count is the length of the list its integration filter gives
    for query, body in ((scope | {"state": "erred"}, erred), (scope, everything)):
        for row in body["by_integration"]:
            listed = client.get("/api/orders/", query | {"integration": row["id"]}).json()
            assert len(listed["results"]) == row["count"], (query, row)
    assert never_sent.number in numbers(
        client.get("/api/orders/", {"state": "erred", "integration": "Acme VMs"})
    )
    assert orders["both"].number in numbers(
        client.get("/api/orders/", {"state": "erred", "integration": "Acme ERP"})
    )


def test_the_facets_take_as_many_queries_for_orders_sent_to_several_systems(world):
    with_erp(world)
    client = world.client("owner")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/orders/facets/").status_code == 200
        return len(captured)

    queries()  # the first request of a token also records its use
    few = queries()
    failed, done = Delivery.State.FAILED, Delivery.State.SUCCEEDED
    for _ in range(3):
        failing(world, warehouse=failed, erp=failed)
        failing(world, warehouse=done, erp=failed)
        world.order(Order.State.EXECUTING)
        world.order(Order.State.ERRED, offering=world.unmanaged)
    assert queries() == few


def test_a_dry_run_breaks_down_by_the_integrations_the_orders_failed_at(world):
    with_erp(world)

    response = world.client("owner").post(
        "/api/orders/resubmit/",
        {"filters": {"offering": str(world.managed.uuid)}, "dry_run": True},
        format="json",
    )

    body = response.json()
    assert body["would_resubmit"] == 3
    breakdown = {row["name"]: row["count"] for row in body["breakdown"]["integration"]}
    assert breakdown == {"Acme VMs": 2, "Acme ERP": 2}


def test_an_alert_about_a_system_an_offering_only_routes_to_reaches_its_provider(world):
    # given: the managed offering also sends to an ERP, whose breaker opened (an alert about
    # no order); an organization's contact of Acme, another of the other provider
    from alerts.models import Frequency, Kind
    from alerts.selectors import contacts_for
    from tests.alerts.factories import AlertContactFactory, AlertFactory

    with_erp(world)
    unavailable = AlertFactory(order=None, integration=world.erp, kind=Kind.UNAVAILABLE)
    acme_ops = AlertContactFactory(organization=world.acme)
    AlertContactFactory(organization=world.other_provider)

    # when
    seen = {
        role: [row["id"] for row in world.client(role).get("/api/alerts/").json()["results"]]
        for role in ("owner", "manager", "other_owner")
    }
    integrations = world.client("owner").get("/api/integrations/").json()["results"]

    # then: Acme's people see it and its contact hears of it; the other provider's do not
    assert seen == {"owner": [unavailable.pk], "manager": [unavailable.pk], "other_owner": []}
    assert contacts_for(alert=unavailable, frequencies=[Frequency.IMMEDIATE]) == [acme_ops]
    assert "Acme ERP" in {row["name"] for row in integrations}


def test_a_dry_run_by_filters_counts_the_deliveries_on_the_selection_itself(world):
    # given: three erred orders of an offering with two routes; one of them has its ERP
    # delivery done already, so the dry run counts 3 + 2 deliveries
    world.erp = IntegrationFactory(name="Acme ERP")
    Route.objects.create(offering=world.managed, integration=world.erp, position=1)
    Order.objects.filter(pk=world.orders["managed"].pk).delete()
    sent = world.order(Order.State.ERRED)
    Delivery.objects.create(order=sent, integration=world.erp, state=Delivery.State.SUCCEEDED)
    world.order(Order.State.ERRED)
    world.order(Order.State.ERRED)
    body = {"filters": {"offering": str(world.managed.uuid)}, "dry_run": True}

    # when
    with CaptureQueriesContext(connection) as queries:
        response = world.client("owner").post("/api/orders/resubmit/", body, format="json")

    # then: the count, read off the selected rows, not off the orders joined to themselves
    # by key (one key lookup per order: 6 s at 1,000,000)
    assert response.status_code == 200, response.json()
    assert (response.json()["would_resubmit"], response.json()["would_send_deliveries"]) == (3, 5)
    (counted,) = [
        q["sql"] for q in queries if "integrations_route" in q["sql"] and "NOT EXISTS" in q["sql"]
    ]
    assert '"orders_order"."id" IN (SELECT' not in counted, counted
