"""The test hosts of ``bench.hosts``: network namespaces on this machine joined by veth pairs to
a bridge, each running its own servers, and everything they start undone again.

``AddressPlan`` (which host has which namespace, interface and address) and ``Undo`` (what to
undo, last done first, each step once) are plain data, tested in ``tests/bench/``. ``Lab`` does
the work with ``ip`` (iproute2): a bridge in the root namespace with the first address of the
subnet (the orchestrator's own, so it reaches every host), one namespace per host with a veth
pair (one end on the bridge, ``eth0`` inside), and the processes started inside with ``ip netns
exec``. Only the plan's own addresses are ever used; the machine's own PostgreSQL, Redis and
RabbitMQ are never touched (each server here is a fresh one in a temporary folder).

Every process is tracked by its id; a host's teardown also ends whatever else runs in its
namespace (an ``epmd`` RabbitMQ started, say), then deletes the namespace. ``Lab.close`` runs on
any exit: the normal end, an error, Ctrl-C, SIGTERM (``atexit`` and the caller's ``finally``).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import ipaddress
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness.environment import LOGS, wait_for

HOSTS = ("db", "sandbox", "web", "worker1", "worker2")
TEMP_PREFIX = "redrive-hosts-"
LOCK_PATH = "/tmp/redrive-hosts.lock"
IFNAMSIZ = 15  # the longest interface name Linux takes


@dataclass(frozen=True)
class Host:
    name: str
    namespace: str
    veth: str  # the root namespace's end, on the bridge; the host's end is eth0
    address: str


@dataclass(frozen=True)
class AddressPlan:
    """Where each host lives: ``prefix-<host>`` namespaces on ``subnet``, the bridge
    ``prefix-br`` holding the subnet's first address, the hosts the next ones in ``HOSTS``
    order (from the tenth)."""

    prefix: str = "rdh22"
    subnet: str = "10.122.22.0/24"
    hosts: tuple[str, ...] = HOSTS

    def __post_init__(self) -> None:
        network = ipaddress.ip_network(self.subnet)
        if not network.is_private or network.version != 4:
            raise ValueError(f"{self.subnet} is not a private IPv4 subnet")
        if network.num_addresses < len(self.hosts) + 12:
            raise ValueError(f"{self.subnet} is too small for {len(self.hosts)} hosts")
        for name in (self.bridge, *(self.veth(h) for h in self.hosts)):
            if len(name) > IFNAMSIZ:
                raise ValueError(f"interface name {name!r} is longer than {IFNAMSIZ} characters")
        if len(set(self.hosts)) != len(self.hosts):
            raise ValueError(f"host names repeat: {self.hosts}")

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.ip_network(self.subnet)

    @property
    def bridge(self) -> str:
        return f"{self.prefix}-br"

    @property
    def gateway(self) -> str:
        """The root namespace's address on the bridge (the orchestrator's)."""
        return str(self.network.network_address + 1)

    def veth(self, host: str) -> str:
        return f"{self.prefix}-{host}"

    def host(self, name: str) -> Host:
        index = self.hosts.index(name)
        return Host(
            name=name,
            namespace=f"{self.prefix}-{name}",
            veth=self.veth(name),
            address=str(self.network.network_address + 10 + index),
        )

    def all(self) -> list[Host]:
        return [self.host(name) for name in self.hosts]

    def owns(self, address: str) -> bool:
        """Is ``address`` one of the plan's (the only targets a run may have)?"""
        return address in {self.gateway, *(h.address for h in self.all())}


