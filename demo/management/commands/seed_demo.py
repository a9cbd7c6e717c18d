import logging
import random
import secrets
import time
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from alerts.models import Alert
from core.errors import ApplicationError
from demo.orders import DemoOrders
from demo.scenes import history_alerts, scenes_play
from demo.world import USERS, users_reset, world_build
from integrations.models import Delivery
from orders.management.console import CommandWithExamples
from orders.models import Order
from orders.roles import sync_roles
from orders.selectors import bulk_operation_outcomes

S = Order.State
FIRST_ORDERS = 3000
EXAMPLES = """\
examples:
  python manage.py seed_demo                 # a new demo: 3000 orders and every scene
  python manage.py seed_demo --orders 50000  # 50000 more orders on the demo there is
  python manage.py seed_demo --sandbox-url http://127.0.0.1:9000 --password demo
"""


@contextmanager
def _quiet(quiet: bool):
    """The scenes' sends log a line each, as every send does; below verbosity 2 they are
    left out of the command's output."""
    logger = logging.getLogger("integrations.services")
    level = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(CommandWithExamples):
    help = (
        "Load a demo that shows every feature, or add orders to the one there is.\n"
        "\n"
        "A new demo gets organizations, offerings of every type, integrations (the fulfillment\n"
        "sandbox, a site agent, and a carrier whose endpoint refuses connections), users in\n"
        "every role, and --orders orders (default 3000) in every state with their history:\n"
        "erred orders with their attempts (remote status, code, message, traceback, automatic\n"
        "and personal retries) and alerts, done orders with their delivery. Then the scenes,\n"
        "played through the product's own services: an open alert of every kind with alert\n"
        "contacts (at once and digests, by organization and by integration) and a dismissed\n"
        "and a resolved one; a maintenance window that ended (its held orders released) and\n"
        "one planned for tomorrow; the carrier's breaker opened by real refused sends, with\n"
        "deliveries held; a bulk resubmit by staff whose orders went done or failed again.\n"
        "\n"
        "On an existing demo, --orders N adds N orders drawn the same way; without it nothing\n"
        "is added. Every run resets the demo users' passwords and prints the logins. Times are\n"
        "in the past, but for the scheduled automatic retries (within the hour: the fixed 1h\n"
        "policy from an attempt less than an hour ago), the breaker's next probe and the\n"
        "planned window."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders",
            type=int,
            help=f"Orders to make: a new demo's (default {FIRST_ORDERS}), or to add to the demo "
            "there is (default none).",
        )
        parser.add_argument(
            "--sandbox-url",
            default="http://127.0.0.1:8765",
            help="Where the fulfillment sandbox listens (default http://127.0.0.1:8765).",
        )
        parser.add_argument(
            "--outage-url",
            default="http://127.0.0.1:9/orders",
            help="The carrier's endpoint: a URL where nothing listens, so that its breaker "
            "opens and every probe fails (default http://127.0.0.1:9/orders). Used when the "
            "carrier is made.",
        )
        parser.add_argument(
            "--password", help="Password for every demo user (default: a new random one)."
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed for the demo orders.")

    def handle(self, *args, orders, sandbox_url, outage_url, password, seed, **options):
        if orders is not None and orders < 0:
            raise CommandError(f"--orders must be 0 or more, got {orders}.")
        for name, url in (("--sandbox-url", sandbox_url), ("--outage-url", outage_url)):
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise CommandError(f"{name} {url!r} is not an http(s) URL.") from None
        if password is not None and not password.strip():
            raise CommandError("--password must not be empty; leave it out for a random one.")
        password = password or secrets.token_urlsafe(9)
        started = time.monotonic()
        now = timezone.now()
        sync_roles(Group, Permission)
        try:
            with _quiet(options["verbosity"] < 2), transaction.atomic():
                world = world_build(sandbox_url=sandbox_url, outage_url=outage_url)
                users_reset(world, password)
                existing = Order.objects.count()
                new_demo = not Order.objects.filter(offering__in=world.offerings).exists()
                count = orders if orders is not None else (FIRST_ORDERS if new_demo else 0)
                rng = random.Random(seed if not existing else f"{seed}:{existing}")
                demo = DemoOrders(world, rng, now, first=existing)
                made = demo.create(count)
                history_alerts(made)
                played = scenes_play(world, demo, now=now)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        took = time.monotonic() - started
        self._report(world, password, made=len(made), played=played, took=took)

    def _report(self, world, password, *, made, played, took) -> None:
        by_state = dict(Order.objects.values_list("state").annotate(n=Count("pk")).order_by())
        in_all = ", ".join(f"{by_state.get(state, 0)} {state}" for state in S.values)
        scenes = f" and {played.orders} in the scenes" if played.orders else ""
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {made} new orders{scenes} in {took:.1f}s.")
        )
        self.stdout.write(f"Orders in all: {in_all}.")
        open_alerts = Alert.objects.filter(status=Alert.Status.OPEN)
        kinds = dict(open_alerts.values_list("kind").annotate(n=Count("pk")).order_by())
        self.stdout.write(
            f"Open alerts: {sum(kinds.values())} ("
            + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
            + ")."
        )
        held = Delivery.objects.filter(state=Delivery.State.HELD).count()
        self.stdout.write(f"Held deliveries: {held}.")
        if played.bulk is not None:
            outcomes = bulk_operation_outcomes(operation=played.bulk)
            self.stdout.write(
                f"Bulk resubmit #{played.bulk.pk} by staff: {played.bulk.resubmitted} of "
                f"{played.bulk.total} resubmitted; "
                + ", ".join(f"{o.count} {o.label}" for o in outcomes)
                + "."
            )
        self.stdout.write(f"Logins (password for all: {password}):")
        for username, _, what in USERS:
            where = "/admin/" if world.users[username].is_staff else "/dashboard/"
            self.stdout.write(f"  {username:<8} {what}  -> {where}")
