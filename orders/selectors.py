"""Reads of orders, scoped to what the acting user may see."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.errors import ApplicationError
from core.filters import MAX_ID
from orders.models import Offering, Order, OrderTransition, Organization
from orders.roles import consumer_scope, may_read, provider_scope


def order_list(*, user, filters: dict | None = None) -> QuerySet[Order]:
    """Orders ``user`` may see, for a user with ``orders.view_order``: as staff all, else the
    provider side's and the consumer's own."""
    orders = Order.objects.select_related("offering", "consumer_organization", "resource")
    if not may_read(user, "orders.view_order"):
        return orders.none()
    if not user.is_staff:
        orders = orders.filter(provider_scope(user) | consumer_scope(user))
    return orders.filter(**(filters or {}))


def order_get(*, user, uuid) -> Order:
    """One visible order; ``Order.DoesNotExist`` for anything outside the user's scope."""
    return order_list(user=user).get(uuid=uuid)


def order_transitions(*, order: Order) -> QuerySet[OrderTransition]:
    return order.transitions.select_related("actor").order_by("created", "pk")


def organization_list(*, user) -> QuerySet[Organization]:
    """Organizations ``user`` may see: as staff all, else those they own and the providers of
    the offerings they manage; for a user with ``orders.view_organization``."""
    if not may_read(user, "orders.view_organization"):
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(pk__in=Organization.objects.filter(owners=user).values("pk"))
        | Q(pk__in=Offering.objects.filter(managers=user).values("provider_id"))
    )


def offering_list(*, user) -> QuerySet[Offering]:
    """Offerings ``user`` may see: as staff all, else those of the organizations they own, those
    they manage, and those their organizations have ordered from; for a user with
    ``orders.view_offering``."""
    offerings = Offering.objects.select_related("provider", "integration")
    if not may_read(user, "orders.view_offering"):
        return offerings.none()
    if user.is_staff:
        return offerings
    owned = Organization.objects.filter(owners=user).values("pk")
    return offerings.filter(
        Q(provider__in=owned)
        | Q(pk__in=Offering.objects.filter(managers=user).values("pk"))
        | Q(pk__in=Order.objects.filter(consumer_organization__in=owned).values("offering_id"))
    )


SEARCH_MIN_LENGTH = 3
NUMBER_PREFIX = "RD-"
SEARCH_HELP = (
    "Part of an order number (with or without its `RD-` prefix), of the customer's name or of "
    "their e-mail, in any case. At least 3 characters besides the prefix: a shorter term would "
    "match a large share of all orders and cannot use the search indexes."
)


def search_term_problem(term: str) -> str | None:
    """Why ``term`` cannot be searched for, or ``None``; a blank term means "no search"."""
    term = term.strip()
    core = term[len(NUMBER_PREFIX) :] if term.upper().startswith(NUMBER_PREFIX) else term
    if term and len(core) < SEARCH_MIN_LENGTH:
        return (
            f"Give at least {SEARCH_MIN_LENGTH} characters (an {NUMBER_PREFIX} prefix not "
            f"counted); {term!r} has {len(core)}."
        )
    return None


def orders_matching(queryset: QuerySet[Order], term: str) -> QuerySet[Order]:
    """The orders of ``queryset`` whose number, customer name or customer e-mail contains
    ``term``, in any case: the one search of the API, the admin and the commands.

    A number matches with or without its ``RD-`` prefix (``7K3M``, ``rd-7k3m``). On
    PostgreSQL each ``icontains`` (``UPPER(col::text) LIKE UPPER(%term%)``) is served by a
    trigram GIN index on that same expression (migration ``0007_search_trigram_indexes``), which
    needs at least three characters; elsewhere (SQLite) it is a plain scan. A blank term
    leaves ``queryset`` as it is; a term too short to search for raises ``ApplicationError``.
    """
    term = term.strip()
    if not term:
        return queryset
    problem = search_term_problem(term)
    if problem:
        raise ApplicationError(problem, extra={"search": [problem]})
    return queryset.filter(
        Q(number__icontains=term)
        | Q(customer_name__icontains=term)
        | Q(customer_email__icontains=term)
    )


def integration_by_reference(reference: str):
    """The integration that ``reference`` names: its id (digits) or its name, exactly or, when
    no name is exactly it, in any case. ``ApplicationError`` names what did not resolve, and
    says so when a name matches several integrations in different cases."""
    Integration = Offering.integration_model()
    reference = str(reference).strip()
    if not reference:
        raise ApplicationError("Give an integration id or name.")
    if reference.isascii() and reference.isdigit():
        found = None
        if int(reference) <= MAX_ID:
            found = Integration.objects.filter(pk=int(reference)).first()
        found = found or Integration.objects.filter(name=reference).first()
        if found is None:
            raise ApplicationError(f"No integration with id or name {reference!r}.")
        return found
    found = Integration.objects.filter(name=reference).first()
    if found is not None:
        return found
    matches = list(Integration.objects.filter(name__iexact=reference).order_by("pk")[:10])
    if len(matches) > 1:
        which = ", ".join(f"{m.name!r} (id {m.pk})" for m in matches)
        raise ApplicationError(
            f"Integration name {reference!r} matches {len(matches)} integrations in different "
            f"cases: {which}; give the exact name or the id."
        )
    if not matches:
        raise ApplicationError(f"No integration named {reference!r}; give its exact name or id.")
    return matches[0]


@dataclass(frozen=True)
class Outcome:
    """What became of a bulk operation's resubmitted orders, by what they are now."""

    label: str
    state: str
    count: int


OUTCOME_LABELS = {
    Order.State.DONE: "done",
    Order.State.ERRED: "failed again",
    Order.State.EXECUTING: "still in flight",
}


def bulk_operation_outcomes(*, operation) -> list[Outcome]:
    """The orders ``operation`` sent again, counted by their state now (done, failed again,
    still in flight, then any other), in one grouped query."""
    if not operation.resubmitted_ids:
        return []
    counts = dict(
        Order.objects.filter(pk__any=operation.resubmitted_ids)
        .order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
    )
    known = [Outcome(label, state, counts.pop(state, 0)) for state, label in OUTCOME_LABELS.items()]
    others = [
        Outcome(Order.State(state).label.lower(), state, count)
        for state, count in sorted(counts.items())
    ]
    return known + others
