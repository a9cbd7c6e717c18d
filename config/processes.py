"""`make run`'s process manager: honcho, with time for a worker to finish what it holds.

On Ctrl-C honcho (in the terminal's process group, with make) sends SIGTERM once to each
Procfile process; each runs in a session of its own (honcho starts them so), so the terminal's
SIGINT never reaches them and a Celery worker does a warm shutdown: it takes no new task,
finishes those in hand and hands back, unacknowledged, those it had reserved (acks_late).
But honcho sends SIGKILL to whatever still runs ``KILL_WAIT`` (5) seconds after the *first*
process ended, and the web process ends at once: a worker with sends in flight, or merely
waiting out its broker poll (about 3 s on the file broker), was killed mid-task, its reserved
messages lost with it. This is the same honcho with a longer wait (``STOP_GRACE_SECONDS``,
default 30): a worker stuck longer than that is still killed.

    .venv/bin/python -m config.processes start -f Procfile
"""

import os
import sys

import honcho.command
import honcho.manager


def stop_grace_seconds() -> float:
    given = os.environ.get("STOP_GRACE_SECONDS", "30")
    try:
        seconds = float(given)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        sys.exit(f"STOP_GRACE_SECONDS must be a number of seconds above 0, got {given!r}.")
    return seconds


def worker_processes() -> int:
    """``REDRIVE_WORKER_PROCESSES`` as the settings read it (one a core with shared pacing);
    a value the settings refuse (not a whole number, below 1) ends ``make run`` with their
    message naming it, before honcho starts anything."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return settings.REDRIVE_WORKER_PROCESSES
    except ImproperlyConfigured as error:
        sys.exit(str(error))


def with_workers(argv: list[str]) -> list[str]:
    """``start`` runs ``REDRIVE_WORKER_PROCESSES`` of the Procfile's worker (honcho's
    concurrency; each is named worker.1, worker.2, ... in ``HONCHO_PROCESS_NAME``), unless the
    command line sets a concurrency itself."""
    if "start" not in argv or any(
        a in ("-c", "--concurrency") or a.startswith("--concurrency=") for a in argv
    ):
        return argv
    at = argv.index("start") + 1
    return [*argv[:at], "--concurrency", f"worker={worker_processes()}", *argv[at:]]


def main() -> None:
    honcho.manager.KILL_WAIT = stop_grace_seconds()
    honcho.command.main(with_workers(sys.argv[1:]))


if __name__ == "__main__":
    main()
