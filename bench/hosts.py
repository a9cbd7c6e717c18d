"""Many hosts: web, workers, sweeps, the database and the broker on hosts of their own (network
namespaces on this machine, ``bench/hosts_lab.py``), a worker host's link cut mid-drain and the
other's processes killed, on Redis and then on RabbitMQ; then the drain at 1, 2 and 4 worker
processes per worker host.

The hosts: ``db`` (a fresh PostgreSQL from ``initdb`` in a temporary folder, Redis, and for the
second run RabbitMQ with quorum queues, each listening on the host's own address), ``sandbox``
(``run_fulfillment_sandbox`` failing ``--failure-rate`` of the POSTs), ``web`` (gunicorn as
docs/production.md runs it, and beat: exactly one), ``worker1`` and ``worker2`` (each
``--processes`` Celery workers as the Procfile runs them, one process of 16 threads, and a
sweep ``retry_due --loop``: two sweeps at once). This process is the orchestrator: the client
placing orders through the API of the web host, the fault injector and the judge.

A run per broker: ``--orders`` orders placed through the API (create, then approve: the
offering needs no provider approval, so each starts executing and is sent); when
``--cut-at`` of them are placed, worker1's link goes down (``ip link set eth0 down`` in its
namespace) for ``--cut`` s; ``--kill-after`` s after the link is back, every process of worker2
is killed with SIGKILL and its workers and sweep are started again (as a supervisor would).
Then, once every order is done or at ``--deadline``: every order done, each idempotency key
accepted exactly once by the sandbox and no order under two keys, every attempt row there
(numbered 1..n, all closed, one a success), no lease or retry claim left (leases reclaimed:
the attempts abandoned by the faults were closed by a later claim). Recovery after each
fault: seconds from its end (link back, processes restarted) until the host's workers answer
again, and until every order placed before the fault is done.

The drain (``--scale``): the Redis run's orders reset and handed to the workers at once, with
1, 2 and 4 worker processes per worker host, the sandbox not failing: orders/s, and
PostgreSQL's CPU (every ``postgres`` process of the db host, from /proc) as a share of the
machine's cores and of all the hosts' CPU.

Everything it starts it stops by process id, and it removes its namespaces, bridge and
temporary folders on any exit. Exit status 1 on any loss, duplicate, missing attempt row or
lease left, or if not every order is done by the deadline. Needs root (``ip netns``).

    .venv/bin/python -m bench.hosts                 # make hosts: 5,000 orders, both brokers, scale
    .venv/bin/python -m bench.hosts --quick         # make hosts-quick: 500 orders, a 10 s cut
    .venv/bin/python -m bench.hosts --check         # the address plan and the cleanup only
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor

from bench import chaos, harness
from bench.hosts_lab import (
    AddressPlan,
    Lab,
    start_postgres,
    start_rabbitmq,
    start_redis,
    stop_on_signals,
)

# The chaos run's fast retries (from 0.5 s, at most 5 s) and breaker, with room for two hosts.
INTEGRATION = {**chaos.INTEGRATION, "max_in_flight": 200, "max_per_second": 2000}
SANDBOX_PORT = 8765
SENT_STATES = ("executing", "done", "erred")
WEB_PORT = 8000
CELERY = str(harness.ROOT / ".venv" / "bin" / "celery")
GUNICORN = str(harness.ROOT / ".venv" / "bin" / "gunicorn")


class Placer(threading.Thread):
    """Orders placed through the web host's API by ``clients`` threads: POST /api/orders/, then
    POST .../approve/. Keeps each order's number and placing time, and every failed request."""

    def __init__(self, *, url: str, token: str, offering: str, organization: str, orders: int,
                 clients: int) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.url, self.token, self.orders, self.clients = url, token, orders, clients
        self.body = {"offering": offering, "consumer_organization": organization}
        self.placed: list[tuple[float, str]] = []  # (time placed, uuid)
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.local = threading.local()
        self.finished_at: float | None = None

    def _client(self):
        import httpx

        if not hasattr(self.local, "client"):
            self.local.client = httpx.Client(
                base_url=self.url, headers={"Authorization": f"Token {self.token}"}, timeout=60
            )
        return self.local.client

    def place(self, i: int) -> None:
        client = self._client()
        try:
            created = client.post(
                "/api/orders/",
                json={**self.body, "attributes": {"name": f"hosts {i}"}, "customer_name": f"c{i}"},
            )
            if created.status_code != 201:
                raise RuntimeError(f"create: {created.status_code} {created.text[:200]}")
            uuid = created.json()["uuid"]
            approved = client.post(f"/api/orders/{uuid}/approve/", json={})
            # approved, it is sent after commit: a worker may have sent it (done) or seen it
            # fail (erred, a retry due) before the answer was written
            if approved.status_code != 200 or approved.json()["state"] not in SENT_STATES:
                raise RuntimeError(f"approve: {approved.status_code} {approved.text[:200]}")
        except Exception as exc:
            with self.lock:
                self.errors.append(f"order {i}: {type(exc).__name__}: {exc}")
            return
        with self.lock:
            self.placed.append((time.time(), uuid))

    def run(self) -> None:
        with ThreadPoolExecutor(self.clients) as pool:
            list(pool.map(self.place, range(self.orders)))
        self.finished_at = time.time()

    def count(self) -> int:
        with self.lock:
            return len(self.placed)


