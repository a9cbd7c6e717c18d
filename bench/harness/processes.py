"""Child processes of a run (workers, the sandbox, servers, the sweep) and the CPU time they
and PostgreSQL use."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness.environment import LOGS, PYTHON, ROOT, free_port, wait_for


class Processes:
    """Child processes of a run, each in its own session (so a signal reaches its children
    too), logging to ``var/bench/<name>.log``; all stopped at exit."""

    def __init__(self) -> None:
        self.running: dict[str, subprocess.Popen] = {}
        atexit.register(self.stop_all)

    def start(self, name: str, command: list[str], *, env: dict[str, str]) -> subprocess.Popen:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 (the child owns it)
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash would: no shutdown, no acknowledgement."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, name: str, *, timeout: float = 15) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def procfile_worker_command(name: str) -> list[str]:
    """One worker process as the Procfile starts it (``CELERY_WORKER_POOL`` and
    ``_CONCURRENCY`` from the settings: a process of threads; every queue, first sends first)."""
    return _worker(name)


def procfile_workers(
    processes: Processes, *, prefix: str, env: dict[str, str], count: int | None = None
) -> list[str]:
    """Start the worker processes the Procfile runs (``count``, by default
    ``REDRIVE_WORKER_PROCESSES``: one a core with Redis); their names in ``processes``."""
    from django.conf import settings

    count = settings.REDRIVE_WORKER_PROCESSES if count is None else count
    names = [f"{prefix}{n}" for n in range(1, count + 1)]
    for name in names:
        processes.start(name, procfile_worker_command(name), env=env)
    return names


def _worker(name: str, *options: str) -> list[str]:
    return [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "config",
        "worker",
        *options,
        "--loglevel",
        "WARNING",
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
    ]


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a prefork worker's children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def peak_rss_mb(pid: int) -> float:
    """The most resident memory a process has had (VmHWM), in MB; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def celery_worker_command(name: str) -> list[str]:
    """One worker process (solo pool: the process that takes a task runs it, so a SIGKILL
    kills exactly one worker and nothing is left behind)."""
    return [*_worker(name, "--pool", "solo"), "--without-heartbeat"]


def sandbox_command(port: int, *extra: str) -> list[str]:
    return [PYTHON, "manage.py", "run_fulfillment_sandbox", "--port", str(port), *extra]


def sandbox_ready(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/_sandbox/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (``/proc/stat``)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds used between ``start`` and ``stop`` by named processes (with their children;
    children that ended meanwhile are not counted), by PostgreSQL (every
    server process: its share includes anything else the server did meanwhile) and by the
    whole machine."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = processes

    def _sample(self) -> dict[str, float]:
        sample = {
            name: sum(process_cpu_seconds(each) for each in process_tree(pid))
            for name, pid in self.processes.items()
        }
        sample["postgres"] = sum(process_cpu_seconds(pid) for pid in postgres_pids())
        sample["machine"] = machine_busy_seconds()
        sample["wall"] = time.monotonic()
        return sample

    def start(self) -> CpuMeter:
        self.before = self._sample()
        return self

    def stop(self) -> dict[str, float]:
        after = self._sample()
        return {name: round(after[name] - self.before[name], 2) for name in after}


class RedisServer:
    """A redis-server of this run only, without persistence, on a port of its own (6390 if
    free), so stopping it never disturbs the shared one the tests use."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or _free_redis_port()
        self.dir = Path(tempfile.mkdtemp(prefix="redrive-chaos-"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.dir),
                "--pidfile",
                str(self.dir / "redis.pid"),
                "--logfile",
                str(self.dir / "redis.log"),
            ],
            check=True,
        )
        wait_for(self.ping, timeout=10, what=f"redis on port {self.port}")

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True
        )
        wait_for(lambda: not self.ping(), timeout=10, what="redis to stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        if self.ping():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _free_redis_port() -> int:
    """6390 if it is free, else any free port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", 6390))
            return 6390
        except OSError:
            return free_port()
