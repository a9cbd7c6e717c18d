import os
import subprocess
import sys
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.test import override_settings

from integrations.models import Delivery, Route
from orders.models import Order, OrderTransition
from orders.services import NOT_ERRED
from tests.commands.support import Terminal, erred_orders, run, states, summary
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory, UserFactory, owner_of

ERRED = Order.State.ERRED
EXECUTING = Order.State.EXECUTING


def test_resubmits_the_selected_erred_orders_as_the_system(two_offerings):
    # given: a done order of the same offering, which a filter selection does not match
    OrderFactory(offering=two_offerings.a, state=Order.State.DONE)

    # when
    out = run("resubmit_orders", "--offering", str(two_offerings.a.uuid))

    # then
    assert "Acting as the system (no --as given)." in out
    assert summary(out) == {"matched": 3, "resubmitted": 3, "skipped": 0}
    assert states(two_offerings.a_orders) == [EXECUTING] * 3
    assert states(two_offerings.b_orders) == [ERRED] * 2
    retries = OrderTransition.objects.filter(transition="retry")
    assert {(r.actor_id, r.details["trigger"]) for r in retries} == {(None, "bulk")}
    assert Delivery.objects.filter(order__in=two_offerings.a_orders).count() == 3


def test_selects_by_integration_name_or_id_and_kind(two_offerings):
    integration = two_offerings.b.integration
    Order.objects.filter(pk=two_offerings.b_orders[0].pk).update(failure_kind="action_required")

    out = run("resubmit_orders", "--integration", integration.name, "--kind", "transient")

    assert summary(out)["resubmitted"] == 1
    assert states(two_offerings.b_orders) == [ERRED, EXECUTING]
    out = run("resubmit_orders", "--integration", str(integration.pk))
    assert states(two_offerings.b_orders) == [EXECUTING, EXECUTING]


def test_dry_run_changes_nothing(two_offerings):
    out = run("resubmit_orders", "--offering", "Cloud VM", "--dry-run")

    assert summary(out)["would resubmit"] == 3
    assert out.rstrip().endswith("Dry run: nothing was changed.")
    assert states(two_offerings.a_orders) == [ERRED] * 3
    assert not OrderTransition.objects.exists()
    assert not Delivery.objects.exists()


def test_as_a_manager_only_their_offerings_orders_are_matched(two_offerings):
    # when: a window that covers both offerings' failures
    out = run("resubmit_orders", "--failed-since", "2000-01-01", "--as", "manager_a")

    # then
    assert "Acting as manager_a" in out
    assert summary(out)["matched"] == 3
    assert states(two_offerings.a_orders) == [EXECUTING] * 3
    assert states(two_offerings.b_orders) == [ERRED] * 2
    assert set(OrderTransition.objects.values_list("actor__username", flat=True)) == {"manager_a"}


def test_as_a_manager_another_offerings_orders_are_not_visible(two_offerings):
    with pytest.raises(CommandError, match="No orders matched"):
        run("resubmit_orders", "--offering", "Pallet shipping", "--as", "manager_a")
    number = two_offerings.b_orders[0].number
    with pytest.raises(CommandError, match=f"outside the scope of manager_a: {number}"):
        run("resubmit_orders", "--number", number, "--as", "manager_a")
    assert states(two_offerings.b_orders) == [ERRED] * 2
    assert not OrderTransition.objects.exists()


def test_a_user_without_the_permission_is_refused(two_offerings):
    # given: the owner of the organization that placed B's orders sees them (consumer side)
    owner_of(two_offerings.b_orders[0].consumer_organization, username="shop")
    UserFactory(username="nobody")

    with pytest.raises(CommandError, match="No orders matched"):
        run("resubmit_orders", "--offering", "Pallet shipping", "--as", "nobody")
    with pytest.raises(CommandError, match="Nothing resubmitted: all 2 matched orders"):
        run("resubmit_orders", "--offering", "Pallet shipping", "--as", "shop")
    assert states(two_offerings.b_orders) == [ERRED] * 2


def test_named_orders_in_any_state_are_matched_and_skips_are_explained(two_offerings):
    done = OrderFactory(offering=two_offerings.a, state=Order.State.DONE)
    erred = two_offerings.a_orders[0]

    out = run("resubmit_orders", "--number", done.number.lower(), "--uuid", str(erred.uuid))

    assert summary(out)["matched"] == 2
    assert summary(out)["resubmitted"] == 1
    assert f"1  {NOT_ERRED}" in out
    assert f"{done.number}  {done.uuid}  {NOT_ERRED}" in out
    assert states([erred]) == [EXECUTING]


def test_nothing_resubmitted_is_an_error(two_offerings):
    done = OrderFactory(offering=two_offerings.a, state=Order.State.DONE)
    out = StringIO()

    with pytest.raises(CommandError, match="Nothing resubmitted: all 1 matched orders"):
        run("resubmit_orders", "--number", done.number, stdout=out)

    assert summary(out.getvalue())["skipped"] == 1


