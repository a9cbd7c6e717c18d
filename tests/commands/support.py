"""Run a command as ``manage.py`` would, and make the orders it acts on."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from orders.models import Offering, Order, Resource
from tests.factories import OrganizationFactory


class Terminal(StringIO):
    """A stdout that says it is a terminal, as an interactive shell's is."""

    def isatty(self) -> bool:
        return True


def run(command: str, *args: str, stdout: StringIO | None = None) -> str:
    stdout = stdout if stdout is not None else StringIO()
    call_command(command, *args, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def erred_orders(offering: Offering, count: int, *, erred_at=None, kind="transient") -> list[Order]:
    """``count`` erred orders of ``offering`` (with their resources) in a handful of queries."""
    consumer = OrganizationFactory()
    resources = Resource.objects.bulk_create(
        Resource(name=f"r{i}", offering=offering, organization=consumer, state="erred")
        for i in range(count)
    )
    orders = Order.objects.bulk_create(
        Order(offering=offering, consumer_organization=consumer, resource=resource)
        for resource in resources
    )
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        state=Order.State.ERRED,
        error_message="HTTP 503 maintenance: Planned maintenance in progress",
        erred_at=erred_at or timezone.now() - timedelta(hours=1),
        failure_kind=kind,
    )
    return list(Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk"))


def states(orders: list[Order]) -> list[str]:
    return list(
        Order.objects.filter(pk__in=[o.pk for o in orders])
        .order_by("pk")
        .values_list("state", flat=True)
    )


def summary(out: str) -> dict[str, int]:
    """The counts of a command's summary: ``{"matched": 3, "resubmitted": 3, ...}``."""
    counts = {}
    for line in out.split("Summary:", 1)[1].splitlines():
        label, _, value = line.strip().partition(":")
        if value.strip().isdigit():
            counts[label] = int(value)
    return counts
