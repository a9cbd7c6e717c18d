import pytest
from django.core.management import CommandError, call_command

from orders.models import BulkOperation, Order
from orders.services import bulk_operation_start
from tests.commands.support import run
from tests.factories import OrderFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


def started() -> BulkOperation:
    orders = [OrderFactory(state=Order.State.ERRED) for _ in range(2)]
    return bulk_operation_start(
        actor=staff_user(username="operator"),
        orders=Order.objects.filter(pk__in=[o.pk for o in orders]),
    )


def test_shows_and_cancels_an_operation():
    operation = started()

    shown = run("bulk_operation", str(operation.pk))
    cancelled = run("bulk_operation", str(operation.pk), "--cancel", "--as", "operator")

    assert f"Bulk operation {operation.pk} (Admin): queued" in shown
    assert "0 of 2 processed" in shown
    assert f"Bulk operation {operation.pk} (Admin): cancelled" in cancelled
    operation.refresh_from_db()
    assert operation.state == BulkOperation.State.CANCELLED


def test_another_persons_finished_or_unknown_operation_is_an_error():
    operation = started()
    UserFactory(username="someone")

    with pytest.raises(CommandError, match="among yours"):
        call_command("bulk_operation", str(operation.pk), "--cancel", "--as", "someone")
    call_command("bulk_operation", str(operation.pk), "--cancel", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="cancelled already"):
        call_command("bulk_operation", str(operation.pk), "--cancel")
    with pytest.raises(CommandError, match="No bulk operation 99999"):
        call_command("bulk_operation", "99999")