def test_a_date_alone_is_midnight_utc(two_offerings):
    # given: in New York, midnight is 05:00 UTC
    before, after = two_offerings.a_orders[:2]
    Order.objects.filter(pk=before.pk).update(erred_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC))
    Order.objects.filter(pk=after.pk).update(erred_at=datetime(2026, 1, 2, 3, 0, tzinfo=UTC))

    with override_settings(TIME_ZONE="America/New_York"):
        out = run(
            "resubmit_orders",
            "--failed-since",
            "2026-01-02",
            "--failed-until",
            "2026-01-02T04:00",
            "--dry-run",
        )

    assert summary(out)["matched"] == 1


BAD_ARGUMENTS = [
    ([], "select orders: give --uuid or --number"),
    (["--dry-run", "--as", "staff"], "select orders"),
    (["--failed-since", "yesterday"], "--failed-since: '.*' is not an ISO 8601 date-time"),
    (["--failed-since", "2026-13-01"], "--failed-since: '.*' is not an ISO 8601 date-time"),
    (
        ["--failed-since", "2026-11-02", "--failed-until", "2026-11-01"],
        "--failed-until must be later than --failed-since",
    ),
    (["--integration", "Nowhere Inc"], "Unknown integration 'Nowhere Inc'"),
    (["--integration", "999999"], "Unknown integration '999999'"),
    (["--offering", "Moon base"], "Unknown offering 'Moon base'"),
    (["--offering", "00000000-0000-0000-0000-000000000000"], "Unknown offering"),
    (["--organization", "Umbrella"], "Unknown organization 'Umbrella'"),
    (["--uuid", "not-a-uuid"], "--uuid 'not-a-uuid' is not a UUID"),
    (["--uuid", "00000000-0000-0000-0000-000000000000"], "Unknown orders: 00000000-0000"),
    (["--number", "RD-NOSUCH"], "Unknown orders: RD-NOSUCH"),
    (["--kind", "bored"], "argument --kind: invalid choice: 'bored'"),
    (["--offering", "Cloud VM", "--as", "ghost"], "Unknown user 'ghost'"),
    (["--offering", "Cloud VM", "--batch-size", "0"], "--batch-size must be 1 or more"),
    (["--offering", "Cloud VM", "--show-skipped", "-1"], "--show-skipped must be 0 or more"),
]


@pytest.mark.parametrize(("args", "message"), BAD_ARGUMENTS)
def test_bad_arguments_name_the_problem_and_change_nothing(two_offerings, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("resubmit_orders", *args)

    assert states(two_offerings.a_orders + two_offerings.b_orders) == [ERRED] * 5
    assert not OrderTransition.objects.exists()


def test_an_offering_name_used_by_two_providers_asks_for_the_uuid(two_offerings):
    OfferingFactory(name="Cloud VM")
    with pytest.raises(CommandError, match="Offering name 'Cloud VM' is used by 2 providers"):
        run("resubmit_orders", "--offering", "Cloud VM")


def test_progress_is_plain_lines_when_not_a_terminal(db):
    erred_orders(OfferingFactory(), 4)

    out = run("resubmit_orders", "--failed-since", "2000-01-01", "--batch-size", "2")

    assert "resubmitting: 2/4 orders" in out
    assert "resubmitting: 4/4 orders" in out
    assert "\r" not in out
    assert "\x1b" not in out


def test_progress_is_a_bar_on_a_terminal(db):
    erred_orders(OfferingFactory(), 4)
    terminal = Terminal()

    run("resubmit_orders", "--failed-since", "2000-01-01", "--batch-size", "2", stdout=terminal)

    out = terminal.getvalue()
    assert "\r" in out
    assert "resubmitting: 2/4" not in out
    assert summary(out)["resubmitted"] == 4


def test_exit_status_from_the_shell():
    """A real ``manage.py`` run: a missing selection fails before touching any database."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}

    done = subprocess.run(
        [sys.executable, "manage.py", "resubmit_orders", "--dry-run"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert "CommandError: select orders: give --uuid or --number" in done.stderr
    assert done.stdout == ""


def test_a_dry_run_by_integration_counts_the_deliveries_to_it(db):

    offering = OfferingFactory(integration=IntegrationFactory(name="Warehouse"))
    erp = IntegrationFactory(name="ERP")
    Route.objects.create(offering=offering, integration=erp, position=1)
    for _ in range(2):
        order = OrderFactory(state=Order.State.ERRED, offering=offering)
        Delivery.objects.create(order=order, integration=erp, state=Delivery.State.FAILED)
        Delivery.objects.create(
            order=order, integration=offering.integration, state=Delivery.State.FAILED
        )

    out = run("resubmit_orders", "--integration", "ERP", "--dry-run")

    assert "deliveries they would send: 2 (only failed ones, to that integration;" in out
