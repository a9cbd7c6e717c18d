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


def main() -> None:
    honcho.manager.KILL_WAIT = stop_grace_seconds()
    honcho.command.main()


if __name__ == "__main__":
    main()
