from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Count, Max, Q
from django.utils import timezone

from alerts.models import Alert, AlertContact, AlertNotification, Frequency, Kind, Problem
from alerts.selectors import contacts_for
from integrations import services as integration_services
from integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    HeldReason,
    Integration,
    MaintenanceWindow,
)
from orders.models import BulkOperation, Offering, Order, OrderTransition, Resource
from orders.selectors import bulk_operation_orders, bulk_operation_outcomes
from tests.commands.support import run
from tests.support import closed_port

S = Order.State
DRAWN = 200


def seed(*args: str) -> str:
    outage = f"http://127.0.0.1:{closed_port()}/orders"
    return run("seed_demo", "--outage-url", outage, *args)


@pytest.fixture
def seeded(db):
    return seed("--orders", str(DRAWN), "--password", "demo-pass", "--seed", "3")


def counts() -> dict:
    models = [
        Order,
        Attempt,
        OrderTransition,
        Delivery,
        Resource,
        Alert,
        AlertContact,
        AlertNotification,
        MaintenanceWindow,
        BulkOperation,
        Integration,
        Offering,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_orders_in_every_state(seeded):
    by_state = dict(Order.objects.values_list("state").annotate(n=Count("pk")).order_by())
    carrier = Order.objects.filter(offering__integration__name="Carrier API (Rotterdam)")

    assert set(by_state) == set(S.values)
    assert sum(by_state.values()) == DRAWN + 34
    assert f"Demo data ready: {DRAWN} new orders and 34 in the scenes" in seeded
    assert f"{by_state[S.ERRED]} erred" in seeded
    assert carrier.exists()


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


def test_every_kind_of_alert_is_open_and_someone_hears_of_it(seeded):
    every_frequency = [Frequency.IMMEDIATE, Frequency.HOURLY, Frequency.DAILY]

    for kind in Kind.values:
        alerts = Alert.objects.filter(kind=kind, status=Alert.Status.OPEN)
        assert alerts.exists(), kind
        assert any(contacts_for(alert=a, frequencies=every_frequency) for a in alerts[:5]), kind
    contacts = AlertContact.objects.all()
    assert {Frequency.IMMEDIATE, Frequency.HOURLY, Frequency.DAILY} <= set(
        contacts.values_list("frequency", flat=True)
    )
    assert contacts.filter(organization__isnull=False).exists()
    assert contacts.filter(integration__isnull=False).exists()
    assert contacts.filter(user__isnull=True).exists()
    assert contacts.exclude(kinds=[]).exists()
    resolved = Alert.objects.filter(status=Alert.Status.RESOLVED).select_related("order")
    assert resolved.count() == 4
    for alert in resolved:
        assert alert.kind == Kind.RETRY_EXHAUSTED
        assert alert.resolved_reason.startswith(f"success of order {alert.order.number}")
        assert alert.order.state == S.DONE
    dismissed = Alert.objects.get(status=Alert.Status.DISMISSED)
    assert dismissed.dismissed_by.username == "staff"


def test_failed_orders_alerts_are_dated_when_they_failed(seeded):
    alerts = Alert.objects.filter(order__isnull=False, order__state=S.ERRED)

    assert (
        alerts.count()
        == Order.objects.filter(
            state=S.ERRED, failure_kind__in=["action_required", "exhausted"]
        ).count()
    )
    resubmitted = bulk_operation_orders(operation_id=BulkOperation.objects.get().pk)
    # failed again: seen again now
    for alert in alerts.exclude(order__in=resubmitted).select_related("order")[:20]:
        assert alert.first_seen_at == alert.last_seen_at == alert.order.erred_at


def test_a_past_window_released_what_it_held_and_one_is_planned(seeded):
    now = timezone.now()
    past = MaintenanceWindow.objects.get(ends_at__lt=now)
    planned = MaintenanceWindow.objects.get(starts_at__gt=now)

    assert past.released_at is not None and past.ends_at <= past.released_at < now
    released = Attempt.objects.filter(
        integration=past.integration,
        trigger="release",
        started_at__gte=past.released_at,
        started_at__lt=past.released_at + timedelta(minutes=1),
    )
    assert released.count() == 5
    assert not released.exclude(outcome=Attempt.Outcome.SUCCESS).exists()
    for attempt in released.select_related("order"):
        assert past.starts_at < attempt.order.created < past.ends_at
        assert attempt.order.state == S.DONE
    assert planned.released_at is None
    assert planned.created_by.username == "staff"
    assert Integration.objects.filter(pk=planned.integration_id).exists()


def test_the_carrier_breaker_is_open_with_deliveries_held(seeded):
    carrier = Integration.objects.get(name="Carrier API (Rotterdam)")
    held = Delivery.objects.filter(integration=carrier, state=Delivery.State.HELD)
    sent = Attempt.objects.filter(integration=carrier)

    assert carrier.breaker_state == BreakerState.OPEN
    assert carrier.breaker_reason.startswith(f"{carrier.breaker_threshold} consecutive transient")
    assert timezone.now() < carrier.breaker_probe_at
    assert held.count() == 12 - carrier.breaker_threshold + 1
    assert set(held.values_list("held_reason", flat=True)) == {HeldReason.BREAKER}
    assert sent.count() == carrier.breaker_threshold
    assert set(sent.values_list("error_code", flat=True)) == {"connection_error"}
    assert sent.filter(decision="held: this failure opened the circuit breaker").count() == 1
    unavailable = Alert.objects.get(integration=carrier, kind=Kind.UNAVAILABLE)
    assert unavailable.status == Alert.Status.OPEN
    assert f"Held deliveries: {held.count()}." in seeded


def test_a_bulk_resubmit_by_staff_with_outcomes(seeded):
    operation = BulkOperation.objects.get()
    orders = bulk_operation_orders(operation_id=operation.pk)
    outcomes = {o.label: o.count for o in bulk_operation_outcomes(operation=operation)}

    assert operation.state == BulkOperation.State.DONE
    assert operation.requested_by.username == "staff"
    assert operation.source == BulkOperation.Source.ADMIN
    assert operation.total == operation.resubmitted == orders.count() == 9
    assert outcomes == {"done": 6, "failed again": 3, "still in flight": 0}
    assert "9 of 9 resubmitted; 6 done, 3 failed again, 0 still in flight." in seeded
    assert not orders.filter(state=S.ERRED).exclude(failure_kind="action_required").exists()
    bulk = Attempt.objects.filter(order__in=orders, trigger="bulk")
    assert bulk.count() == 9
    assert set(bulk.values_list("outcome", flat=True)) == {"success", "action_required"}
    assert (
        OrderTransition.objects.filter(order__in=orders, transition="retry")
        .filter(actor__username="staff", details__trigger="bulk")
        .count()
        == 9
    )


def test_no_time_written_is_in_the_future_but_scheduled_retries(seeded):
    now = timezone.now()

    assert not Attempt.objects.filter(Q(started_at__gt=now) | Q(finished_at__gt=now)).exists()
    assert not OrderTransition.objects.filter(created__gt=now).exists()
    assert not Order.objects.filter(
        Q(created__gt=now) | Q(erred_at__gt=now) | Q(completed_at__gt=now)
    ).exists()
    assert not Resource.objects.filter(created__gt=now).exists()
    assert not Alert.objects.filter(
        Q(first_seen_at__gt=now) | Q(last_seen_at__gt=now) | Q(opened_at__gt=now)
    ).exists()
    assert not Delivery.objects.filter(created__gt=now).exists()
    scheduled = Order.objects.filter(next_retry_at__gt=now)
    assert scheduled.exists()
    assert not scheduled.exclude(state=S.ERRED, failure_kind="transient").exists()
    for order in scheduled.annotate(last=Max("attempts__finished_at")):
        interval = order.offering.integration.retry_interval
        assert order.last < now
        assert order.next_retry_at <= order.last + interval
    assert (
        not Delivery.objects.filter(next_attempt_at__gt=now)
        .exclude(order__next_retry_at__gt=now)
        .exists()
    )


def test_users_in_every_role_with_printed_logins(seeded):
    User = get_user_model()

    for username in ("admin", "staff", "owner", "manager", "shop"):
        assert f"  {username} " in seeded
        assert User.objects.get(username=username).check_password("demo-pass")
    assert "password for all: demo-pass" in seeded
    assert set(User.objects.get(username="manager").groups.values_list("name", flat=True)) == {
        "Offering managers"
    }


def test_a_second_run_duplicates_nothing_and_resets_the_passwords(seeded):
    before = counts()

    again = seed("--password", "new-pass")

    assert "Demo data ready: 0 new orders in" in again
    assert counts() == before
    assert get_user_model().objects.get(username="admin").check_password("new-pass")
    assert "password for all: new-pass" in again


def test_orders_n_adds_exactly_n_orders_with_their_history(seeded):
    before = counts()
    erred_before = set(Order.objects.filter(state=S.ERRED).values_list("pk", flat=True))

    added = seed("--orders", "150")

    after = counts()
    assert "Demo data ready: 150 new orders in" in added
    assert after["Order"] == before["Order"] + 150
    assert after["Resource"] == before["Resource"] + 150
    assert after["OrderTransition"] > before["OrderTransition"] + 150
    new = Order.objects.exclude(pk__in=erred_before).filter(
        state=S.ERRED, failure_kind__in=["action_required", "exhausted"]
    )
    assert new.exists()
    assert not new.filter(alerts__isnull=True).exists()
    # their alerts count in the problems of the same failures; mail about problems of the past
    # counts as sent back then, not as mail to send now
    problems = Problem.objects.filter(alerts__order__in=new).distinct()
    assert problems.exists()
    assert not new.filter(alerts__problem__isnull=True).exists()
    mailed = AlertNotification.objects.filter(problem__in=problems.values("pk"))
    assert not mailed.exclude(status=AlertNotification.Status.SENT).exists()
    for notification in mailed.select_related("problem")[:10]:
        assert notification.sent_at == notification.problem.first_seen_at
    fixed = ["AlertContact", "MaintenanceWindow", "BulkOperation", "Integration", "Offering"]
    assert {name: after[name] for name in fixed} == {name: before[name] for name in fixed}
    emails = Order.objects.values("customer_email").annotate(n=Count("pk")).filter(n__gt=1)
    assert not emails.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--orders", "-1"], "--orders must be 0 or more, got -1"),
        (["--sandbox-url", "localhost:8765"], "--sandbox-url 'localhost:8765' is not an http"),
        (["--outage-url", "nowhere"], "--outage-url 'nowhere' is not an http"),
        (["--password", " "], "--password must not be empty"),
        (["--orders", "many"], "argument --orders: invalid int value: 'many'"),
    ],
)
def test_bad_arguments_name_the_problem_and_change_nothing(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("seed_demo", *args)
    assert not Integration.objects.exists()
    assert not Order.objects.exists()


def test_an_outage_url_that_answers_is_refused_and_nothing_is_kept(db, sandbox):
    with pytest.raises(CommandError, match="answered, so its breaker did not open"):
        run("seed_demo", "--orders", "20", "--outage-url", sandbox.orders_url)
    assert not Order.objects.exists()
    assert not Alert.objects.exists()
    assert not Integration.objects.exists()


def test_reviewed_orders_say_who_reviewed_them_and_when(seeded):
    rejected = Order.objects.filter(state=S.REJECTED)
    approved = Order.objects.filter(state__in=[S.EXECUTING, S.DONE, S.ERRED])

    assert not approved.filter(provider_reviewed_at__isnull=True).exists()
    assert not approved.exclude(provider_reviewed_by__username="staff").exists()
    assert not rejected.exclude(provider_reviewed_by__username="owner").exists()
    assert not Order.objects.filter(
        state=S.PENDING_CONSUMER, consumer_reviewed_at__isnull=False
    ).exists()
    for order in approved.filter(consumer_organization__name="Globex Shop")[:10]:
        review = order.transitions.get(transition="approve_by_consumer")
        assert order.consumer_reviewed_by.username == "shop"
        assert order.consumer_reviewed_at == review.created


def test_the_carrier_stays_down_when_the_recovery_work_probes_it(seeded):
    # given: the breaker's cool-down has passed, as it has a minute after the seed
    carrier = Integration.objects.get(name="Carrier API (Rotterdam)")
    held = Delivery.objects.filter(integration=carrier, state=Delivery.State.HELD)
    before = held.count()
    Integration.objects.filter(pk=carrier.pk).update(breaker_probe_at=timezone.now())

    # when: the release tick lets the probe go and a worker sends it
    assert integration_services.releases_due() == 1
    probe = Delivery.objects.get(integration=carrier, state=Delivery.State.QUEUED)
    integration_services.deliveries_send(delivery_ids=[probe.pk], lane="recovery")

    # then: the probe is refused like the sends before it; the breaker opens again, longer
    carrier.refresh_from_db()
    assert carrier.breaker_state == BreakerState.OPEN
    assert carrier.breaker_trips == 1
    assert carrier.breaker_reason.startswith("probe failed: connection_error")
    assert held.count() == before
    last = Attempt.objects.filter(delivery=probe).latest("number")
    assert last.error_code == "connection_error"
    assert Alert.objects.get(integration=carrier, kind=Kind.UNAVAILABLE).occurrences == 2


def test_a_demo_of_no_drawn_orders_has_every_scene_and_stays_as_it_is(db):
    made = seed("--orders", "0")
    before = counts()

    again = seed()

    assert "Demo data ready: 0 new orders and 34 in the scenes" in made
    assert Order.objects.count() == 34
    assert "Demo data ready: 0 new orders in" in again
    assert counts() == before
