"""Outage: a remote system down for a while, and how long after it is back the backlog is gone.

The integration allows ``--rate`` requests a second (the sandbox enforces the same rate: 429
with Retry-After beyond it) at ``--latency-ms``. ``--backlog`` orders are placed while the
remote system answers 503 for ``--outage`` seconds, with no maintenance window declared (or,
with ``--window``, one declared for exactly that time), and new orders keep arriving at
``--arrivals`` a second through the drain (from the remote system's return). The processes are
the Procfile's: the worker (``REDRIVE_WORKER_PROCESSES`` processes of threads) and
beat (the sweep, the release tick), on PostgreSQL and Redis. Nobody acts: the run ends when
every order is done, or at ``--deadline``.

Reported: the seconds from the remote system's recovery to the last backlog order done (the
target: backlog / rate + 15 s), the orders left erred, operator actions (none are made), keys
sent again after the sandbox had accepted them, 429s as a share of sends, and the p95 time from
placing to first attempt of the orders that arrived during the drain (from the end of the
incident, when Redrive knows the remote system is back, to the last backlog order done; how
long the orders placed between the return and its notice waited is reported too).

    .venv/bin/python -m bench.outage                       # 20,000 orders, 120 s, 300/s
    .venv/bin/python -m bench.outage --window
    .venv/bin/python -m bench.outage --backlog 3000 --outage 30      # make bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import threading
import time

from bench import harness

TARGET_SLACK = 15.0
TARGET_429_SHARE = 0.01
TARGET_FIRST_ATTEMPT_P95 = 2.0


def executing(i: int, seeded_at: dt.datetime) -> dict:
    return {"state": "executing", "created": seeded_at - dt.timedelta(seconds=i)}


def reset(dataset: harness.Dataset, *, endpoint_url: str, rate: int, in_flight: int) -> None:
    """Every order executing, its delivery failed before any attempt; the integration pointing
    at ``endpoint_url``, with the run's limits and a breaker that probes often."""
    harness.reset_executing(
        dataset,
        integration="endpoint_url = %(url)s, breaker_threshold = 5, breaker_cooldown = "
        "interval '1 second', timeout_seconds = 10, retry_policy = 'fixed', retry_interval = "
        "interval '1 hour', max_in_flight = %(in_flight)s, max_per_second = %(rate)s",
        url=endpoint_url,
        rate=rate,
        in_flight=in_flight,
    )


def place(order_ids: list[int]) -> None:
    """Orders enter executing: their deliveries queued, the tasks handed out after commit."""
    from django.db import transaction

    from integrations.services import deliveries_queue
    from orders.models import Trigger

    with transaction.atomic():
        deliveries_queue(order_ids=order_ids, trigger=Trigger.USER, actor=None)


class Arrivals(threading.Thread):
    """New orders at a steady rate, each one's placing time kept."""

    def __init__(self, order_ids: list[int], *, per_second: float) -> None:
        super().__init__(daemon=True)
        self.todo = list(order_ids)
        self.interval = 1 / per_second
        self.placed: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            next_at = time.time()
            while self.todo and not self.stopping.is_set():
                order_id = self.todo.pop(0)
                self.placed[order_id] = time.time()
                place([order_id])
                next_at += self.interval
                self.stopping.wait(max(0.0, next_at - time.time()))
        finally:
            connection.close()


