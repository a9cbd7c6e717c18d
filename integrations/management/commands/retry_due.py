import dataclasses
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from integrations import services
from orders.management.console import CommandWithExamples

DEFAULT_INTERVAL = 60.0

EXAMPLES = """\
examples:
  # from cron, every minute: one pass, then exit
  * * * * *  cd /srv/redrive && .venv/bin/python manage.py retry_due --once

  # as a long-running process (systemd, a container): a pass every 30 seconds
  python manage.py retry_due --loop --interval 30 --batch-size 500

Several copies may run at once, on one host or many: each pass claims due rows with
SELECT ... FOR UPDATE SKIP LOCKED and a claim each, so nothing is sent twice. The workers
(celery -A config worker) send the claimed orders again; a claim no worker sent within
REDRIVE_RETRY_CLAIM_SECONDS is taken again by the next pass. --loop stops cleanly on
SIGTERM or SIGINT (Ctrl-C), after the pass in progress.
"""


class Command(CommandWithExamples):
    help = (
        "Claim the orders whose automatic retry is due and hand them to the workers, who\n"
        "send them again; re-queue deliveries whose task was lost; release deliveries that a\n"
        "maintenance window or an open circuit breaker held once it is safe again: the\n"
        "same sweep Celery beat runs, for hosts that schedule it with cron instead."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="One pass, then exit (default).")
        mode.add_argument(
            "--loop", action="store_true", help="Keep sweeping until SIGTERM or SIGINT."
        )
        parser.add_argument(
            "--interval",
            type=float,
            metavar="SECONDS",
            help=f"With --loop: seconds between passes (default {DEFAULT_INTERVAL:g}).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            metavar="N",
            help="Rows claimed per batch (default 1000).",
        )

    def handle(self, *args, loop, interval, batch_size, **options):
        if batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more, got {batch_size}.")
        if interval is not None and not loop:
            raise CommandError("--interval applies only with --loop.")
        interval = DEFAULT_INTERVAL if interval is None else interval
        if not interval > 0:
            raise CommandError(f"--interval must be more than 0 seconds, got {interval:g}.")
        sweep = services.sweep_due
        if not loop:
            self._report(sweep(batch_size=batch_size))
            return
        stop = threading.Event()
        restore = _stop_on_signals(stop)
        passes = 0
        self.stdout.write(f"Sweeping every {interval:g}s; SIGTERM or Ctrl-C stops.")
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._report(sweep(batch_size=batch_size))
                except DatabaseError as exc:
                    self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} sweep failed: {exc}")
                passes += 1
                stop.wait(interval)
        finally:
            restore()
        self.stdout.write(f"Stopped after {passes} passes.")

    def _report(self, result: Any) -> None:
        if dataclasses.is_dataclass(result):
            counts = dataclasses.asdict(result)
        else:
            counts = dict(vars(result))
        shown = " ".join(f"{name}={value}" for name, value in counts.items())
        self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} sweep: {shown}")
        self.stdout.flush()


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT set ``stop``: the pass in progress finishes, the wait is cut short.

    SIGINT is set explicitly because a shell starting the command in the background leaves it
    ignored. Only the main thread may set handlers; elsewhere this is a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, frame):
        stop.set()

    previous = {
        signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)
    }

    def restore() -> None:
        for signum, old in previous.items():
            signal.signal(signum, old)

    return restore
