"""Reads of orders, scoped to what the acting user may see."""

import re

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

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
    "Part of an order number (with or without its `RD-` prefix: a term that starts with it "
    "matches numbers from their start), of the customer's name or of their e-mail, in any "
    "case; a term with an `@` is looked for in e-mails only, one with a blank in names only. "
    "At least 3 characters besides the prefix: a shorter term would match a large share of all "
    "orders and cannot use the search indexes."
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


NUMBER_CHARACTERS = re.compile(r"[0-9A-Za-z-]+")
NUMBER_START = re.compile(r"[A-Za-z]+-")
DIGIT_RUN = re.compile(r"[0-9]{3,}")


def orders_matching(queryset: QuerySet[Order], term: str) -> QuerySet[Order]:
    """The orders of ``queryset`` whose number, customer name or customer e-mail contains
    ``term``, in any case: the one search of the API, the admin and the commands.

    A number matches with or without its ``RD-`` prefix (``7K3M``, ``rd-7k3m``); a term that
    starts like a number (letters and a dash) matches numbers from their start, as only a
    number's start has a dash. Each column is searched only for a term it can hold: a number
    is letters, digits and its dash; an e-mail has no blank; a name (for a search's purposes)
    no ``@``. A blank term leaves ``queryset`` as it is; a term too short to search for raises
    ``ApplicationError``.

    On PostgreSQL every condition is served by an index (migrations ``0007`` and ``0009``):
    ``icontains`` (``UPPER(col::text) LIKE UPPER('%term%')``) by a trigram GIN index on that
    expression, a number's start by a ``text_pattern_ops`` B-tree; elsewhere (SQLite) each is a
    plain scan. See ``_contains`` for terms with digits.
    """
    term = term.strip()
    if not term:
        return queryset
    problem = search_term_problem(term)
    if problem:
        raise ApplicationError(problem, extra={"search": [problem]})
    found = Q(pk__in=[])
    if NUMBER_CHARACTERS.fullmatch(term):
        number = "number__istartswith" if NUMBER_START.match(term) else "number__icontains"
        found |= Q(**{number: term})
    if "@" not in term:
        found |= _contains("customer_name", term)
    if not any(character.isspace() for character in term):
        found |= _contains("customer_email", term)
    return queryset.filter(found)


def _contains(field: str, term: str) -> Q:
    """``field`` contains ``term``, in any case.

    A trigram index read costs most for the trigrams nearly every row has ("cus", "com",
    "mer"): GIN visits every page of their long posting lists. Names and e-mails seldom hold
    digits, so a term with a run of three or more digits (``customer4321@``) hands only its
    longest run (``4321``) to the index and checks the whole term on the few rows that has
    (``STRPOS``, which no index serves, so it cannot pull the long lists back in)."""
    run = max(DIGIT_RUN.findall(term), key=len, default=term)
    if run == term:
        return Q(**{f"{field}__icontains": term})
    whole = StrIndex(Upper(field), Upper(Value(term)))
    return Q(**{f"{field}__icontains": run}) & Q(GreaterThan(whole, 0))


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


def resend_integrations(filters: dict | None) -> list[int] | None:
    """The integrations a resubmit selected by integration resends to: the one its
    ``integration`` filter names (an id or a name, as the filter reads it), so that only the
    deliveries to it go again; ``None`` (every failed delivery) when it names none."""
    reference = (filters or {}).get("integration")
    if reference in (None, ""):
        return None
    try:
        return [integration_by_reference(str(reference)).pk]
    except ApplicationError:
        return None  # the selection's own filter refused it first