@dataclass
class Undo:
    """What to undo, last done first; each step runs once, a failing one does not stop the
    rest (its error is kept)."""

    steps: list[tuple[str, Callable[[], object]]] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def push(self, label: str, step: Callable[[], object]) -> None:
        self.steps.append((label, step))

    def discard(self, label: str) -> None:
        """Forget a step already undone another way (a process stopped by the run itself)."""
        self.steps = [(name, step) for name, step in self.steps if name != label]

    def run(self) -> list[tuple[str, str]]:
        while self.steps:
            label, step = self.steps.pop()
            try:
                step()
            except Exception as exc:  # keep undoing the rest
                self.failed.append((label, f"{type(exc).__name__}: {exc}"))
            else:
                self.done.append(label)
        return self.failed


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def namespace_pids(namespace: str) -> list[int]:
    found = ip("netns", "pids", namespace, check=False).stdout
    return [int(pid) for pid in found.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and of its children it has waited for (a postmaster's ended
    backends, say); 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class Lab:
    """The namespaces of an ``AddressPlan``, their processes, and their undoing."""

    def __init__(self, plan: AddressPlan | None = None) -> None:
        self.plan = plan or AddressPlan()
        self.undo = Undo()
        self.processes: dict[str, tuple[Host, subprocess.Popen]] = {}
        self.stop_signals: dict[str, int] = {}
        self.logs = LOGS / "hosts"
        self._lock = None
        self._closed = False

    # -- building ---------------------------------------------------------------------------

    def open(self) -> Lab:
        if os.geteuid() != 0:
            raise SystemExit("bench.hosts makes network namespaces: run it as root")
        self._lock = open(LOCK_PATH, "w")  # noqa: SIM115 (held for the run)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"another bench.hosts run holds {LOCK_PATH}") from None
        atexit.register(self.close)
        self.remove_leftovers()
        self.logs.mkdir(parents=True, exist_ok=True)
        plan = self.plan
        ip("link", "add", plan.bridge, "type", "bridge")
        self.undo.push(f"bridge {plan.bridge}", lambda: ip("link", "del", plan.bridge))
        ip("addr", "add", f"{plan.gateway}/{plan.network.prefixlen}", "dev", plan.bridge)
        ip("link", "set", plan.bridge, "up")
        for host in plan.all():
            self._add_host(host)
        return self

    def _add_host(self, host: Host) -> None:
        ip("netns", "add", host.namespace)
        self.undo.push(f"namespace {host.namespace}", lambda: self._remove_namespace(host))
        ip(
            "link",
            "add",
            host.veth,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            host.namespace,
        )
        ip("link", "set", host.veth, "master", self.plan.bridge)
        ip("link", "set", host.veth, "up")
        inside = ["-n", host.namespace]
        ip(*inside, "addr", "add", f"{host.address}/{self.plan.network.prefixlen}", "dev", "eth0")
        ip(*inside, "link", "set", "eth0", "up")
        ip(*inside, "link", "set", "lo", "up")

    def temp_dir(self, what: str, *, owner: str | None = None) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{what}-"))
        self.undo.push(f"temp dir {path}", lambda: shutil.rmtree(path, ignore_errors=True))
        if owner:
            shutil.chown(path, owner, owner)
        return path

    # -- processes --------------------------------------------------------------------------

    def spawn(
        self,
        host: str,
        name: str,
        command: list[str],
        *,
        env: dict[str, str],
        cwd: Path | None = None,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> subprocess.Popen:
        """Start ``command`` inside ``host``'s namespace (as ``user`` if given), in a session of
        its own, logging to ``var/bench/hosts/<name>.log``."""
        where = self.plan.host(host)
        as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"] if user else []
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (the child owns it)
        process = subprocess.Popen(
            ["ip", "netns", "exec", where.namespace, *as_user, *command],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = (where, process)
        self.stop_signals[name] = stop_signal
        self.undo.push(f"process {name}", lambda: self.stop(name))
        return process

    def stop(self, name: str, *, timeout: float = 20) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` s; the process's whole session."""
        entry = self.processes.pop(name, None)
        if entry is None:
            return
        process = entry[1]
        self.undo.discard(f"process {name}")
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, self.stop_signals.get(name, signal.SIGTERM))
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            process.wait()

    def kill_host(self, host: str) -> list[int]:
        """SIGKILL every process in ``host``'s namespace, as a machine's crash would; returns
        their ids once all are gone."""
        where = self.plan.host(host)
        pids = namespace_pids(where.namespace)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for name, (owner, process) in list(self.processes.items()):
            if owner == where:
                process.wait()
                self.processes.pop(name)
                self.undo.discard(f"process {name}")
        wait_for(lambda: not any(alive(p) for p in pids), timeout=30, what=f"{host} to die")
        return pids

    def host_cpu_seconds(self, host: str, *, command: str | None = None) -> float:
        """CPU seconds of the processes in ``host``'s namespace (only those named ``command``)."""
        pids = namespace_pids(self.plan.host(host).namespace)
        return sum(cpu_seconds(p) for p in pids if command is None or command_name(p) == command)

    # -- the network ------------------------------------------------------------------------

    def link(self, host: str, *, up: bool) -> None:
        """Cut (``up=False``) or restore ``host``'s only link: its ``eth0``."""
        where = self.plan.host(host)
        ip("-n", where.namespace, "link", "set", "eth0", "up" if up else "down")
        if up:
            wait_for(lambda: self.link_is_up(host), timeout=10, what=f"{host}'s link up")

    def link_is_up(self, host: str) -> bool:
        where = self.plan.host(host)
        return "state UP" in ip("-n", where.namespace, "link", "show", "eth0").stdout

    # -- undoing ----------------------------------------------------------------------------

    def _remove_namespace(self, host: Host) -> None:
        pids = namespace_pids(host.namespace)
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + grace
            while any(alive(p) for p in pids) and time.monotonic() < deadline:
                time.sleep(0.1)
            pids = [p for p in namespace_pids(host.namespace) if alive(p)]
            if not pids:
                break
        ip("netns", "del", host.namespace)

    def remove_leftovers(self) -> list[str]:
        """What an earlier run killed with SIGKILL (no ``finally``) left: its namespaces with
        their processes, its bridge, its temporary folders. Only this plan's names."""
        removed = []
        listed = ip("netns", "list", check=False).stdout.split("\n")
        own = {h.namespace: h for h in self.plan.all()}
        for line in listed:
            name = line.split(" ", 1)[0]
            if name in own:
                self._remove_namespace(own[name])
                removed.append(f"namespace {name}")
        if ip("link", "show", self.plan.bridge, check=False).returncode == 0:
            ip("link", "del", self.plan.bridge)
            removed.append(f"bridge {self.plan.bridge}")
        for path in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(f"temp dir {path}")
        if removed:
            print(f"removed what an earlier run left: {', '.join(removed)}", flush=True)
        return removed

    def close(self) -> list[tuple[str, str]]:
        """Undo everything, last done first (idempotent)."""
        if self._closed:
            return []
        self._closed = True
        failed = self.undo.run()
        for label, error in failed:
            print(f"cleanup: {label} failed: {error}", flush=True)
        if self._lock:
            Path(LOCK_PATH).unlink(missing_ok=True)
            self._lock.close()
        return failed

    def leftovers(self) -> list[str]:
        """What of this plan still exists (nothing, after ``close``)."""
        found = []
        listed = {
            line.split(" ", 1)[0] for line in ip("netns", "list", check=False).stdout.split("\n")
        }
        found += [f"namespace {h.namespace}" for h in self.plan.all() if h.namespace in listed]
        if ip("link", "show", self.plan.bridge, check=False).returncode == 0:
            found.append(f"bridge {self.plan.bridge}")
        found += [
            f"veth {h.veth}"
            for h in self.plan.all()
            if ip("link", "show", h.veth, check=False).returncode == 0
        ]
        found += [f"temp dir {p}" for p in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*")]
        found += [
            f"process {name} ({process.pid})"
            for name, (_, process) in self.processes.items()
            if process.poll() is None
        ]
        return found


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end the run as Ctrl-C does: through ``finally`` and ``atexit``."""

    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


# -- the servers of the database-and-broker host ----------------------------------------------


def postgres_bin() -> Path:
    """The newest PostgreSQL server's binaries (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3])
    )
    if not found:
        raise SystemExit("no PostgreSQL server under /usr/lib/postgresql/*/bin")
    return found[-1].parent


def start_postgres(
    lab: Lab, *, host: str = "db", max_connections: int = 400, settings: dict | None = None
) -> str:
    """A fresh PostgreSQL cluster (``initdb`` in a temporary folder, run as ``postgres``)
    listening on ``host``'s address only, trusting the plan's subnet, with ``settings`` (each
    a ``-c name=value``); its URL (database ``postgres``)."""
    where = lab.plan.host(host)
    folder = lab.temp_dir("postgres", owner="postgres")
    data = folder / "data"
    subprocess.run(
        [
            "setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
            str(postgres_bin() / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale", "C.UTF-8",
        ],
        check=True, capture_output=True, cwd=folder,
    )  # fmt: skip
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {lab.plan.subnet} trust\n")
    lab.spawn(
        host,
        "postgres",
        [
            str(postgres_bin() / "postgres"), "-D", str(data),
            "-c", f"listen_addresses={where.address}", "-c", "port=5432",
            "-c", f"unix_socket_directories={folder}", "-c", f"max_connections={max_connections}",
            *(f"-c{name}={value}" for name, value in (settings or {}).items()),
        ],
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
        cwd=folder,
        user="postgres",
        stop_signal=signal.SIGINT,  # fast shutdown: SIGTERM would wait for every client
    )  # fmt: skip
    url = f"postgres://postgres@{where.address}:5432/postgres"
    wait_for(lambda: _postgres_answers(url), timeout=60, what="PostgreSQL on the db host")
    return url


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def start_redis(lab: Lab, *, host: str = "db") -> str:
    """A redis-server of the run on ``host``'s address, without persistence; its URL."""
    where = lab.plan.host(host)
    folder = lab.temp_dir("redis")
    lab.spawn(
        host,
        "redis",
        [
            "redis-server", "--bind", where.address, "--port", "6379", "--save", "",
            "--appendonly", "no", "--dir", str(folder), "--protected-mode", "no",
        ],
        env={"PATH": os.environ["PATH"]},
        cwd=folder,
    )  # fmt: skip
    wait_for(lambda: _redis_answers(where.address), timeout=30, what="Redis on the db host")
    return f"redis://{where.address}:6379/0"


def _redis_answers(address: str) -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", address, "-p", "6379", "ping"], capture_output=True, text=True
    )
    return result.stdout.strip() == "PONG"


RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
RABBITMQ_NODE = "rdh22@localhost"


def start_rabbitmq(lab: Lab, *, host: str = "db") -> str:
    """A RabbitMQ node of the run in ``host``'s namespace: its own node name, database, logs,
    cookie and config in a temporary folder (never the machine's RabbitMQ), AMQP on 5672 of
    that namespace, guest allowed from the subnet. Its URL."""
    where = lab.plan.host(host)
    folder = lab.temp_dir("rabbitmq")
    (folder / "rabbitmq.conf").write_text("loopback_users = none\nlisteners.tcp.default = 5672\n")
    (folder / "enabled_plugins").write_text("[].\n")
    env = rabbitmq_env(folder)
    lab.spawn(host, "rabbitmq", [str(RABBITMQ_BIN / "rabbitmq-server")], env=env, cwd=folder)

    def started() -> bool:
        command = [*rabbitmqctl(lab, host, folder), "await_startup", "--timeout", "5"]
        return subprocess.run(command, env=env, capture_output=True).returncode == 0

    wait_for(started, timeout=120, interval=1, what="RabbitMQ on the db host")
    return f"amqp://guest:guest@{where.address}:5672//"


def rabbitmq_env(folder: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "RABBITMQ_NODENAME": RABBITMQ_NODE,
        "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
        "RABBITMQ_LOG_BASE": str(folder / "log"),
        "RABBITMQ_CONFIG_FILE": str(folder / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins"),
        "RABBITMQ_PID_FILE": str(folder / "rabbitmq.pid"),
        "RABBITMQ_FEATURE_FLAGS_FILE": str(folder / "feature_flags"),
        "RABBITMQ_QUORUM_DIR": str(folder / "quorum"),
        "RABBITMQ_STREAM_DIR": str(folder / "stream"),
    }


def rabbitmqctl(lab: Lab, host: str, folder: Path) -> list[str]:
    namespace = lab.plan.host(host).namespace
    return [
        "ip",
        "netns",
        "exec",
        namespace,
        str(RABBITMQ_BIN / "rabbitmqctl"),
        "-n",
        RABBITMQ_NODE,
    ]
