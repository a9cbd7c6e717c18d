import pytest
from django.core.management.base import CommandError

from integrations.models import Delivery, Route
from orders.management.commands.retry_orders import NOT_ALLOWED, NOT_ERRED
from orders.models import Order, OrderTransition
from tests.commands.support import Terminal, run, states, summary
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory, owner_of

ERRED = Order.State.ERRED
EXECUTING = Order.State.EXECUTING


def test_retries_each_named_order_and_reports_it(two_offerings):
    first, second, untouched = two_offerings.a_orders

    out = run("retry_orders", "--number", first.number, "--number", second.number)

    assert "Acting as the system (no --as given)." in out
    assert f"{first.number} retried" in out
    assert f"{second.number} retried" in out
    assert summary(out) == {"matched": 2, "retried": 2, "skipped": 0}
    assert states([first, second, untouched]) == [EXECUTING, EXECUTING, ERRED]
    retries = OrderTransition.objects.filter(transition="retry")
    assert {(r.actor_id, r.details["trigger"]) for r in retries} == {(None, "user")}
    assert Delivery.objects.filter(order__in=[first, second]).count() == 2


def test_dry_run_changes_nothing(two_offerings):
    out = run("retry_orders", "--offering", "Cloud VM", "--dry-run")

    assert out.count("would be retried") == 3
    assert summary(out)["would retry"] == 3
    assert states(two_offerings.a_orders) == [ERRED] * 3
    assert not OrderTransition.objects.exists()
    assert not Delivery.objects.exists()


def test_as_a_manager_only_their_offerings_orders_are_retried(two_offerings):
    out = run("retry_orders", "--failed-since", "2000-01-01", "--as", "manager_a")

    assert "Acting as manager_a" in out
    assert summary(out) == {"matched": 3, "retried": 3, "skipped": 0}
    assert states(two_offerings.a_orders) == [EXECUTING] * 3
    assert states(two_offerings.b_orders) == [ERRED] * 2
    with pytest.raises(CommandError, match="outside the scope of manager_a"):
        run("retry_orders", "--uuid", str(two_offerings.b_orders[0].uuid), "--as", "manager_a")
    assert states(two_offerings.b_orders) == [ERRED] * 2


def test_the_service_refuses_a_consumer_and_says_why(two_offerings):
    # given: the consumer's owner sees the order but may not retry it (provider side only)
    order = two_offerings.b_orders[0]
    owner_of(order.consumer_organization, username="shop")
    out_of_reach = two_offerings.b_orders[0].number

    # when
    with pytest.raises(CommandError, match="Nothing retried: all 2 matched orders"):
        run("retry_orders", "--offering", "Pallet shipping", "--as", "shop")

    # then
    assert states(two_offerings.b_orders) == [ERRED] * 2
    out = _output_of_failed_run("retry_orders", "--number", out_of_reach, "--as", "shop")
    assert (
        f"{out_of_reach} skipped: You are not allowed to retry order {out_of_reach}: only the "
        "provider side (owners of the offering's organization, the offering's managers, or "
        "staff) may, with the orders.retry_order permission." in out
    )
    assert f"1  {NOT_ALLOWED}" in out


def test_an_order_that_is_not_erred_is_skipped_with_the_reason(two_offerings):
    done = OrderFactory(offering=two_offerings.a, state=Order.State.DONE)
    erred = two_offerings.a_orders[0]

    out = run("retry_orders", "--number", done.number, "--number", erred.number)

    assert f"{done.number} skipped: Cannot retry order {done.number}: it is done" in out
    assert summary(out) == {"matched": 2, "retried": 1, "skipped": 1}
    assert f"{done.number}  {done.uuid}  {NOT_ERRED}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "select orders"),
        (["--integration", "Nowhere Inc"], "Unknown integration 'Nowhere Inc'"),
        (["--failed-until", "soon"], "--failed-until: '.*' is not an ISO 8601 date-time"),
        (["--number", "RD-NOSUCH"], "Unknown orders: RD-NOSUCH"),
        (["--organization", "Umbrella"], "Unknown organization 'Umbrella'"),
        (["--offering", "Cloud VM", "--as", "ghost"], "Unknown user 'ghost'"),
    ],
)
def test_bad_arguments_name_the_problem_and_change_nothing(two_offerings, args, message):
    with pytest.raises(CommandError, match=message):
        run("retry_orders", *args)
    assert states(two_offerings.a_orders) == [ERRED] * 3
    assert not OrderTransition.objects.exists()


def test_output_has_no_control_codes_when_not_a_terminal(two_offerings):
    out = run("retry_orders", "--offering", "Cloud VM")

    assert out.count(" retried\n") == 3
    assert "\r" not in out
    assert "\x1b" not in out


def test_a_bar_is_drawn_on_a_terminal(two_offerings):
    terminal = Terminal()

    run("retry_orders", "--offering", "Cloud VM", stdout=terminal)

    assert "\r" in terminal.getvalue()
    assert terminal.getvalue().count(" retried\n") == 3


def _output_of_failed_run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        run(*args, stdout=out)
    return out.getvalue()


def test_with_an_integration_only_the_delivery_to_it_is_sent_again(db):
    # given: an order sent to a warehouse (accepted) and an ERP (refused)

    offering = OfferingFactory(integration=IntegrationFactory(name="Warehouse"))
    erp = IntegrationFactory(name="ERP")
    Route.objects.create(offering=offering, integration=erp, position=1)
    order = OrderFactory(state=ERRED, offering=offering)
    warehouse = Delivery.objects.create(
        order=order, integration=offering.integration, state=Delivery.State.SUCCEEDED
    )
    refused = Delivery.objects.create(order=order, integration=erp, state=Delivery.State.FAILED)

    # when
    out = run("retry_orders", "--number", order.number, "--integration", "ERP")

    # then
    assert f"{order.number} retried" in out
    assert states([order]) == [EXECUTING]
    assert Delivery.objects.get(pk=warehouse.pk).state == Delivery.State.SUCCEEDED
    assert Delivery.objects.get(pk=refused.pk).state == Delivery.State.QUEUED
