"""Which orders a command acts on, and as whom: the flags shared by ``retry_orders`` and
``resubmit_orders``.

The flags are mapped onto ``orders.filters.order_filter``, the one selection the API and the
admin use too, on a queryset first scoped to the acting user (``orders.selectors.order_list``).
Names that do not resolve (an unknown integration, offering, organization, order or user) and
values the filter rejects become a ``CommandError`` before anything is changed. There is no
"all orders": a command without a selection flag refuses to run.
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from core.errors import ApplicationError
from orders.filters import order_filter
from orders.models import Offering, Order, Organization
from orders.selectors import integration_by_reference, order_list

FILTER_FLAGS = (
    "failed_since",
    "failed_until",
    "integration",
    "offering",
    "organization",
    "kind",
    "search",
)
FLAG_BY_FILTER_FIELD = {
    "failed_after": "--failed-since",
    "failed_before": "--failed-until",
    "failure_kind": "--kind",
    "integration": "--integration",
    "offering": "--offering",
    "organization": "--organization",
    "search": "--search",
    "state": "state",
}
SELECTION_HELP = """\
Orders named by --uuid/--number are matched in any state (one that is not erred
is reported as skipped); the other flags match erred orders only. Flags combine
with AND. Dates are ISO 8601; a date alone is midnight UTC, a time without an
offset is UTC."""


@dataclass
class Selection:
    orders: QuerySet[Order]
    actor: Any
    described: str
    integration_ids: list[int] | None = None
    """``--integration``: only the deliveries to it are sent again."""

    @property
    def acting(self) -> str:
        if self.actor is None:
            return "Acting as the system (no --as given)."
        return f"Acting as {self.actor.get_username()} (their permissions and scope)."


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        'selection (at least one is required; there is no "all orders")', SELECTION_HELP
    )
    group.add_argument(
        "--uuid", action="append", default=[], metavar="UUID", help="An order UUID (repeatable)."
    )
    group.add_argument(
        "--number",
        action="append",
        default=[],
        metavar="NUMBER",
        help="An order number such as RD-7K3M9Q2P (repeatable).",
    )
    group.add_argument("--failed-since", metavar="WHEN", help="Failed at or after WHEN.")
    group.add_argument("--failed-until", metavar="WHEN", help="Failed before WHEN.")
    group.add_argument(
        "--integration",
        metavar="NAME_OR_ID",
        help="Orders sent to it (an erred one: whose delivery to it failed); only the "
        "deliveries to it are sent again (retry one delivery: --number N --integration I).",
    )
    group.add_argument("--offering", metavar="NAME_OR_UUID", help="Orders of this offering.")
    group.add_argument(
        "--organization",
        metavar="NAME_OR_UUID",
        help="Orders it placed or orders of its offerings.",
    )
    group.add_argument(
        "--search",
        metavar="TERM",
        help="Part of the order number (with or without RD-), of the customer's name or "
        "e-mail, in any case; at least 3 characters. The same search as the API and the admin.",
    )
    group.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=Order.FailureKind.values,
        help="Failure kind (repeatable).",
    )
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="Act as this user, with their permissions and scope (default: the system).",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Say what would happen; change nothing."
    )
    parser.add_argument(
        "--show-skipped",
        type=int,
        default=20,
        metavar="N",
        help="List the first N skipped orders in the summary (default 20).",
    )


def select_orders(options: dict[str, Any]) -> Selection:
    """The orders the flags in ``options`` select, scoped to the ``--as`` user."""
    if options["show_skipped"] < 0:
        raise CommandError(f"--show-skipped must be 0 or more, got {options['show_skipped']}.")
    uuids, numbers = _order_keys(options["uuid"], options["number"])
    if not (uuids or numbers or any(options.get(flag) for flag in FILTER_FLAGS)):
        raise CommandError(
            "select orders: give --uuid or --number, or at least one of --failed-since, "
            "--failed-until, --integration, --offering, --organization, --kind, --search "
            "(there is no 'all orders')."
        )
    actor = resolve_actor(options["as_user"])
    scoped = Order.objects.all() if actor is None else order_list(user=actor)
    data: dict[str, Any] = {}
    described = []
    if options["integration"]:
        integration = _integration(options["integration"])
        data["integration"] = integration.pk
        described.append(f"integration {integration.name!r}")
    if options["offering"]:
        offering = _offering(options["offering"])
        data["offering"] = str(offering.uuid)
        described.append(f"offering {offering.name!r} of {offering.provider}")
    if options["organization"]:
        organization = _organization(options["organization"])
        data["organization"] = str(organization.uuid)
        described.append(f"organization {organization.name!r}")
    if options.get("search"):
        data["search"] = options["search"]
        described.append(f"matching {options['search'].strip()!r}")
    if options["kind"]:
        data["failure_kind"] = sorted(set(options["kind"]))
        described.append(f"kind {' or '.join(data['failure_kind'])}")
    for flag, field, words in (
        ("failed_since", "failed_after", "failed since"),
        ("failed_until", "failed_before", "failed before"),
    ):
        if options[flag]:
            data[field] = _as_utc(options[flag])
            described.append(f"{words} {options[flag]}")
    if uuids or numbers:
        _require_known(scoped, uuids, numbers, actor)
        scoped = scoped.filter(Q(uuid__in=uuids) | Q(number__in=numbers))
        described.insert(0, f"{len(uuids) + len(numbers)} named orders")
    else:
        data["state"] = [Order.State.ERRED]
        described.insert(0, "erred orders")
    try:
        orders = order_filter(queryset=scoped, data=data)
    except ApplicationError as exc:
        raise CommandError(_in_flag_words(exc)) from exc
    return Selection(
        orders=orders,
        actor=actor,
        described=", ".join(described),
        integration_ids=[data["integration"]] if "integration" in data else None,
    )


def resolve_actor(username: str | None):
    """The ``--as`` user, or ``None`` for the system."""
    if username is None:
        return None
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError(f"Unknown user {username!r} (--as).")
    if not user.is_active:
        raise CommandError(f"User {username!r} is inactive and cannot act (--as).")
    return user


def _order_keys(raw_uuids: list[str], raw_numbers: list[str]) -> tuple[list[uuid.UUID], list[str]]:
    uuids = []
    for value in raw_uuids:
        try:
            uuids.append(uuid.UUID(value.strip()))
        except ValueError:
            raise CommandError(f"--uuid {value!r} is not a UUID.") from None
    numbers = [value.strip().upper() for value in raw_numbers]
    empty = [value for value in numbers if not value]
    if empty:
        raise CommandError("--number must not be empty.")
    return uuids, numbers


def _require_known(scoped: QuerySet[Order], uuids, numbers, actor) -> None:
    found = scoped.filter(Q(uuid__in=uuids) | Q(number__in=numbers)).values_list("uuid", "number")
    found_uuids = {u for u, _ in found}
    found_numbers = {n for _, n in found}
    missing = [str(u) for u in uuids if u not in found_uuids]
    missing += [n for n in numbers if n not in found_numbers]
    if missing:
        where = "" if actor is None else f" or outside the scope of {actor.get_username()}"
        raise CommandError(f"Unknown orders{where}: {', '.join(missing)}. Nothing was changed.")


def _integration(value: str):
    """The integration an id or name gives, as the API's ``integration`` filter reads it."""
    try:
        return integration_by_reference(value)
    except ApplicationError as exc:
        Integration = Offering.integration_model()
        known = ", ".join(Integration.objects.values_list("name", flat=True)[:20]) or "none"
        raise CommandError(
            f"Unknown integration {value!r} (--integration): {exc.message} Known: {known}."
        ) from exc


