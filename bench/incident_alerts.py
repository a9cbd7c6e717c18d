"""Incident alerts: an outage erring ``--orders`` orders on one integration, and what it costs
and tells people.

The sandbox answers 503 to every order (maintenance); the integration's breaker never opens
(so every order errs instead of waiting held) and it gives up at the first failure
(``max_attempts`` 1), the path that writes the most alerts: each failure counts in the
incident, and raises its order's ``retry_exhausted`` alert under the problem. The orders are
sent in this process as a worker sends them (``deliveries_send`` in tasks of ``TASK_CHUNK``),
in ``--rounds`` alternating pairs on orders of their own: one with the alert writes switched off
(``alerts_for_attempt`` does nothing: the baseline), one with them, the baseline first in even
rounds and second in odd ones (the path slows as its tables grow: a fixed order would charge
that drift to the second). The ratio is the median of the rounds' (alerts on / off) seconds per
failure; at the issue's size, 40 rounds of a task each (``--rounds 40``) hold it steady where 3
rounds of minutes swung with the machine.

The rounds with alerts stand for the outage's first hour: their orders are spread over 60
simulated minutes, and after each task the problem-update run (beat's, every minute) is called
at its simulated minute. Counted: incidents and problems of the integration, and the e-mails
(opened, updates) each of two immediate contacts (the provider's and the integration's) got.

    .venv/bin/python -m bench.incident_alerts                   # 10,000 orders, 40 rounds
    .venv/bin/python -m bench.incident_alerts --orders 2000 --rounds 8
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from contextlib import contextmanager

from bench import harness

TARGET_OVERHEAD = 1.10
TARGET_INCIDENTS = 1
TARGET_PROBLEMS = 3
TARGET_MAILS = 3
WARMUP = 50


def executing(i: int, seeded_at: dt.datetime) -> dict:
    return {"state": "executing", "created": seeded_at - dt.timedelta(seconds=i)}


@contextmanager
def alerts_off():
    """The failure path without its alert writes: ``alerts_for_attempt`` does nothing."""
    from integrations.services import outcomes

    original = outcomes.alerts_for_attempt
    outcomes.alerts_for_attempt = lambda **kwargs: None
    try:
        yield
    finally:
        outcomes.alerts_for_attempt = original


def send(order_ids: list[int], *, on_task=None) -> float:
    """Queue and send ``order_ids`` here in tasks of ``TASK_CHUNK``; seconds spent sending."""
    from django.db import transaction

    from integrations import services
    from integrations.models import Delivery
    from orders.models import Trigger

    with transaction.atomic():
        services.deliveries_queue(order_ids=order_ids, trigger=Trigger.BULK, actor=None)
    ids = sorted(Delivery.objects.filter(order_id__any=order_ids).values_list("pk", flat=True))
    seconds = 0.0
    for start in range(0, len(ids), services.TASK_CHUNK):
        began = time.perf_counter()
        services.deliveries_send(delivery_ids=ids[start : start + services.TASK_CHUNK])
        seconds += time.perf_counter() - began
        if on_task:
            on_task(start + services.TASK_CHUNK)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000, help="Orders the outage errs.")
    parser.add_argument("--rounds", type=int, default=40, help="Alternating off/on pairs (40).")
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < 200 or args.rounds < 1:
        parser.error("--orders must be at least 200 and --rounds at least 1")

    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()

    from django.utils import timezone

    from alerts.models import AlertContact, AlertNotification, Frequency, Problem
    from alerts.services import problem_updates_queue
    from integrations.models import Incident
    from orders.models import Offering

    per_round = args.orders // args.rounds
    total = WARMUP + 2 * args.rounds * per_round
    dataset = harness.dataset("incident_alerts", orders=total, shape=executing)
    ids = list(range(dataset.first_pk, dataset.last_pk + 1))
    processes = harness.Processes()
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        processes.start("sandbox", harness.sandbox_command(port), env=harness.worker_env())
        harness.wait_for(lambda: harness.sandbox_ready(url), timeout=30, what="the sandbox")
        harness.park(keep=dataset)
        harness.reset_executing(
            dataset,
            integration="endpoint_url = %(url)s, timeout_seconds = 10, max_in_flight = 200, "
            "max_per_second = 1000000, breaker_threshold = 1000000000, max_attempts = 1, "
            "retry_policy = 'fixed'",
            url=f"{url}/orders",
        )
        harness.sandbox(url, "/_sandbox/mode", {"maintenance": True})
        offering = Offering.objects.get(pk=dataset.offering_id)
        AlertContact.objects.filter(email__endswith="@bench.test").delete()
        contacts = [
            AlertContact.objects.create(
                email="provider@bench.test",
                organization_id=offering.provider_id,
                frequency=Frequency.IMMEDIATE,
            ),
            AlertContact.objects.create(
                email="integration@bench.test",
                integration_id=dataset.integration_id,
                frequency=Frequency.IMMEDIATE,
            ),
        ]
        with alerts_off():
            send(ids[:WARMUP])
        rest = ids[WARMUP:]
        hour_start, sent_on = timezone.now(), 0
        on_total = args.rounds * per_round

        def each_task(done_in_round: int) -> None:
            minute = 60.0 * min(sent_on + done_in_round, on_total) / on_total
            problem_updates_queue(now=hour_start + dt.timedelta(minutes=minute))

        rounds = []
        for n in range(args.rounds):
            off_ids = rest[2 * n * per_round : (2 * n + 1) * per_round]
            on_ids = rest[(2 * n + 1) * per_round : (2 * n + 2) * per_round]
            # off then on, then on then off: the failure path slows as its tables grow, and
            # a fixed order would charge that drift to whichever half runs second
            if n % 2:
                on = send(on_ids, on_task=each_task)
            with alerts_off():
                off = send(off_ids)
            if not n % 2:
                on = send(on_ids, on_task=each_task)
            sent_on += len(on_ids)
            rounds.append(
                {
                    "off_ms_per_failure": round(off * 1000 / len(off_ids), 3),
                    "on_ms_per_failure": round(on * 1000 / len(on_ids), 3),
                    "ratio": round(on / off * len(off_ids) / len(on_ids), 3),
                }
            )
        incidents = Incident.objects.filter(integration_id=dataset.integration_id).count()
        problems = list(
            Problem.objects.filter(integration_id=dataset.integration_id).values_list(
                "kind", "code", "alerts_count"
            )
        )
        mails = {
            contact.email: sorted(
                AlertNotification.objects.filter(contact=contact).values_list("period", flat=True)
            )
            for contact in contacts
        }
    finally:
        processes.stop_all()
        harness.park()

    ratio = harness.median([r["ratio"] for r in rounds])
    most_mails = max(len(periods) for periods in mails.values())
    figures = {
        "rounds": rounds,
        "ratio": ratio,
        "incidents": incidents,
        "problems": problems,
        "mails": mails,
        "orders_erred_with_alerts": on_total,
    }
    rows = [
        *(
            (
                f"round {n}: ms per failure, alerts off / on",
                f"{r['off_ms_per_failure']:.2f} / {r['on_ms_per_failure']:.2f} = {r['ratio']:.3f}",
            )
            for n, r in enumerate(rounds, start=1)
        ),
        ("alert writes: on / off (median of the rounds)", f"{ratio:.3f}"),
        ("incidents of the integration", str(incidents)),
        ("problems", "; ".join(f"{k} {c or '-'}: {n} orders" for k, c, n in problems)),
        *(
            (f"e-mails to {email} (first hour)", ", ".join(p) or "none")
            for email, p in mails.items()
        ),
    ]
    targets = [
        harness.Target(
            "alert writes add at most 10% to the failure path",
            ratio <= TARGET_OVERHEAD,
            f"{ratio:.3f}x",
        ),
        harness.Target("at most 1 incident", incidents <= TARGET_INCIDENTS, str(incidents)),
        harness.Target("at most 3 problems", len(problems) <= TARGET_PROBLEMS, str(len(problems))),
        harness.Target(
            "at most 3 e-mails per immediate contact in the first hour",
            most_mails <= TARGET_MAILS,
            str(most_mails),
        ),
    ]
    harness.report(
        "incident_alerts",
        parameters={"orders": args.orders, "rounds": args.rounds},
        rows=rows,
        figures=figures,
        baseline={"alerts_off_ms_per_failure": [r["off_ms_per_failure"] for r in rounds]},
        ratio=ratio,
        targets=targets,
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
