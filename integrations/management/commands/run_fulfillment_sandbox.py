import argparse
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from integrations.sandbox import FulfillmentSandbox, SandboxMode

EPILOG = """\
examples:
  python manage.py run_fulfillment_sandbox
  python manage.py run_fulfillment_sandbox --port 9000 --token s3cret --failure-rate 0.2 --seed 7

  curl -X POST http://127.0.0.1:8765/orders -H 'Idempotency-Key: order-1' \\
       -H 'Content-Type: application/json' \\
       -d '{"uuid": "...", "number": "1001", "type": "sale", "attributes": {}}'

control endpoints (no token needed):
  GET  /_sandbox/state    accepted orders, send counts per idempotency key, mode
  GET  /_sandbox/load     requests, in flight now, the most in flight at once, 429s
  POST /_sandbox/mode     partial mode, e.g. {"maintenance": true} or {"failure_rate": 0.5}
                          or {"rate_limit_per_second": 300}
  POST /_sandbox/force    one-shot responses, e.g. [{"status": 429, "retry_after": 5}]
  POST /_sandbox/reset    forget everything, back to the default mode
  GET  /_sandbox/health   liveness
"""


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option ordering, with the examples in the epilog kept as written."""


class Command(BaseCommand):
    help = (
        "Run the sandbox fulfillment server: a real HTTP service that accepts orders at\n"
        "POST /orders (Idempotency-Key header required) and can be switched into\n"
        "maintenance, random failures, added latency or address validation, to rehearse\n"
        "how orders are pushed and redriven. Serves until Ctrl-C."
    )
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("epilog", EPILOG)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on.")
        parser.add_argument(
            "--port", type=int, default=8765, help="Port to listen on; 0 picks a free one."
        )
        parser.add_argument("--token", help="Require 'Authorization: Bearer TOKEN' on order POSTs.")
        parser.add_argument(
            "--maintenance",
            action="store_true",
            help="Answer every order POST 503 with Retry-After: 30.",
        )
        parser.add_argument(
            "--failure-rate",
            type=float,
            default=0.0,
            metavar="F",
            help="Fraction (0..1) of order POSTs answered 500 at random.",
        )
        parser.add_argument(
            "--latency-ms",
            type=int,
            default=0,
            metavar="N",
            help="Delay added before answering each order POST.",
        )
        parser.add_argument(
            "--require-postal-code",
            action="store_true",
            help="Reject orders without attributes.shipping_address.postal_code (422).",
        )
        parser.add_argument(
            "--seed", type=int, metavar="N", help="Seed for the random failure generator."
        )
        parser.add_argument(
            "--rate-limit",
            type=int,
            metavar="N",
            help="Answer 429 with Retry-After to order POSTs beyond N a second (a token bucket "
            "holding N).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sandbox = FulfillmentSandbox(
            host=options["host"],
            port=self._port(options["port"]),
            token=self._token(options["token"]),
            mode=SandboxMode(
                maintenance=options["maintenance"],
                failure_rate=self._failure_rate(options["failure_rate"]),
                latency_ms=self._latency_ms(options["latency_ms"]),
                require_postal_code=options["require_postal_code"],
                seed=options["seed"],
                rate_limit_per_second=self._rate_limit(options["rate_limit"]),
            ),
        )
        try:
            sandbox.bind()
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {exc.strerror or exc}"
            ) from exc
        # Handlers first: whoever waits for the banner may send SIGTERM as soon as it is out.
        restore_signals = _stop_on_interrupt_or_terminate()
        self._announce(sandbox)
        if options["verbosity"] >= 2:
            self._log_requests()
        try:
            sandbox.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
            restore_signals()
        self.stdout.write("Fulfillment sandbox stopped.")

    @staticmethod
    def _port(port: int) -> int:
        if not 0 <= port <= 65535:
            raise CommandError(f"--port must be between 0 and 65535, got {port}")
        return port

    @staticmethod
    def _token(token: str | None) -> str | None:
        if token is not None and not token.strip():
            raise CommandError("--token must not be empty; leave it out to disable auth")
        return token

    @staticmethod
    def _failure_rate(rate: float) -> float:
        if not 0.0 <= rate <= 1.0:
            raise CommandError(f"--failure-rate must be between 0 and 1, got {rate}")
        return rate

    @staticmethod
    def _rate_limit(rate: int | None) -> int | None:
        if rate is not None and rate < 1:
            raise CommandError(f"--rate-limit must be 1 or more, got {rate}")
        return rate

    @staticmethod
    def _latency_ms(latency_ms: int) -> int:
        if latency_ms < 0:
            raise CommandError(f"--latency-ms must not be negative, got {latency_ms}")
        return latency_ms

    def _announce(self, sandbox: FulfillmentSandbox) -> None:
        mode = sandbox.mode
        url = sandbox.url
        auth = "Authorization: Bearer <token> required" if sandbox.token else "no auth"
        lines = [
            self.style.SUCCESS(f"Fulfillment sandbox listening on {url}"),
            f"  orders:  POST {sandbox.orders_url}  (Idempotency-Key header required; {auth})",
            f"  control: GET  {url}/_sandbox/state",
            f"           POST {url}/_sandbox/mode",
            f"           POST {url}/_sandbox/force",
            f"           POST {url}/_sandbox/reset",
            f"           GET  {url}/_sandbox/load",
            f"           GET  {url}/_sandbox/health",
            (
                f"  mode:    maintenance={mode.maintenance} failure_rate={mode.failure_rate} "
                f"latency_ms={mode.latency_ms} require_postal_code={mode.require_postal_code} "
                f"seed={mode.seed} rate_limit={mode.rate_limit_per_second}"
            ),
            "Quit with CONTROL-C.",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

    def _log_requests(self) -> None:
        """At verbosity 2+ log every request line, through the configured handlers if any."""
        sandbox_logger = logging.getLogger("integrations.sandbox")
        sandbox_logger.setLevel(logging.DEBUG)
        if not sandbox_logger.hasHandlers():
            handler = logging.StreamHandler(self.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            sandbox_logger.addHandler(handler)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop_on_interrupt_or_terminate() -> Callable[[], None]:
    """Make SIGINT and SIGTERM stop the server cleanly; returns a function undoing it.

    SIGINT is set explicitly because a shell starting the command in the background
    leaves it ignored, which would make ``kill -INT`` a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {
        signum: signal.signal(signum, _raise_keyboard_interrupt)
        for signum in (signal.SIGINT, signal.SIGTERM)
    }

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore
