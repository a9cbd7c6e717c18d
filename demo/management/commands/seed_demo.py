import random
import secrets
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from demo import history as demo_history
from demo.orders import DemoOrders, World
from integrations.models import Integration, RetryPolicy
from orders.management.console import CommandWithExamples
from orders.models import Offering, Order, Organization
from orders.roles import OFFERING_MANAGERS, ORGANIZATION_OWNERS, STAFF, sync_roles

S = Order.State
USERS = [
    # username, role, what they are
    ("admin", None, "superuser: everything"),
    ("staff", STAFF, "platform staff"),
    ("owner", ORGANIZATION_OWNERS, "owner of Northwind Provisioning (provider)"),
    ("manager", OFFERING_MANAGERS, "manager of the 'Cloud VM' offering"),
    ("shop", ORGANIZATION_OWNERS, "owner of Globex Shop (consumer)"),
]
EXAMPLES = """\
examples:
  python manage.py seed_demo
  python manage.py seed_demo --orders 5000 --sandbox-url http://127.0.0.1:9000 --password demo
"""


class Command(CommandWithExamples):
    help = (
        "Load a realistic demo: organizations, offerings of every type, integrations pointed\n"
        "at the fulfillment sandbox, users in every role, and orders in every state. Erred\n"
        "orders carry their real history (a failed delivery, several attempts with remote\n"
        "status, error code, message, traceback, automatic and personal retries); done\n"
        "orders a succeeded delivery. Orders are made only once; every run resets the demo\n"
        "users' passwords and prints the logins."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders", type=int, default=3000, help="How many orders (default 3000)."
        )
        parser.add_argument(
            "--sandbox-url",
            default="http://127.0.0.1:8765",
            help="Where the fulfillment sandbox listens (default http://127.0.0.1:8765).",
        )
        parser.add_argument(
            "--password", help="Password for every demo user (default: a new random one)."
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed for the demo orders.")

    def handle(self, *args, orders, sandbox_url, password, seed, **options):
        if orders < 0:
            raise CommandError(f"--orders must be 0 or more, got {orders}.")
        try:
            URLValidator(schemes=["http", "https"])(sandbox_url)
        except ValidationError:
            raise CommandError(f"--sandbox-url {sandbox_url!r} is not an http(s) URL.") from None
        if password is not None and not password.strip():
            raise CommandError("--password must not be empty; leave it out for a random one.")
        password = password or secrets.token_urlsafe(9)
        started = time.monotonic()
        sync_roles(Group, Permission)
        with transaction.atomic():
            world = self._world(sandbox_url)
            self._users(world, password)
            made = 0
            if not Order.objects.filter(offering__in=world.offerings).exists():
                made = DemoOrders(world, random.Random(seed), timezone.now()).create(orders)
        took = time.monotonic() - started
        by_state = dict(Order.objects.values_list("state").annotate(n=Count("pk")).order_by())
        in_all = ", ".join(f"{by_state.get(state, 0)} {state}" for state in S.values)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {made} new orders in {took:.1f}s."))
        self.stdout.write(f"Orders in all: {in_all}.")
        self.stdout.write(f"Logins (password for all: {password}):")
        for username, _, what in USERS:
            where = "/admin/" if world.users[username].is_staff else "/api/"
            self.stdout.write(f"  {username:<8} {what}  -> {where}")

    def _world(self, sandbox_url: str) -> World:
        sandbox, _ = Integration.objects.update_or_create(
            name="Fulfillment sandbox",
            defaults={
                "backend": Integration.Backend.HTTP_PUSH,
                "endpoint_url": f"{sandbox_url.rstrip('/')}/orders",
            },
            create_defaults={
                "backend": Integration.Backend.HTTP_PUSH,
                "endpoint_url": f"{sandbox_url.rstrip('/')}/orders",
                "retry_policy": RetryPolicy.FIXED,
                "retry_interval": demo_history.HOUR,
                "max_attempts": demo_history.MAX_ATTEMPTS,
            },
        )
        agent, _ = Integration.objects.get_or_create(
            name="Site agent (Lisbon)", defaults={"backend": Integration.Backend.SITE_AGENT}
        )
        northwind, _ = Organization.objects.get_or_create(name="Northwind Provisioning")
        acme, _ = Organization.objects.get_or_create(name="Acme Warehouses")
        globex, _ = Organization.objects.get_or_create(name="Globex Shop")
        initech, _ = Organization.objects.get_or_create(name="Initech")
        offerings = [
            (northwind, "Cloud VM", Offering.Type.REMOTE, sandbox),
            (acme, "Pallet shipping", Offering.Type.REMOTE, sandbox),
            (northwind, "On-site server rack", Offering.Type.SITE_AGENT, agent),
            (acme, "Consulting hours", Offering.Type.BASIC, None),
        ]
        return World(
            offerings=[
                Offering.objects.get_or_create(
                    provider=provider, name=name, defaults={"type": kind, "integration": target}
                )[0]
                for provider, name, kind, target in offerings
            ],
            consumers=[globex, initech],
        )

    def _users(self, world: World, password: str) -> None:
        User = get_user_model()
        hashed = make_password(password)
        for username, role, _ in USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.is_superuser = username == "admin"
            user.is_staff = username in ("admin", "staff")
            user.password = hashed
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
            world.users[username] = user
        Organization.objects.get(name="Northwind Provisioning").owners.add(world.users["owner"])
        world.offerings[0].managers.add(world.users["manager"])
        Organization.objects.get(name="Globex Shop").owners.add(world.users["shop"])
