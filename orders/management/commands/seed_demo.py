import random
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from integrations.models import Integration
from orders.models import Offering, Order, OrderTransition, Organization, Resource
from orders.roles import OFFERING_MANAGERS, ORGANIZATION_OWNERS, STAFF, sync_roles

S = Order.State
FAILURES = [
    ("HTTP 503 from fulfillment: Planned maintenance in progress", "transient"),
    ("Timed out after 10.0s waiting for the fulfillment API", "transient"),
    ("HTTP 422 address_invalid: Shipping address needs a postal code", "action_required"),
    ("HTTP 422 mapping_missing: Ship method 'EXPRESS-2' is not mapped", "action_required"),
    ("HTTP 401 unauthorized: API token rejected", "action_required"),
]
STATE_WEIGHTS = {
    S.PENDING_CONSUMER: 5,
    S.PENDING_PROVIDER: 8,
    S.EXECUTING: 7,
    S.DONE: 55,
    S.ERRED: 15,
    S.CANCELED: 5,
    S.REJECTED: 5,
}
USERS = [
    # username, role, what they are
    ("admin", None, "superuser: everything"),
    ("staff", STAFF, "platform staff"),
    ("owner", ORGANIZATION_OWNERS, "owner of Northwind Provisioning (provider)"),
    ("manager", OFFERING_MANAGERS, "manager of the 'Cloud VM' offering"),
    ("shop", ORGANIZATION_OWNERS, "owner of Globex Shop (consumer)"),
]


class Command(BaseCommand):
    help = (
        "Load a realistic demo: organizations, offerings of every type, integrations pointed at "
        "the fulfillment sandbox, users in every role, and orders in every state with failures "
        "in their history. Orders are made only once; every run resets the demo users' "
        "passwords and prints the logins.\n\n"
        "Example: python manage.py seed_demo --orders 3000 --sandbox-url http://127.0.0.1:8765"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders", type=int, default=3000, help="How many orders (default 3000)."
        )
        parser.add_argument(
            "--sandbox-url",
            default="http://127.0.0.1:8765",
            help="Where the fulfillment sandbox listens.",
        )
        parser.add_argument(
            "--password", help="Password for every demo user (default: a new random one)."
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed for the demo orders.")

    def handle(self, *args, orders, sandbox_url, password, seed, **options):
        if orders < 0:
            raise CommandError("--orders must be 0 or more.")
        password = password or secrets.token_urlsafe(9)
        sync_roles(Group, Permission)
        with transaction.atomic():
            world = self._world(sandbox_url)
            users = self._users(world, password)
            made = 0
            if not Order.objects.exists():
                made = self._orders(world, orders, random.Random(seed))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({made} new orders, {Order.objects.count()} in all)."
            )
        )
        self.stdout.write(f"Logins (password for all: {password}):")
        for username, _, what in USERS:
            self.stdout.write(
                f"  {username:<8} {what}"
                + ("  -> /admin/" if users[username].is_staff else "  -> /api/")
            )

    def _world(self, sandbox_url):
        integration, _ = Integration.objects.update_or_create(
            name="Fulfillment sandbox",
            defaults={
                "backend": Integration.Backend.HTTP_PUSH,
                "endpoint_url": f"{sandbox_url.rstrip('/')}/orders",
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
            Offering.objects.get_or_create(
                provider=northwind,
                name="Cloud VM",
                defaults={"type": Offering.Type.REMOTE, "integration": integration},
            )[0],
            Offering.objects.get_or_create(
                provider=acme,
                name="Pallet shipping",
                defaults={"type": Offering.Type.REMOTE, "integration": integration},
            )[0],
            Offering.objects.get_or_create(
                provider=northwind,
                name="On-site server rack",
                defaults={"type": Offering.Type.SITE_AGENT, "integration": agent},
            )[0],
            Offering.objects.get_or_create(
                provider=acme, name="Consulting hours", defaults={"type": Offering.Type.BASIC}
            )[0],
        ]
        return {
            "offerings": offerings,
            "consumers": [globex, initech],
            "northwind": northwind,
            "globex": globex,
        }

    def _users(self, world, password):
        User = get_user_model()
        users = {}
        for username, role, _ in USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.is_superuser = username == "admin"
            user.is_staff = username in ("admin", "staff")
            user.set_password(password)
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
            users[username] = user
        world["northwind"].owners.add(users["owner"])
        world["offerings"][0].managers.add(users["manager"])
        world["globex"].owners.add(users["shop"])
        return users

    def _orders(self, world, count, rng):
        now = timezone.now()
        states, weights = zip(*STATE_WEIGHTS.items(), strict=True)
        plan = []
        for i in range(count):
            offering = rng.choice(world["offerings"])
            consumer = rng.choice(world["consumers"])
            state = rng.choices(states, weights)[0]
            if offering.type == Offering.Type.BASIC and state == S.ERRED:
                state = S.EXECUTING
            created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 14))
            plan.append((offering, consumer, state, created, i))
        resources = Resource.objects.bulk_create(
            Resource(name=f"{o.name} #{i}", offering=o, organization=c, created=t)
            for o, c, _, t, i in plan
        )
        orders = []
        for (offering, consumer, state, created, i), resource in zip(plan, resources, strict=True):
            failure = rng.choice(FAILURES)
            order = Order(
                state=state,
                offering=offering,
                consumer_organization=consumer,
                resource=resource,
                created=created,
                customer_name=f"Customer {i}",
                customer_email=f"customer{i}@example.com",
                attributes={
                    "sku": offering.name.upper().replace(" ", "-"),
                    "quantity": rng.randint(1, 5),
                    "shipping_address": {
                        "street": f"{i} Market St",
                        "city": "Springfield",
                        "postal_code": "" if "address" in failure[0] else "12345",
                    },
                },
            )
            if state == S.ERRED:
                order.error_message = failure[0]
                order.error_traceback = (
                    f"Traceback (most recent call last):\n  ...\nDeliveryError: {failure[0]}"
                )
                order.erred_at = created + timedelta(minutes=2)
            if state == S.DONE:
                order.completed_at = created + timedelta(minutes=3)
            orders.append(order)
        Order.objects.bulk_create(orders, batch_size=1000)
        Resource.objects.filter(orders__state=S.DONE).update(state=Resource.State.OK)
        Resource.objects.filter(orders__state=S.ERRED).update(state=Resource.State.ERRED)
        OrderTransition.objects.bulk_create(
            (
                OrderTransition(
                    order=o,
                    transition="fail",
                    source_state=S.EXECUTING,
                    target_state=S.ERRED,
                    reason=o.error_message,
                    created=o.erred_at,
                )
                for o in orders
                if o.state == S.ERRED
            ),
            batch_size=1000,
        )
        return len(orders)
