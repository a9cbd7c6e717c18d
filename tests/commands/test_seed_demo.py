import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Count

from integrations.models import Attempt, Delivery, Integration
from orders.models import Offering, Order, OrderTransition
from tests.commands.support import run

S = Order.State


@pytest.fixture
def seeded(db):
    return run("seed_demo", "--orders", "400", "--password", "demo-pass", "--seed", "3")


def test_orders_in_every_state(seeded):
    by_state = dict(Order.objects.values_list("state").annotate(n=Count("pk")).order_by())

    assert set(by_state) == set(S.values)
    assert sum(by_state.values()) == 400
    assert "Demo data ready: 400 new orders in" in seeded
    assert f"{by_state[S.ERRED]} erred" in seeded


def test_erred_orders_carry_their_failure_history(seeded):
    erred = Order.objects.filter(state=S.ERRED).exclude(offering__type=Offering.Type.BASIC)

    assert erred.exists()
    assert not erred.filter(failure_kind="").exists()
    assert not erred.exclude(deliveries__state=Delivery.State.FAILED).exists()
    assert not erred.filter(attempts__isnull=True).exists()
    attempts = Attempt.objects.filter(order__state=S.ERRED)
    assert not attempts.filter(outcome=Attempt.Outcome.SUCCESS).exists()
    assert set(attempts.values_list("outcome", flat=True)) == {"transient", "action_required"}
    assert {"automatic", "user"} <= set(attempts.values_list("trigger", flat=True))
    assert attempts.filter(remote_status=422, error_code="address_invalid").exists()
    assert attempts.exclude(traceback="").exists()
    assert attempts.filter(order__attempts__number=2).exists()
    transient = erred.filter(failure_kind="transient")
    assert not transient.filter(next_retry_at__isnull=True).exists()
    for order in erred[:20]:
        last = order.attempts.order_by("-number").first()
        assert order.error_message.endswith(last.message)
        assert order.transitions.filter(transition="fail").count() == order.attempts.count()


def test_done_orders_have_one_successful_delivery(seeded):
    done = Order.objects.filter(state=S.DONE).exclude(offering__type=Offering.Type.BASIC)

    assert done.exists()
    assert not done.exclude(deliveries__state=Delivery.State.SUCCEEDED).exists()
    successes = dict(
        done.filter(attempts__outcome=Attempt.Outcome.SUCCESS)
        .values_list("pk")
        .annotate(n=Count("attempts"))
        .order_by()
    )
    assert len(successes) == done.count()
    assert set(successes.values()) == {1}


def test_users_in_every_role_with_printed_logins(seeded):
    User = get_user_model()

    for username in ("admin", "staff", "owner", "manager", "shop"):
        assert f"  {username} " in seeded
        assert User.objects.get(username=username).check_password("demo-pass")
    assert "password for all: demo-pass" in seeded
    assert set(User.objects.get(username="manager").groups.values_list("name", flat=True)) == {
        "Offering managers"
    }


def test_a_second_run_adds_no_orders(seeded):
    counts = (Order.objects.count(), Attempt.objects.count(), OrderTransition.objects.count())

    again = run("seed_demo", "--orders", "400", "--password", "new-pass")

    assert "Demo data ready: 0 new orders" in again
    assert (
        Order.objects.count(),
        Attempt.objects.count(),
        OrderTransition.objects.count(),
    ) == counts
    assert Integration.objects.count() == 2
    assert get_user_model().objects.get(username="admin").check_password("new-pass")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--orders", "-1"], "--orders must be 0 or more, got -1"),
        (["--sandbox-url", "localhost:8765"], "--sandbox-url 'localhost:8765' is not an http"),
        (["--password", " "], "--password must not be empty"),
        (["--orders", "many"], "argument --orders: invalid int value: 'many'"),
    ],
)
def test_bad_arguments_name_the_problem_and_change_nothing(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("seed_demo", *args)
    assert not Integration.objects.exists()
    assert not Order.objects.exists()
