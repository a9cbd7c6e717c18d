"""Retention: old attempts and transitions go, open failures' rows and last attempts stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.utils import timezone

from config.celery import app
from integrations.models import Attempt, Delivery
from integrations.services import history_prune, last_key_before
from integrations.tasks import prune_history
from orders.models import Order, OrderTransition
from tests.factories import IntegrationFactory, OfferingFactory, OrderFactory

OLD = timedelta(days=200)
RECENT = timedelta(days=10)


def attempts(order, *ages) -> list[Attempt]:
    """Attempts 1..n of the order's delivery, written oldest first as in production."""
    integration = order.offering.integration
    delivery = Delivery.objects.create(order=order, integration=integration)
    made = []
    for number, age in enumerate(ages, start=1):
        attempt = Attempt.objects.create(
            delivery=delivery, order=order, integration=integration, number=number, trigger="user"
        )
        Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - age)
        made.append(attempt)
    return made


def transitions(order, *ages) -> list[OrderTransition]:
    made = []
    for age in ages:
        made.append(
            OrderTransition.objects.create(
                order=order,
                transition="fail",
                source_state="executing",
                target_state="erred",
                created=timezone.now() - age,
            )
        )
    return made


def left(model, rows) -> list[int]:
    return sorted(model.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))


@pytest.fixture
def history(db):
    """Old and recent history of a done order, an erred one and an executing one."""
    offering = OfferingFactory(integration=IntegrationFactory())
    done = OrderFactory(state=Order.State.DONE, offering=offering)
    erred = OrderFactory(state=Order.State.ERRED, offering=offering)
    executing = OrderFactory(state=Order.State.EXECUTING, offering=offering)
    return {
        "done_attempts": attempts(done, OLD, OLD, OLD + timedelta(days=-1)),
        "erred_attempts": attempts(erred, OLD, OLD),
        "executing_attempts": attempts(executing, OLD, OLD),
        "done_transitions": transitions(done, OLD, OLD),
        "erred_transitions": transitions(erred, OLD),
        "executing_transitions": transitions(executing, OLD),
        "recent_transitions": transitions(done, RECENT),
    }


def test_a_dry_run_counts_and_changes_nothing(history):
    before = (Attempt.objects.count(), OrderTransition.objects.count())

    result = history_prune(older_than_days=180, dry_run=True)

    assert (result.attempts, result.transitions, result.batches) == (2, 2, 0)
    assert (Attempt.objects.count(), OrderTransition.objects.count()) == before


def test_old_rows_go_in_batches_and_open_failures_and_last_attempts_stay(history):
    # when: one row per batch
    result = history_prune(older_than_days=180, batch_size=1)

    # then
    assert (result.attempts, result.transitions, result.batches) == (2, 2, 4)
    done_attempts = history["done_attempts"]
    assert left(Attempt, done_attempts) == [done_attempts[-1].pk]  # the delivery's latest
    for kept in ("erred_attempts", "executing_attempts"):
        assert left(Attempt, history[kept]) == sorted(a.pk for a in history[kept])
    assert left(OrderTransition, history["done_transitions"]) == []
    for kept in ("erred_transitions", "executing_transitions", "recent_transitions"):
        assert left(OrderTransition, history[kept]) == [t.pk for t in history[kept]]


def test_a_second_run_finds_nothing_more(history):
    history_prune(older_than_days=180)

    again = history_prune(older_than_days=180)

    assert (again.attempts, again.transitions, again.batches) == (0, 0, 0)


def test_an_order_settled_since_loses_its_old_history_then(history):
    # given: the erred order was fixed and is done now
    erred = history["erred_attempts"][0].order
    Order.objects.filter(pk=erred.pk).update(state=Order.State.DONE)

    # when
    result = history_prune(older_than_days=180)

    # then: all but its delivery's latest attempt, and its old transition
    assert left(Attempt, history["erred_attempts"]) == [history["erred_attempts"][-1].pk]
    assert (result.attempts, result.transitions) == (3, 3)


def test_a_shorter_age_prunes_more(history):
    result = history_prune(older_than_days=5, dry_run=True)

    assert (result.attempts, result.transitions) == (2, 3)


@pytest.mark.django_db
def test_the_boundary_key_is_the_last_row_older_than_the_cutoff():
    order = OrderFactory()
    rows = transitions(order, *([OLD] * 30 + [RECENT] * 20))
    cutoff = timezone.now() - timedelta(days=180)

    assert last_key_before(OrderTransition, field="created", cutoff=cutoff) == rows[29].pk
    assert last_key_before(OrderTransition, field="created", cutoff=cutoff - OLD) is None
    OrderTransition.objects.all().delete()
    assert last_key_before(OrderTransition, field="created", cutoff=cutoff) is None


def test_the_command_prunes_and_reports(history):
    out = StringIO()

    call_command("prune_history", "--older-than", "180", "--batch-size", "10", stdout=out)

    assert out.getvalue().startswith("Pruned 2 attempts and 2 order transitions older than ")
    assert "in 2 batches" in out.getvalue()
    assert Attempt.objects.count() == 5


def test_the_command_dry_run_changes_nothing(history):
    out = StringIO()
    before = (Attempt.objects.count(), OrderTransition.objects.count())

    call_command("prune_history", "--dry-run", stdout=out)

    assert out.getvalue().startswith("Would prune 2 attempts and 2 order transitions older than ")
    assert (Attempt.objects.count(), OrderTransition.objects.count()) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "0"], "--older-than must be between 1 and 36500 days, got 0."),
        (["--older-than", "99999999"], "--older-than must be between 1 and 36500 days"),
        (["--batch-size", "0"], "--batch-size must be between 1 and 100000, got 0."),
        (["--batch-size", "many"], "invalid int value: 'many'"),
        (["--older-than"], "expected one argument"),
    ],
)
def test_the_command_refuses_bad_arguments_and_changes_nothing(history, args, message):
    before = (Attempt.objects.count(), OrderTransition.objects.count())

    with pytest.raises(CommandError, match=message):
        call_command("prune_history", *args)

    assert (Attempt.objects.count(), OrderTransition.objects.count()) == before


def test_the_command_help_has_an_example_on_its_own_line():
    parser = load_command_class("integrations", "prune_history").create_parser(
        "manage.py", "prune_history"
    )

    text = parser.format_help()

    assert "examples:\n" in text
    assert "\n  python manage.py prune_history --older-than 90 --batch-size 5000" in text


def test_celery_beat_runs_the_prune_task_daily(history):
    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["prune-history"]

    assert entry["task"] == prune_history.name
    assert entry["task"] in app.tasks
    assert prune_history().startswith("pruned 2 attempts and 2 order transitions")