def _offering(value: str) -> Offering:
    offerings = Offering.objects.select_related("provider")
    as_uuid = _uuid_or_none(value)
    matches = list(offerings.filter(uuid=as_uuid) if as_uuid else offerings.filter(name=value))
    if not matches and not as_uuid:
        matches = list(offerings.filter(name__iexact=value))
    if not matches:
        known = ", ".join(offerings.values_list("name", flat=True)[:20]) or "none"
        raise CommandError(f"Unknown offering {value!r} (--offering); known: {known}.")
    if len(matches) > 1:
        which = "; ".join(f"{o.provider}: {o.uuid}" for o in matches)
        raise CommandError(
            f"Offering name {value!r} is used by {len(matches)} providers; give its UUID "
            f"(--offering): {which}."
        )
    return matches[0]


def _organization(value: str) -> Organization:
    as_uuid = _uuid_or_none(value)
    found = (
        Organization.objects.filter(uuid=as_uuid).first()
        if as_uuid
        else Organization.objects.filter(Q(name=value) | Q(name__iexact=value)).first()
    )
    if found is None:
        known = ", ".join(Organization.objects.values_list("name", flat=True)[:20]) or "none"
        raise CommandError(f"Unknown organization {value!r} (--organization); known: {known}.")
    return found


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _as_utc(value: str) -> str:
    """A date alone is midnight UTC and a time without an offset is UTC; anything else goes to
    the filter as given, which names it if it does not parse."""
    value = value.strip()
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return value
    if parsed is not None and parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC).isoformat()
    return value


def _in_flag_words(exc: ApplicationError) -> str:
    problems = []
    for field, errors in exc.extra.items():
        text = " ".join(errors)
        for name, flag in FLAG_BY_FILTER_FIELD.items():
            text = text.replace(name, flag)
        problems.append(f"{FLAG_BY_FILTER_FIELD.get(field, field)}: {text}")
    return "Invalid selection: " + ("; ".join(problems) or exc.message) + " Nothing was changed."