def database_commits() -> int:
    """Transactions committed in this database so far (PostgreSQL's statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def timeline(orders, *, since: dt.datetime, step: int = 10) -> list[int]:
    """Backlog orders done in each ``step`` seconds from ``since``."""
    done = orders.filter(completed_at__isnull=False).values_list("completed_at", flat=True)
    buckets: dict[int, int] = {}
    for at in done:
        index = max(0, int((at - since).total_seconds() // step))
        buckets[index] = buckets.get(index, 0) + 1
    return [buckets.get(i, 0) for i in range(max(buckets, default=-1) + 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backlog", type=int, default=20_000)
    parser.add_argument("--outage", type=float, default=120.0, help="Seconds of 503s.")
    parser.add_argument("--rate", type=int, default=300, help="Requests a second allowed.")
    parser.add_argument("--in-flight", type=int, default=200, help="max_in_flight.")
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--arrivals", type=float, default=20.0, help="New orders a second.")
    parser.add_argument("--window", action="store_true", help="Declare a maintenance window.")
    parser.add_argument("--deadline", type=float, default=900.0)
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    harness.configure()
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True

    from django.conf import settings
    from django.db.models import Count, Max, Min, Q
    from django.utils import timezone

    from integrations.models import Attempt, Incident, MaintenanceWindow
    from orders.models import Order

    arriving = int(args.arrivals * (args.backlog / args.rate + 90))
    dataset = harness.dataset("outage", orders=args.backlog + arriving, shape=executing)
    ids = list(range(dataset.first_pk, dataset.last_pk + 1))
    backlog, later = ids[: args.backlog], ids[args.backlog :]
    processes = harness.Processes()
    env = harness.worker_env()
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    harness.broker_flush()
    try:
        processes.start(
            "sandbox",
            harness.sandbox_command(port, "--latency-ms", str(args.latency_ms)),
            env=env,
        )
        harness.wait_for(lambda: harness.sandbox_ready(url), timeout=30, what="the sandbox")
        harness.park(keep=dataset)
        reset(dataset, endpoint_url=f"{url}/orders", rate=args.rate, in_flight=args.in_flight)
        harness.sandbox(
            url, "/_sandbox/mode", {"rate_limit_per_second": args.rate, "maintenance": True}
        )
        workers = harness.procfile_workers(processes, prefix="outage", env=env)
        processes.start(
            "beat",
            [
                str(harness.ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(harness.ROOT / "var" / "bench" / "beat-schedule"),
            ],
            env=env,
        )
        harness.wait_for(
            lambda: harness.workers_ready(len(workers)), timeout=60, what="the workers"
        )
        print(
            f"outage: {args.backlog:,} orders placed, the remote answering 503 for "
            f"{args.outage:.0f} s{' (a window declared)' if args.window else ''} ...",
            flush=True,
        )
        outage_started = time.time()
        if args.window:  # exactly the outage: it ends when the remote system comes back
            started = timezone.now()
            MaintenanceWindow.objects.create(
                integration_id=dataset.integration_id,
                starts_at=started,
                ends_at=started + dt.timedelta(seconds=args.outage),
                note="bench.outage",
            )
        for start in range(0, len(backlog), 1000):
            place(backlog[start : start + 1000])
        time.sleep(max(0.0, outage_started + args.outage - time.time()))
        meter = harness.CpuMeter(
            {name: processes.running[name].pid for name in [*workers, "beat", "sandbox"]}
        ).start()
        commits_before = database_commits()
        harness.sandbox(url, "/_sandbox/mode", {"maintenance": False})
        recovered_at = timezone.now()
        arrivals = Arrivals(later, per_second=args.arrivals)
        arrivals.start()
        print("the remote system is back; draining ...", flush=True)
        orders = Order.objects.filter(pk__range=(backlog[0], backlog[-1]))
        harness.wait_for(
            lambda: orders.filter(state=Order.State.DONE).count() == len(backlog),
            timeout=args.deadline,
            interval=1.0,
            what="the backlog done",
        )
        drained_at = orders.aggregate(last=Max("completed_at"))["last"]
        cpu = meter.stop()
        commits = database_commits() - commits_before
        arrivals.stopping.set()
        arrivals.join()
        placed = dict(arrivals.placed)
        new_orders = Order.objects.filter(pk__in=list(placed))
        harness.wait_for(
            lambda: new_orders.filter(state=Order.State.DONE).count() == len(placed),
            timeout=120,
            interval=0.5,
            what="the new orders done",
        )
        load = harness.sandbox(url, "/_sandbox/load")
        state = harness.sandbox(url, "/_sandbox/state")
    finally:
        processes.stop_all()
        harness.broker_flush()

    everything = Order.objects.filter(pk__range=(dataset.first_pk, dataset.last_pk))
    erred = everything.filter(state=Order.State.ERRED).count()
    first_attempts = dict(
        Attempt.objects.filter(order_id__in=list(placed), number=1).values_list(
            "order_id", "started_at"
        )
    )
    ended = [i.ended_at for i in Incident.objects.filter(integration_id=dataset.integration_id)]
    drain_from = max([e for e in ended if e is not None], default=recovered_at)
    waits = {
        pk: first_attempts[pk].timestamp() - at for pk, at in placed.items() if pk in first_attempts
    }
    during_drain = [
        waits[pk]
        for pk, at in placed.items()
        if pk in waits and drain_from.timestamp() <= at <= drained_at.timestamp()
    ]
    before_drain = [
        waits[pk]
        for pk, at in placed.items()
        if pk in waits and recovered_at.timestamp() <= at < drain_from.timestamp()
    ]
    drain_seconds = (drained_at - recovered_at).total_seconds()
    target_seconds = args.backlog / args.rate + TARGET_SLACK
    share_429 = load["rate_limited"] / max(1, load["requests"])
    p95 = harness.percentile(during_drain, 0.95) if during_drain else None
    incidents = list(
        Incident.objects.filter(integration_id=dataset.integration_id).values(
            "started_at", "ended_at", "ended_by", "failures", "released"
        )
    )
    held_again = Attempt.objects.filter(order_id__in=backlog, trigger="release").aggregate(
        n=Count("pk"), failed=Count("pk", filter=~Q(outcome="success"))
    )
    first_send = Attempt.objects.filter(order_id__in=backlog).aggregate(first=Min("started_at"))
    figures = {
        "drain_seconds": round(drain_seconds, 1),
        "orders_left_erred": erred,
        "operator_actions": 0,
        "sent_again_after_accepted": load["already_accepted"],
        "accepted": state["accepted_count"],
        "requests": load["requests"],
        "rate_limited": load["rate_limited"],
        "share_429": round(share_429, 4),
        "peak_in_flight": load["peak_in_flight"],
        "new_orders_during_drain": len(during_drain),
        "noticed_seconds_after_recovery": round((drain_from - recovered_at).total_seconds(), 1),
        "new_orders_before_noticed": len(before_drain),
        "before_noticed_longest_wait_s": round(max(before_drain), 1) if before_drain else None,
        "first_attempt_p50_s": (
            round(harness.percentile(during_drain, 0.5), 2) if during_drain else None
        ),
        "first_attempt_p95_s": round(p95, 2) if p95 is not None else None,
        "incidents": incidents,
        "release_attempts": held_again,
        "first_send_at": first_send["first"],
        "recovered_at": recovered_at,
        "drained_at": drained_at,
        "done_each_10_s": timeline(orders, since=recovered_at),
        "drain_cpu_seconds": cpu,
        "drain_commits": commits,
    }
    rows = [
        ("backlog, placed during the outage", f"{args.backlog:,} orders"),
        ("recovery to the last backlog order done", f"{drain_seconds:.1f} s"),
        ("  backlog / rate (the floor)", f"{args.backlog / args.rate:.1f} s"),
        ("orders left erred", f"{erred}"),
        ("operator actions", "0"),
        ("keys sent again after the sandbox accepted them", f"{load['already_accepted']}"),
        ("429s received", f"{load['rate_limited']:,} of {load['requests']:,} ({share_429:.2%})"),
        ("most requests in flight at the sandbox", f"{load['peak_in_flight']}"),
        (
            "the remote side's return noticed (the incident ended)",
            f"{figures['noticed_seconds_after_recovery']} s after it; "
            f"{len(before_drain)} new orders placed meanwhile waited up to "
            f"{figures['before_noticed_longest_wait_s']} s",
        ),
        (
            "new orders during the drain: placing to first attempt",
            f"p50 {figures['first_attempt_p50_s']} s, p95 {figures['first_attempt_p95_s']} s "
            f"({len(during_drain)} orders)",
        ),
        (
            "backlog orders done in each 10 s from the return",
            " ".join(str(n) for n in figures["done_each_10_s"]),
        ),
        (
            "CPU seconds during the drain",
            ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items() if name != "wall")
            + f" (of {cpu['wall']:.1f} s wall, {os.cpu_count()} cores)",
        ),
        (
            "database commits during the drain",
            f"{commits:,} ({commits / max(1, len(backlog) + len(placed)):.2f} an order)",
        ),
        (
            "incidents",
            "; ".join(
                f"{i['ended_by'] or 'open'}: {i['failures']} failures, {i['released']} released"
                for i in incidents
            )
            or "none",
        ),
    ]
    targets = [
        harness.Target(
            f"drained within backlog / rate + {TARGET_SLACK:.0f} s",
            drain_seconds <= target_seconds,
            f"{drain_seconds:.1f} s of {target_seconds:.1f} s",
        ),
        harness.Target("no order left erred", erred == 0, f"{erred}"),
        harness.Target(
            "nothing sent again once accepted",
            load["already_accepted"] == 0,
            f"{load['already_accepted']}",
        ),
        harness.Target(
            f"429s at most {TARGET_429_SHARE:.0%} of sends",
            share_429 <= TARGET_429_SHARE,
            f"{share_429:.2%}",
        ),
        harness.Target(
            f"new orders' first attempt p95 at most {TARGET_FIRST_ATTEMPT_P95:.0f} s",
            p95 is not None and p95 <= TARGET_FIRST_ATTEMPT_P95,
            f"{p95:.2f} s" if p95 is not None else "no new order during the drain",
        ),
    ]
    harness.report(
        "outage_window" if args.window else "outage",
        parameters={
            "backlog": args.backlog,
            "outage_s": args.outage,
            "rate": args.rate,
            "in_flight": args.in_flight,
            "latency_ms": args.latency_ms,
            "arrivals_per_s": args.arrivals,
            "window": args.window,
            "worker_processes": settings.REDRIVE_WORKER_PROCESSES,
        },
        rows=rows,
        figures=figures,
        baseline={"what": "backlog / rate: the drain at exactly the allowed rate"},
        ratio=round(drain_seconds / (args.backlog / args.rate), 3),
        targets=targets,
        started_quiet=quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
