"""Fault injection: orders through two worker processes and the retry sweep while things
break, then a check that nothing was lost or sent twice.

2,000 erred orders are resubmitted by a staff user. While they are sent, the sandbox fails 20%
of calls at random and goes into maintenance for 30 s (503 with a short Retry-After), one
worker is killed with SIGKILL twice and restarted, and Redis is restarted once (no persistence:
every queued task message is lost). The integration uses a fast policy (exponential backoff
from 0.5 s, at most 5 s; the breaker opens after 5 transient failures in a row and probes
after 1 s, doubling). The broker's visibility timeout keeps its production default (1 hour),
so tasks lost with a killed worker or a restarted Redis come back only through the database:
the sweep re-enqueues deliveries queued for longer than ``QUEUED_GRACE`` or in flight past
their lease.

It uses its own Redis server on a free port (never the shared one) and the bench database, and
stops everything it started. Exit status 1 on any loss, duplicate, missing attempt row, or if
not every order is done within the deadline.

    .venv/bin/python -m bench.chaos
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from bench import harness
from bench.chaos_checks import judge, progress

ERROR = "HTTP 503 maintenance: Planned maintenance in progress"
INTEGRATION = {
    "retry_policy": "exponential",
    "backoff_base": dt.timedelta(seconds=0.5),
    "backoff_factor": 2.0,
    "backoff_cap": dt.timedelta(seconds=5),
    "backoff_jitter": 0.2,
    "max_retry_age": dt.timedelta(days=1),
    "max_attempts": None,
    "breaker_threshold": 5,
    "breaker_cooldown": dt.timedelta(seconds=1),
    "timeout_seconds": 5.0,
    "max_in_flight": 100,
    "max_per_second": 1000,
}


def erred(i: int, seeded_at: dt.datetime) -> dict:
    created = seeded_at - dt.timedelta(hours=1, seconds=i)
    return {
        "state": "erred",
        "created": created,
        "erred_at": created + dt.timedelta(minutes=1),
        "failure_kind": "exhausted",
        "error_message": ERROR,
    }


def reset(dataset: harness.Dataset, *, endpoint_url: str) -> None:
    dataset.clear_activity()
    harness.run_sql(
        [
            "UPDATE orders_order SET state = 'erred', error_message = %(error)s, "
            "erred_at = created + interval '1 minute', failure_kind = 'exhausted', "
            "next_retry_at = NULL, completed_at = NULL, modified = created "
            "WHERE id BETWEEN %(first)s AND %(last)s",
            "UPDATE orders_resource SET state = 'erred' WHERE offering_id = %(offering)s",
        ],
        error=ERROR,
        first=dataset.first_pk,
        last=dataset.last_pk,
        offering=dataset.offering_id,
    )
    from integrations.models import Integration

    Integration.objects.filter(pk=dataset.integration_id).update(
        endpoint_url=endpoint_url,
        enabled=True,
        breaker_state="closed",
        breaker_since=None,
        breaker_reason="",
        breaker_failures=0,
        breaker_trips=0,
        breaker_probe_at=None,
        **INTEGRATION,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2000, help="Orders sent.")
    parser.add_argument(
        "--deadline", type=float, default=300, help="Seconds for every order to be done."
    )
    parser.add_argument("--failure-rate", type=float, default=0.2, help="Sandbox failures.")
    parser.add_argument(
        "--maintenance", type=float, default=30, help="Seconds the sandbox is in maintenance."
    )
    parser.add_argument("--seed", type=int, default=7, help="Seed of the sandbox's failures.")
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.orders < 100 or args.deadline <= 0 or not 0 <= args.failure_rate < 1:
        parser.error("--orders >= 100, --deadline > 0 and 0 <= --failure-rate < 1, please")

    redis = harness.RedisServer()
    redis.start()
    processes = harness.Processes()
    try:
        return run(args, redis, processes)
    finally:
        processes.stop_all()
        redis.remove()


def run(args, redis: harness.RedisServer, processes: harness.Processes) -> int:
    harness.configure(broker_url=redis.url)
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()
    from django.db.models import Max

    from orders.models import Order
    from orders.services import orders_resubmit

    staff = harness.staff_user()
    dataset = harness.dataset("chaos", orders=args.orders, shape=erred)
    env = harness.child_env(CELERY_BROKER_URL=redis.url, LOG_LEVEL="INFO")
    sandbox_port = harness.free_port()
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    processes.start(
        "chaos-sandbox",
        harness.sandbox_command(
            sandbox_port, "--failure-rate", str(args.failure_rate), "--seed", str(args.seed)
        ),
        env=env,
    )
    harness.wait_for(lambda: harness.sandbox_ready(sandbox), timeout=30, what="the sandbox")
    harness.park(keep=dataset)
    reset(dataset, endpoint_url=f"{sandbox}/orders")

    workers = ["chaos-worker-1", "chaos-worker-2"]
    sweep_command = [harness.PYTHON, "manage.py", "retry_due", "--loop", "--interval", "1"]

    def start_worker(name: str) -> None:
        processes.start(name, harness.celery_worker_command(name), env=env)

    for name in workers:
        start_worker(name)
    processes.start("chaos-sweep", sweep_command, env=env)

    harness.wait_for(lambda: harness.workers_ready(len(workers)), timeout=60, what="the workers")

    def mode(**fields) -> None:
        harness.sandbox(sandbox, "/_sandbox/mode", fields)

    def kill_and_restart() -> None:
        processes.kill(workers[0])
        start_worker(workers[0])

    def maintenance_on() -> None:
        mode(maintenance=True, maintenance_retry_after=1)

    def maintenance_off() -> None:
        mode(maintenance=False)

    events = sorted(
        [
            (3.0, "SIGKILL worker 1 and restart it", kill_and_restart),
            (6.0, f"sandbox maintenance on for {args.maintenance:g} s", maintenance_on),
            (12.0, "restart Redis (every queued message lost)", redis.restart),
            (20.0, "SIGKILL worker 1 again and restart it", kill_and_restart),
            (6.0 + args.maintenance, "sandbox maintenance off", maintenance_off),
        ],
        key=lambda event: event[0],
    )

    orders = Order.objects.filter(pk__gte=dataset.first_pk, pk__lte=dataset.last_pk)
    print(f"resubmitting {args.orders:,} orders; faults follow ...", flush=True)
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC)
    result = orders_resubmit(orders=orders, actor=staff)
    assert result.resubmitted == args.orders, result
    timeline, restarts = [], {"chaos-sweep": 0, **dict.fromkeys(workers, 0)}
    last_fault_at, last_print, done = started_at, 0.0, 0
    while True:
        elapsed = time.monotonic() - started
        while events and events[0][0] <= elapsed:
            _, what, action = events.pop(0)
            action()
            last_fault_at = dt.datetime.now(dt.UTC)
            timeline.append({"at_seconds": round(time.monotonic() - started, 1), "event": what})
            print(f"  t={timeline[-1]['at_seconds']:5.1f}s  {what}", flush=True)
        for name, process in list(processes.running.items()):
            if name in restarts and process.poll() is not None:
                restarts[name] += 1
                command = sweep_command if name == "chaos-sweep" else None
                if command:
                    processes.start(name, command, env=env)
                else:
                    start_worker(name)
                timeline.append(
                    {
                        "at_seconds": round(elapsed, 1),
                        "event": f"{name} exited on its own (status {process.returncode}); "
                        "restarted, as a supervisor would",
                    }
                )
                print(f"  t={elapsed:5.1f}s  {timeline[-1]['event']}", flush=True)
        done = orders.filter(state=Order.State.DONE).count()
        if done == args.orders and not events:
            break
        if elapsed > args.deadline:
            print(f"deadline of {args.deadline:g} s passed with {done} of {args.orders} done")
            break
        if elapsed - last_print >= 10:
            last_print = elapsed
            print(f"  t={elapsed:5.1f}s  {progress(dataset)}", flush=True)
        time.sleep(0.5)
    finished = time.monotonic() - started
    processes.stop("chaos-sweep")
    for name in workers:
        processes.stop(name)
    state = harness.sandbox(sandbox, "/_sandbox/state", timeout=60)
    processes.stop("chaos-sandbox")

    _, findings = judge(dataset, state)
    harness.park()
    last_done = orders.aggregate(last=Max("completed_at"))["last"]
    all_done = done == args.orders
    recovery = (last_done - last_fault_at).total_seconds() if all_done and last_done else None
    total = (last_done - started_at).total_seconds() if all_done and last_done else None
    figures = {
        **findings.figures,
        "seconds_to_all_done": round(total, 1) if total is not None else None,
        "recovery_seconds_after_last_fault": round(recovery, 1) if recovery is not None else None,
        "restarts_by_supervisor": restarts,
        "duplicate_sends_reported_by_sandbox": state["duplicate_sends"],
    }
    if not all_done:
        findings.problems.insert(0, f"only {done} of {args.orders} orders done by the deadline")
    rows = [
        ("orders done", f"{figures['done']:,} of {args.orders:,}"),
        ("time to all done", f"{total:.1f} s" if total is not None else "not all done"),
        (
            "recovery after the last fault",
            f"{recovery:.1f} s" if recovery is not None else "not recovered",
        ),
        ("accepted by the sandbox", f"{figures['accepted']:,} (one per idempotency key)"),
        (
            "POSTs / keys sent more than once",
            f"{figures['posts']:,} / {figures['keys_sent_more_than_once']:,} "
            f"(max {figures['max_posts_per_key']} per key; the sandbox answered the repeats 409 "
            "or they failed)",
        ),
        ("attempt rows", f"{figures['attempts']:,} {figures['attempt_outcomes']}"),
        ("restarted by the supervisor", str(restarts)),
        ("verdict", "OK: nothing lost, nothing twice" if findings.ok else "FAILED"),
    ]
    for event in timeline:
        print(f"  t={event['at_seconds']:5.1f}s  {event['event']}")
    for problem in findings.problems:
        print(f"PROBLEM: {problem}")
    harness.report(
        "chaos",
        parameters={
            "orders": args.orders,
            "failure_rate": args.failure_rate,
            "maintenance_seconds": args.maintenance,
            "seed": args.seed,
            "deadline_seconds": args.deadline,
            "workers": 2,
            "sweep": "manage.py retry_due --loop --interval 1",
            "integration": {k: str(v) for k, v in INTEGRATION.items()},
            "visibility_timeout_seconds": 3600,
        },
        rows=rows,
        figures=figures,
        baseline={"what": "none: the run is judged by its checks, not against a baseline"},
        ratio=None,
        targets=[
            harness.Target("every order done, within the deadline", all_done, f"{done} done"),
            harness.Target(
                "nothing lost or sent twice, no attempt row missing",
                findings.ok,
                "; ".join(findings.problems) or "all checks passed",
            ),
        ],
        started_quiet=quiet,
        extra={"timeline": timeline, "problems": findings.problems, "run_seconds": finished},
    )
    return 0 if findings.ok and all_done else 1


if __name__ == "__main__":
    raise SystemExit(main())