class Run:
    """One broker's run on the lab's hosts."""

    def __init__(self, lab: Lab, args, *, broker: str, broker_url: str, limits_url: str,
                 database_url: str) -> None:  # fmt: skip
        self.lab, self.args, self.broker = lab, args, broker
        self.broker_url, self.limits_url, self.database_url = broker_url, limits_url, database_url
        plan = lab.plan
        self.sandbox_url = f"http://{plan.host('sandbox').address}:{SANDBOX_PORT}"
        self.web_url = f"http://{plan.host('web').address}:{WEB_PORT}"
        from celery import Celery

        # The project's Celery settings on this run's broker, to ask the workers (ping). The
        # broker's environment variable would win over the app's own (``run`` removes it).
        self.control = Celery("redrive-hosts-control", set_as_current=False)
        self.control.config_from_object("django.conf:settings", namespace="CELERY")
        self.control.conf.broker_url = broker_url
        self.control.conf.broker_transport_options = {}
        self.timeline: list[dict] = []
        self.started = time.monotonic()

    # -- processes --------------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        return harness.child_env(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            REDRIVE_LIMITS_URL=self.limits_url,
            ALLOWED_HOSTS=",".join([self.lab.plan.host("web").address, "127.0.0.1"]),
            LOG_LEVEL="WARNING",
            **extra,
        )

    def worker_names(self, host: str, processes: int | None = None) -> list[str]:
        count = processes or self.args.processes
        return [f"{host}-p{i}@{self.broker}" for i in range(1, count + 1)]

    def start_worker_host(self, host: str, processes: int | None = None) -> None:
        """The host's Celery workers (the Procfile's: one process of 16 threads each, every
        queue) and its sweep."""
        for name in self.worker_names(host, processes):
            self.lab.spawn(
                host,
                f"{self.broker}-{name.split('@')[0]}",
                [CELERY, "-A", "config", "worker", "--loglevel", "WARNING", "--hostname", name],
                env=self.env(),
                cwd=harness.ROOT,
            )
        self.lab.spawn(
            host,
            f"{self.broker}-{host}-sweep",
            [harness.PYTHON, "manage.py", "retry_due", "--loop", "--interval",
             str(self.args.sweep_interval)],
            env=self.env(),
            cwd=harness.ROOT,
        )  # fmt: skip

    def stop_worker_host(self, host: str) -> None:
        for name in list(self.lab.processes):
            if name.startswith(f"{self.broker}-{host}-"):
                self.lab.stop(name, timeout=60)

    def start_web(self) -> None:
        address = self.lab.plan.host("web").address
        self.lab.spawn(
            "web",
            f"{self.broker}-gunicorn",
            [GUNICORN, "config.wsgi", "--bind", f"{address}:{WEB_PORT}", "--workers",
             str(self.args.web_workers), "--max-requests", "2000", "--max-requests-jitter", "200"],
            env=self.env(),
            cwd=harness.ROOT,
        )  # fmt: skip
        folder = self.lab.temp_dir(f"beat-{self.broker}")
        self.lab.spawn(
            "web",
            f"{self.broker}-beat",
            [CELERY, "-A", "config", "beat", "--loglevel", "WARNING", "--schedule",
             str(folder / "beat-schedule")],
            env=self.env(),
            cwd=harness.ROOT,
        )  # fmt: skip

        def answers() -> bool:
            import httpx

            try:
                return httpx.get(f"{self.web_url}/healthz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        harness.wait_for(answers, timeout=60, what="gunicorn on the web host")

    def answering(self, names: list[str]) -> set[str]:
        try:
            replies = self.control.control.ping(destination=names, timeout=1.0)
        except OSError:  # the broker's connection was lost: ask again
            return set()
        return {name for reply in replies for name in reply} & set(names)

    def wait_workers(self, names: list[str], *, timeout: float = 90) -> float:
        started = time.monotonic()
        harness.wait_for(
            lambda: self.answering(names) == set(names),
            timeout=timeout,
            interval=0.5,
            what=f"workers {names} to answer",
        )
        return time.monotonic() - started

    def event(self, what: str) -> float:
        at = round(time.monotonic() - self.started, 1)
        self.timeline.append({"at_seconds": at, "event": what})
        print(f"  t={at:6.1f}s  {what}", flush=True)
        return at

    # -- the fixture ------------------------------------------------------------------------

    def fixture(self) -> types.SimpleNamespace:
        """An organization, an integration to the sandbox and an offering of this run's own
        (needing no provider approval), and a staff user's API key."""
        from core.tokens import api_token_issue
        from integrations.models import Integration
        from orders.models import Offering, Organization

        provider = Organization.objects.create(name=f"Hosts provider ({self.broker})")
        consumer = Organization.objects.create(name=f"Hosts consumer ({self.broker})")
        integration = Integration.objects.create(
            name=f"hosts {self.broker}",
            backend=Integration.Backend.HTTP_PUSH,
            endpoint_url=f"{self.sandbox_url}/orders",
            **INTEGRATION,
        )
        offering = Offering.objects.create(
            provider=provider,
            name=f"Hosts {self.broker}",
            type=Offering.Type.REMOTE,
            integration=integration,
            auto_approve=True,
        )
        staff = harness.staff_user()
        token = api_token_issue(user=staff, name=f"bench.hosts {self.broker}")[1]
        return types.SimpleNamespace(
            integration=integration, offering=offering, consumer=consumer, token=token
        )

    # -- the run ----------------------------------------------------------------------------

    def faults(self) -> dict:
        """Orders through the API while worker1's link is cut and worker2's processes are
        killed; the verdict."""
        from django.db.models import Max, Min

        from integrations.models import Delivery, RetryClaim
        from orders.models import Order

        args = self.args
        fixture = self.fixture()
        harness.sandbox(self.sandbox_url, "/_sandbox/reset", {})
        harness.sandbox(
            self.sandbox_url,
            "/_sandbox/mode",
            {"failure_rate": args.failure_rate, "latency_ms": args.latency_ms, "seed": args.seed},
        )
        self.start_web()
        for host in ("worker1", "worker2"):
            self.start_worker_host(host)
        self.wait_workers(self.worker_names("worker1") + self.worker_names("worker2"))
        orders = Order.objects.filter(offering=fixture.offering)
        placer = Placer(
            url=self.web_url,
            token=fixture.token,
            offering=str(fixture.offering.uuid),
            organization=str(fixture.consumer.uuid),
            orders=args.orders,
            clients=args.clients,
        )
        self.started = time.monotonic()
        started_at = time.time()
        self.event(f"placing {args.orders:,} orders through the API ({args.clients} clients)")
        placer.start()
        faults: dict[str, dict] = {}
        cut_at = restored_at = killed_at = None
        last_print = 0.0
        while True:
            now = time.monotonic()
            placed = placer.count()
            if cut_at is None and placed >= args.cut_at * args.orders:
                faults["link_cut"] = self.fault_start(orders, "cut worker1's link (eth0 down)")
                self.lab.link(host="worker1", up=False)
                cut_at = now
            if cut_at and restored_at is None and now - cut_at >= args.cut:
                self.lab.link(host="worker1", up=True)
                restored_at = now
                self.fault_end(faults["link_cut"], "worker1's link restored", "worker1")
            if restored_at and killed_at is None and now - restored_at >= args.kill_after:
                faults["kill"] = self.fault_start(orders, "SIGKILL every process of worker2")
                pids = self.lab.kill_host("worker2")
                self.event(f"  killed {len(pids)} processes; starting worker2's again")
                self.start_worker_host("worker2")
                killed_at = now
                self.fault_end(faults["kill"], "worker2's processes restarted", "worker2")
            for fault in faults.values():
                self.fault_progress(orders, fault)
            done = orders.filter(state=Order.State.DONE).count()
            if placer.finished_at and killed_at and done == placed:
                break
            if now - self.started > args.deadline:
                self.event(f"deadline: {done} of {args.orders} done")
                break
            if now - last_print >= 10:
                last_print = now
                self.event(f"placed {placed:,}, done {done:,}; {self.progress(fixture)}")
            time.sleep(0.5)
        placer.join(timeout=60)
        for fault in faults.values():
            self.fault_progress(orders, fault)
        self.event(f"all {done:,} done" if done == args.orders else f"{done:,} done")
        for host in ("worker1", "worker2"):
            self.stop_worker_host(host)
        self.lab.stop(f"{self.broker}-beat")
        self.lab.stop(f"{self.broker}-gunicorn")
        state = harness.sandbox(self.sandbox_url, "/_sandbox/state", timeout=120)
        load = harness.sandbox(self.sandbox_url, "/_sandbox/load")

        from bench.chaos_checks import judge

        bounds = orders.aggregate(first=Min("pk"), last=Max("pk"), last_done=Max("completed_at"))
        dataset = types.SimpleNamespace(
            first_pk=bounds["first"] or 0,
            last_pk=bounds["last"] or -1,
            integration_id=fixture.integration.pk,
            offering_id=fixture.offering.pk,
        )
        order_states, findings = judge(dataset, state)
        problems = findings.problems
        if placer.errors:
            problems.insert(0, f"{len(placer.errors)} API requests failed: {placer.errors[:3]}")
        if len(order_states) != args.orders:
            problems.insert(0, f"{len(order_states)} orders placed of {args.orders}")
        leased = Delivery.objects.filter(
            integration=fixture.integration, lease_expires_at__isnull=False
        ).count()
        claims = RetryClaim.objects.filter(order__offering=fixture.offering).count()
        if leased:
            problems.append(f"{leased} deliveries still hold a lease")
        if claims:
            problems.append(f"{claims} retry claims left")
        from integrations.models import Attempt
        from integrations.services.claims import ABANDONED

        abandoned = Attempt.objects.filter(
            integration=fixture.integration, message=ABANDONED
        ).count()
        last_done = bounds["last_done"]
        placing_seconds = (placer.finished_at or time.time()) - started_at
        all_done = findings.figures.get("done") == args.orders
        return {
            "broker": self.broker,
            "ok": not problems and all_done,
            "problems": problems,
            "orders": args.orders,
            "placing_seconds": round(placing_seconds, 1),
            "placed_per_second": round(len(placer.placed) / placing_seconds, 1),
            "seconds_to_all_done": round(last_done.timestamp() - started_at, 1)
            if last_done and all_done
            else None,
            "faults": faults,
            "leases_left": leased,
            "retry_claims_left": claims,
            "attempts_abandoned_then_reclaimed": abandoned,
            "sandbox_load": load,
            "duplicate_sends_reported_by_sandbox": state["duplicate_sends"],
            **findings.figures,
            "dataset": vars(dataset),
            "timeline": self.timeline,
        }

    def fault_start(self, orders, what: str) -> dict:
        from django.db.models import Max

        return {
            "what": what,
            "at_seconds": self.event(what),
            "started": time.monotonic(),
            "last_order_before": orders.aggregate(last=Max("pk"))["last"] or 0,
        }

    def fault_end(self, fault: dict, what: str, host: str) -> None:
        fault["ended"] = time.monotonic()
        fault["ended_at_seconds"] = self.event(what)
        fault["host_answering_seconds"] = round(self.wait_workers(self.worker_names(host)), 1)
        self.event(f"  {host}'s workers answer again after {fault['host_answering_seconds']} s")

    def fault_progress(self, orders, fault: dict) -> None:
        """When every order placed before the fault is done: seconds after its end."""
        from orders.models import Order

        if "ended" not in fault or "orders_before_done_seconds" in fault:
            return
        before = orders.filter(pk__lte=fault["last_order_before"])
        if not before.exclude(state=Order.State.DONE).exists():
            fault["orders_before"] = before.count()
            fault["orders_before_done_seconds"] = round(time.monotonic() - fault["ended"], 1)
            self.event(
                f"  every order placed before '{fault['what']}' ({fault['orders_before']:,}) "
                f"done {fault['orders_before_done_seconds']} s after it ended"
            )

    def progress(self, fixture) -> str:
        from django.db.models import Count

        from integrations.models import Delivery

        states = dict(
            Delivery.objects.filter(integration=fixture.integration)
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        return "deliveries " + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))

    # -- the drain at 1, 2, 4 processes per host ---------------------------------------------

    def scale(self, dataset: types.SimpleNamespace, processes: int, rounds: int) -> dict:
        """The run's orders reset (executing, each delivery to send again, the sandbox
        forgetting them) and handed to the workers at once; orders/s and who used the CPU."""
        from django.db import transaction

        from integrations.services import deliveries_queue
        from orders.models import Order, Trigger

        for host in ("worker1", "worker2"):
            self.start_worker_host(host, processes)
        names = self.worker_names("worker1", processes) + self.worker_names("worker2", processes)
        self.wait_workers(names)
        data = harness.Dataset(
            "hosts", 0, {}, dataset.offering_id, dataset.integration_id, dataset.first_pk,
            dataset.last_pk, dt.datetime.now(dt.UTC),
        )  # fmt: skip
        ids = list(
            Order.objects.filter(offering_id=dataset.offering_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        orders = Order.objects.filter(offering_id=dataset.offering_id)
        measured = []
        for _ in range(rounds):
            harness.reset_executing(
                data,
                integration="max_in_flight = %(in_flight)s",
                in_flight=INTEGRATION["max_in_flight"],
            )
            harness.sandbox(self.sandbox_url, "/_sandbox/reset", {})
            harness.sandbox(
                self.sandbox_url,
                "/_sandbox/mode",
                {"failure_rate": 0.0, "latency_ms": self.args.latency_ms},
            )
            before = self.cpu()
            started = time.monotonic()
            for start in range(0, len(ids), 1000):
                with transaction.atomic():
                    deliveries_queue(
                        order_ids=ids[start : start + 1000], trigger=Trigger.USER, actor=None
                    )
            harness.wait_for(
                lambda: not orders.exclude(state=Order.State.DONE).exists(),
                timeout=self.args.deadline,
                interval=0.2,
                what="the drain",
            )
            seconds = time.monotonic() - started
            cpu = {k: round(v - before[k], 2) for k, v in self.cpu().items()}
            hosts_cpu = sum(v for k, v in cpu.items() if k not in ("machine", "postgres"))
            measured.append(
                {
                    "seconds": round(seconds, 2),
                    "orders_per_second": round(len(ids) / seconds, 1),
                    "cpu_seconds": cpu,
                    "postgres_share_of_cores": round(cpu["postgres"] / (seconds * NPROC), 3),
                    "postgres_share_of_hosts_cpu": round(cpu["postgres"] / hosts_cpu, 3)
                    if hosts_cpu
                    else None,
                    "machine_busy_share": round(cpu["machine"] / (seconds * NPROC), 3),
                }
            )
            print(f"  {processes} per host: {measured[-1]}", flush=True)
        for host in ("worker1", "worker2"):
            self.stop_worker_host(host)
        best = max(measured, key=lambda m: m["orders_per_second"])
        return {
            "processes_per_host": processes,
            "orders": len(ids),
            "rounds": measured,
            "best": best,
        }

    def cpu(self) -> dict[str, float]:
        lab = self.lab
        db_all = lab.host_cpu_seconds("db")
        postgres = lab.host_cpu_seconds("db", command="postgres")
        return {
            "postgres": postgres,
            "db_host_other": db_all - postgres,  # Redis (the broker and the limits)
            "workers": lab.host_cpu_seconds("worker1") + lab.host_cpu_seconds("worker2"),
            "web": lab.host_cpu_seconds("web"),
            "sandbox": lab.host_cpu_seconds("sandbox"),
            "machine": harness_machine_busy(),
        }


NPROC = os.cpu_count() or 1


def harness_machine_busy() -> float:
    from bench.harness.processes import machine_busy_seconds

    return machine_busy_seconds()


def start_sandbox(lab: Lab, args, env: dict[str, str]) -> str:
    address = lab.plan.host("sandbox").address
    lab.spawn(
        "sandbox",
        "sandbox",
        harness.sandbox_command(SANDBOX_PORT, "--host", address, "--failure-rate",
                                str(args.failure_rate), "--seed", str(args.seed)),
        env=env,
        cwd=harness.ROOT,
    )  # fmt: skip
    url = f"http://{address}:{SANDBOX_PORT}"
    harness.wait_for(lambda: harness.sandbox_ready(url), timeout=60, what="the sandbox host")
    return url


def check(lab: Lab) -> int:
    """Build every host and server, show that each host reaches the db host and nothing
    else of the plan is missing, undo it all and show that nothing is left."""
    import psycopg

    plan = lab.plan
    for host in plan.all():
        print(
            f"  {host.name:<8} namespace {host.namespace:<14} veth {host.veth:<14} {host.address}"
        )
    print(f"  bridge {plan.bridge} {plan.gateway}/{plan.network.prefixlen} (this process)")
    lab.open()
    postgres = start_postgres(lab)
    redis = start_redis(lab)
    rabbitmq = start_rabbitmq(lab)
    with psycopg.connect(postgres) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    print(f"  PostgreSQL {version} at {postgres}; Redis at {redis}; RabbitMQ at {rabbitmq}")
    lab.link(host="worker1", up=False)
    cut = not lab.link_is_up("worker1")
    lab.link(host="worker1", up=True)
    restored = lab.link_is_up("worker1")
    print(f"  worker1's link cut and restored: {'yes' if cut and restored else 'NO'}")
    failed = lab.close()
    left = lab.leftovers()
    print(f"  after cleanup: {', '.join(left) if left else 'nothing left'}")
    return 0 if cut and restored and not failed and not left else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5000, help="Orders placed per broker.")
    parser.add_argument("--processes", type=int, default=1, help="Workers per worker host.")
    parser.add_argument("--clients", type=int, default=8, help="Threads placing orders.")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn --workers.")
    parser.add_argument("--failure-rate", type=float, default=0.1, help="Sandbox failures.")
    parser.add_argument("--latency-ms", type=int, default=50, help="Sandbox latency.")
    parser.add_argument("--seed", type=int, default=22, help="Seed of the sandbox's failures.")
    parser.add_argument("--sweep-interval", type=float, default=5, help="retry_due --interval.")
    parser.add_argument("--cut-at", type=float, default=0.3, help="Share placed at the cut.")
    parser.add_argument("--cut", type=float, default=30, help="Seconds worker1's link is down.")
    parser.add_argument(
        "--kill-after", type=float, default=15, help="Seconds after the link is back to kill."
    )
    parser.add_argument("--deadline", type=float, default=900, help="Seconds per broker run.")
    parser.add_argument(
        "--idle-in-transaction",
        default="0",
        help="The db host's idle_in_transaction_session_timeout ('15s'; 0, the default: off).",
    )
    parser.add_argument("--name", help="The results' name (default hosts, or hosts_quick).")
    parser.add_argument(
        "--brokers", default="redis,rabbitmq", help="Comma-separated: redis, rabbitmq."
    )
    parser.add_argument(
        "--scale", default="1,2,4", help="Worker processes per host for the drain ('' skips)."
    )
    parser.add_argument("--scale-rounds", type=int, default=2, help="Drains per process count.")
    parser.add_argument("--quick", action="store_true", help="500 orders, a 10 s cut, 1,2.")
    parser.add_argument("--check", action="store_true", help="Build and remove the hosts only.")
    harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.orders, args.cut, args.kill_after, args.scale_rounds = 500, 10, 5, 1
        args.scale = "1,2" if args.scale == "1,2,4" else args.scale
    brokers = [b for b in args.brokers.split(",") if b]
    scale = [int(n) for n in args.scale.split(",") if n]
    if set(brokers) - {"redis", "rabbitmq"} or not brokers:
        parser.error("--brokers takes redis and/or rabbitmq")
    if args.orders < 10 or not 0 <= args.failure_rate < 1 or not 0 < args.cut_at < 1:
        parser.error("--orders >= 10, 0 <= --failure-rate < 1 and 0 < --cut-at < 1, please")
    if scale and "redis" not in brokers:
        parser.error("the drain (--scale) runs on the Redis run's orders: keep redis in --brokers")
    stop_on_signals()
    lab = Lab(AddressPlan())
    if args.check:
        return check(lab)
    try:
        return run(lab, args, brokers, scale)
    finally:
        lab.close()
        left = lab.leftovers()
        print(f"cleanup: {', '.join(left) if left else 'nothing left behind'}", flush=True)


def run(lab: Lab, args, brokers: list[str], scale: list[int]) -> int:
    quiet = harness.wait_until_quiet(args.wait_quiet) if args.wait_quiet else True
    quiet = quiet and not harness.other_tests_running()
    lab.open()
    print("hosts: " + ", ".join(f"{h.name} {h.address}" for h in lab.plan.all()), flush=True)
    server = start_postgres(
        lab, settings={"idle_in_transaction_session_timeout": args.idle_in_transaction}
    )
    database_url = server.rsplit("/", 1)[0] + "/redrive"
    redis = start_redis(lab)
    limits_url = redis.rsplit("/", 1)[0] + "/1"
    harness.configure(broker_url=redis, database_url=database_url)
    # Settings are read: from now on each Celery app's own broker_url counts (Celery prefers
    # the environment variable to it). This process's tasks (the drain) go to Redis.
    os.environ.pop("CELERY_BROKER_URL")
    start_sandbox(lab, args, harness.child_env(DATABASE_URL=database_url))
    urls = {"redis": redis}
    if "rabbitmq" in brokers:
        urls["rabbitmq"] = start_rabbitmq(lab)
    results: dict[str, dict] = {}
    drains: list[dict] = []
    for broker in brokers:
        print(f"\n== {broker}: {args.orders:,} orders, {args.processes} worker process(es) "
              f"per worker host ==", flush=True)  # fmt: skip
        one = Run(lab, args, broker=broker, broker_url=urls[broker], limits_url=limits_url,
                  database_url=database_url)  # fmt: skip
        results[broker] = one.faults()
        if broker == "redis" and scale:
            print(f"\n== the drain at {scale} worker processes per host ==", flush=True)
            one.start_web()  # beat: probes and the release tick, as in production
            dataset = types.SimpleNamespace(**results["redis"]["dataset"])
            for processes in scale:
                drains.append(one.scale(dataset, processes, args.scale_rounds))
            lab.stop("redis-beat")
            lab.stop("redis-gunicorn")
    return report(args, results, drains, quiet=quiet)


def report(args, results: dict[str, dict], drains: list[dict], *, quiet: bool) -> int:
    rows = []
    for broker, result in results.items():
        done = result.get("done", 0)
        rows.append((f"{broker}: orders done", f"{done:,} of {result['orders']:,}"))
        rows.append(
            (
                f"{broker}: placed through the API",
                f"{result['placed_per_second']}/s ({result['placing_seconds']} s); all done "
                f"{result['seconds_to_all_done']} s after the first",
            )
        )
        for key, fault in result["faults"].items():
            rows.append(
                (
                    f"{broker}: {key} (t={fault['at_seconds']} s)",
                    f"workers answer {fault.get('host_answering_seconds')} s after it ended; "
                    f"the {fault.get('orders_before', '?'):,} orders placed before it all done "
                    f"{fault.get('orders_before_done_seconds')} s after it ended"
                    if isinstance(fault.get("orders_before"), int)
                    else f"workers answer {fault.get('host_answering_seconds')} s after it "
                    "ended; orders placed before it NOT all done",
                )
            )
        rows.append(
            (
                f"{broker}: keys accepted / POSTs / after acceptance",
                f"{result.get('accepted', 0):,} / {result.get('posts', 0):,} / "
                f"{result['sandbox_load'].get('already_accepted', 0):,} (keys POSTed again: "
                f"{result.get('keys_sent_more_than_once', 0):,}, retries after a failure and "
                "repeats of an accepted key, which the sandbox answers 409)",
            )
        )
        rows.append(
            (
                f"{broker}: attempts, abandoned then reclaimed, leases left",
                f"{result.get('attempts', 0):,} {result.get('attempt_outcomes')}; "
                f"{result['attempts_abandoned_then_reclaimed']}; {result['leases_left']} leases, "
                f"{result['retry_claims_left']} claims",
            )
        )
        rows.append((f"{broker}: verdict", "OK" if result["ok"] else "FAILED"))
    for drain in drains:
        best = drain["best"]
        rows.append(
            (
                f"drain, {drain['processes_per_host']} worker process(es) per host",
                f"{best['orders_per_second']}/s ({drain['orders']:,} in {best['seconds']} s); "
                f"PostgreSQL {best['postgres_share_of_cores']:.0%} of the cores, "
                f"{best['postgres_share_of_hosts_cpu']:.0%} of the hosts' CPU; machine "
                f"{best['machine_busy_share']:.0%} busy",
            )
        )
    baseline = next((d for d in drains if d["processes_per_host"] == 1), None)
    widest = drains[-1] if drains else None
    ratio = (
        round(widest["best"]["orders_per_second"] / baseline["best"]["orders_per_second"], 2)
        if baseline and widest and widest is not baseline
        else None
    )
    for broker, result in results.items():
        for problem in result["problems"]:
            print(f"PROBLEM ({broker}): {problem}")
    targets = [
        harness.Target(
            f"{broker}: every order done, nothing lost or sent twice, no attempt row or lease "
            "missing",
            result["ok"],
            "; ".join(result["problems"]) or "all checks passed",
        )
        for broker, result in results.items()
    ]
    harness.report(
        args.name or ("hosts_quick" if args.quick else "hosts"),
        module="hosts",
        parameters={
            "orders": args.orders,
            "brokers": list(results),
            "processes_per_worker_host": args.processes,
            "worker": "celery -A config worker (threads, 16: the Procfile's), --loglevel WARNING",
            "sweeps": f"retry_due --loop --interval {args.sweep_interval:g}, one per worker host",
            "web": f"gunicorn --workers {args.web_workers} and beat on the web host",
            "clients": args.clients,
            "failure_rate": args.failure_rate,
            "latency_ms": args.latency_ms,
            "cut_seconds": args.cut,
            "cut_at_share_placed": args.cut_at,
            "kill_after_seconds": args.kill_after,
            "idle_in_transaction_session_timeout": args.idle_in_transaction,
            "scale": [d["processes_per_host"] for d in drains],
            "integration": {k: str(v) for k, v in INTEGRATION.items()},
            "hosts": {h.name: h.address for h in AddressPlan().all()},
        },
        rows=rows,
        figures={"runs": results, "drains": drains},
        baseline={
            "what": "the drain with 1 worker process per host (the ratio: the most processes' "
            "orders/s over it)",
            "orders_per_second": baseline["best"]["orders_per_second"] if baseline else None,
        },
        ratio=ratio,
        targets=targets,
        started_quiet=quiet,
    )
    return 0 if all(result["ok"] for result in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
