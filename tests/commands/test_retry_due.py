import os
import signal
from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from integrations import services as recovery
from integrations.models import RetryClaim
from orders.models import Order
from tests.commands.support import erred_orders, run
from tests.factories import OfferingFactory


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be 1 or more, got 0"),
        (["--loop", "--interval", "0"], "--interval must be more than 0 seconds, got 0"),
        (["--loop", "--interval", "-5"], "--interval must be more than 0 seconds"),
        (["--interval", "30"], "--interval applies only with --loop"),
        (["--once", "--interval", "30"], "--interval applies only with --loop"),
        (["--once", "--loop"], "argument --loop: not allowed with argument --once"),
        (["--interval", "soon"], "argument --interval: invalid float value: 'soon'"),
    ],
)
def test_bad_arguments_name_the_problem_and_change_nothing(db, args, message):
    due = erred_orders(OfferingFactory(), 1)[0]
    Order.objects.filter(pk=due.pk).update(next_retry_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(CommandError, match=message):
        run("retry_due", *args)

    due.refresh_from_db()
    assert due.state == Order.State.ERRED


def test_one_pass_claims_the_due_retries_for_the_workers_and_prints_the_counts(
    db, django_capture_on_commit_callbacks
):
    # given: one retry due, one due later
    due, later = erred_orders(OfferingFactory(), 2)
    now = timezone.now()
    Order.objects.filter(pk=due.pk).update(next_retry_at=now - timedelta(minutes=1))
    Order.objects.filter(pk=later.pk).update(next_retry_at=now + timedelta(hours=1))

    # when
    with django_capture_on_commit_callbacks() as handed_out:
        out = run("retry_due", "--once", "--batch-size", "10")

    # then: the due one is claimed and handed to the workers, who send it again
    assert "sweep: claimed=1 " in out
    assert " released=0" in out
    assert list(RetryClaim.objects.values_list("order_id", flat=True)) == [due.pk]
    assert len(handed_out) == 1
    recovery.retries_send(order_ids=[due.pk])
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.state, later.state) == (Order.State.EXECUTING, Order.State.ERRED)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_loop_stops_cleanly_on_a_signal(transactional_db, monkeypatch, signum):
    """Outside a test transaction: each pass starts by dropping stale connections."""
    # given: the real sweep, which signals the process after its first pass
    real_sweep = recovery.sweep_due
    passes = []

    def sweep_then_signal(**kwargs):
        passes.append(kwargs)
        if len(passes) > 1:
            raise AssertionError("the loop went on after the signal")
        result = real_sweep(**kwargs)
        os.kill(os.getpid(), signum)
        return result

    monkeypatch.setattr(recovery, "sweep_due", sweep_then_signal)
    handler_before = signal.getsignal(signum)

    # when: a long interval, so only the signal can end the wait
    out = run("retry_due", "--loop", "--interval", "5", "--batch-size", "50")

    # then
    assert passes == [{"batch_size": 50}]
    assert "sweep: claimed=0" in out
    assert out.rstrip().endswith("Stopped after 1 passes.")
    assert signal.getsignal(signum) is handler_before
