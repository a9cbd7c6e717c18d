"""The console's part of orders that go to several systems: the offering page's routes, and a
delivery's own Retry on the order page (it confirms, then resends only that delivery)."""

import pytest

from integrations.models import Delivery, Route
from orders.models import Order
from tests.admin.conftest import FAILED_ORDERS, messages_of, orders_in_state, post_back
from tests.factories import IntegrationFactory, OfferingFactory

pytestmark = pytest.mark.django_db


def order_page(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def erred_at_two(order) -> tuple[Delivery, Delivery]:
    """``order`` erred, its delivery to its offering's integration succeeded and one to an ERP
    failed."""
    erp = IntegrationFactory(name="ERP")
    Route.objects.create(offering=order.offering, integration=erp, position=1)
    done = Delivery.objects.create(
        order=order, integration=order.offering.integration, state=Delivery.State.SUCCEEDED
    )
    failed = Delivery.objects.create(order=order, integration=erp, state=Delivery.State.FAILED)
    return done, failed


def test_a_delivery_retry_confirms_then_resends_only_that_delivery(client, staff):
    # given
    order = orders_in_state(1)[0]
    done, failed = erred_at_two(order)
    page = client.get(order_page(order)).content.decode()
    assert f'formaction="/admin/integrations/delivery/{failed.pk}/retry/"' in page
    assert f'formaction="/admin/integrations/delivery/{done.pk}/retry/"' not in page

    # when: the Retry button posts the inline action form
    url = f"/admin/integrations/delivery/{failed.pk}/retry/"
    confirmation = client.post(url, {"_redirect": order_page(order)})

    # then: nothing is sent before the confirmation
    assert confirmation.status_code == 200
    text = confirmation.content.decode()
    assert "is sent again to <strong>ERP</strong> only" in text
    assert Delivery.objects.get(pk=failed.pk).state == Delivery.State.FAILED

    # when
    response = client.post(url, post_back(text))

    # then
    assert response.status_code == 302 and response["Location"] == order_page(order)
    states = dict(Delivery.objects.filter(order=order).values_list("pk", "state"))
    assert states == {done.pk: Delivery.State.SUCCEEDED, failed.pk: Delivery.State.QUEUED}
    assert Order.objects.get(pk=order.pk).state == Order.State.EXECUTING
    assert messages_of(response) == [
        f"{order.number}: its delivery to ERP is being sent again (only this one)."
    ]


def test_a_delivery_retry_that_is_refused_says_why_and_changes_nothing(client, staff):
    order = orders_in_state(1)[0]
    done, _ = erred_at_two(order)
    url = f"/admin/integrations/delivery/{done.pk}/retry/"

    response = client.post(url, {"post": "yes", "_redirect": order_page(order)})

    assert response.status_code == 302
    [message] = messages_of(response)
    assert "the delivery is succeeded" in message
    assert client.get(url).status_code == 405


def test_the_offering_page_lists_and_adds_routes(client, staff):
    # given
    offering = OfferingFactory()
    main = Route.objects.get(offering=offering)
    erp = IntegrationFactory(name="ERP")
    page = client.get(f"/admin/orders/offering/{offering.pk}/change/")
    assert "Routes (where each order is sent)" in page.content.decode()

    # when: an optional ERP route after the main one is added
    form = {
        "name": offering.name,
        "provider": offering.provider_id,
        "type": offering.type,
        "integration": offering.integration_id,
        "routes-TOTAL_FORMS": "2",
        "routes-INITIAL_FORMS": "1",
        "routes-0-id": main.pk,
        "routes-0-offering": offering.pk,
        "routes-0-integration": main.integration_id,
        "routes-0-required": "on",
        "routes-0-position": "0",
        "routes-1-offering": offering.pk,
        "routes-1-integration": erp.pk,
        "routes-1-position": "1",
        "routes-1-after": main.pk,
    }
    response = client.post(f"/admin/orders/offering/{offering.pk}/change/", form)

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    added = Route.objects.get(offering=offering, integration=erp)
    assert (added.required, added.after_id) == (False, main.pk)

    # when: the main route is made to wait for the ERP, which waits for it
    form |= {"routes-TOTAL_FORMS": "2", "routes-INITIAL_FORMS": "2", "routes-1-id": added.pk}
    form["routes-0-after"] = added.pk
    response = client.post(f"/admin/orders/offering/{offering.pk}/change/", form)

    # then
    assert response.status_code == 200
    assert "These routes wait for each other in a circle." in response.content.decode()
    assert Route.objects.get(pk=main.pk).after_id is None


def test_the_queue_counts_and_sorts_by_the_integrations_the_orders_failed_at(
    client, staff, django_assert_max_num_queries
):
    # given: one order failed at the ERP only, one at the warehouse (the offering's main
    # integration) only, one at both
    warehouse = IntegrationFactory(name="Warehouse")
    offering = OfferingFactory(integration=warehouse)
    erp_only, warehouse_only, both = orders_in_state(3, offering=offering)
    erp = erred_at_two(erp_only)[1].integration
    Delivery.objects.create(order=warehouse_only, integration=warehouse, state="failed")
    Delivery.objects.create(order=both, integration=warehouse, state="failed")
    Delivery.objects.create(order=both, integration=erp, state="failed")

    # when
    response = client.get(FAILED_ORDERS)

    # then: every order once, each integration counted by its failed deliveries
    counts = response.context["failure_counts"]
    assert counts["total"] == 3
    by_integration = {name: (count, url) for name, count, url in counts["by_integration"]}
    assert {name: count for name, (count, _) in by_integration.items()} == {
        "ERP": 2,
        "Warehouse": 2,
    }
    assert len(response.context["cl"].result_list) == 3
    # and: a count's link lists exactly what it counts
    erp_listed = client.get(FAILED_ORDERS + by_integration["ERP"][1])
    assert {o.number for o in erp_listed.context["cl"].result_list} == {
        erp_only.number,
        both.number,
    }
    # and: the integration column names both where both failed, and sorts by it
    page = response.content.decode()
    assert "ERP, Warehouse" in page
    column = response.context["cl"].list_display.index("integration")
    by_name = client.get(FAILED_ORDERS, {"o": str(column)})
    first, *_, last = [o.number for o in by_name.context["cl"].result_list]
    assert first in {erp_only.number, both.number}
    assert last == warehouse_only.number

    # and: the counts' queries do not grow with the orders
    cl = response.context["cl"]
    with django_assert_max_num_queries(6):
        cl.model_admin.failure_counts(cl)
