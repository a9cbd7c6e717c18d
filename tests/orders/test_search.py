"""The one order search (``orders.selectors.orders_matching``): what it matches, the trigram
indexes that serve it on PostgreSQL, and the same search on SQLite (the embedded default)."""

import re

import pytest
from django.db import connection

from core.errors import ApplicationError
from orders.models import Order
from orders.selectors import orders_matching
from tests.factories import OrderFactory
from tests.support import run_on_fresh_sqlite

TRIGRAM_INDEXES = {
    "order_search_number": "number",
    "order_search_customer_name": "customer_name",
    "order_search_customer_email": "customer_email",
}


@pytest.fixture
def three(db):
    return {
        "ada": OrderFactory(
            number="RD-7K3M9Q2P", customer_name="Ada Lovelace", customer_email="ada@analytical.test"
        ),
        "grace": OrderFactory(
            number="RD-Q2P7K3MZ", customer_name="Grace Hopper", customer_email="grace@navy.test"
        ),
        "alan": OrderFactory(
            number="RD-ZZZZ0000", customer_name="Alan Turing", customer_email="alan@bletchley.test"
        ),
    }


def matching(term: str) -> set[str]:
    return set(orders_matching(Order.objects.all(), term).values_list("number", flat=True))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("RD-7K3M9Q2P", {"RD-7K3M9Q2P"}),  # the whole number
        ("7K3M9Q2P", {"RD-7K3M9Q2P"}),  # without its prefix
        ("rd-7k3m", {"RD-7K3M9Q2P"}),  # a part, with the prefix, in lower case
        ("7k3m", {"RD-7K3M9Q2P", "RD-Q2P7K3MZ"}),  # a part anywhere in the number
        ("lovelace", {"RD-7K3M9Q2P"}),  # part of the name, in any case
        ("GRACE HOP", {"RD-Q2P7K3MZ"}),
        ("@bletchley", {"RD-ZZZZ0000"}),  # part of the e-mail
        ("ALAN@BLETCHLEY.TEST", {"RD-ZZZZ0000"}),  # the whole e-mail, in another case
        ("  turing  ", {"RD-ZZZZ0000"}),  # surrounding blanks do not count
        ("hopper@", set()),
        ("7K3M9Q2P@", set()),  # a number has no @
        ("ada@analytical", {"RD-7K3M9Q2P"}),
        ("lovelace ada", set()),
    ],
)
def test_search_matches_number_name_and_email_in_part_and_in_any_case(three, term, expected):
    assert matching(term) == expected


def test_a_blank_term_is_no_search(three):
    assert matching("   ") == {"RD-7K3M9Q2P", "RD-Q2P7K3MZ", "RD-ZZZZ0000"}


@pytest.mark.parametrize("term", ["7", "ab", "RD-7K", "rd-"])
def test_a_term_under_three_characters_besides_the_prefix_is_refused(three, term):
    with pytest.raises(ApplicationError, match=r"Give at least 3 characters") as raised:
        orders_matching(Order.objects.all(), term)
    assert "search" in raised.value.extra


@pytest.mark.django_db
def test_a_term_with_digits_matches_the_whole_term_not_only_its_digits():
    OrderFactory(customer_name="Unit 4321 North", customer_email="x4321@shop.test")
    OrderFactory(customer_name="Unit 4321 South", customer_email="y4321@shop.test")

    assert set(
        orders_matching(Order.objects.all(), "x4321@").values_list("customer_email", flat=True)
    ) == {"x4321@shop.test"}
    assert set(
        orders_matching(Order.objects.all(), "4321 south").values_list("customer_name", flat=True)
    ) == {"Unit 4321 South"}
    assert orders_matching(Order.objects.all(), "4321").count() == 2


@pytest.mark.django_db
def test_a_term_that_starts_like_a_number_matches_numbers_from_their_start():
    OrderFactory(number="RD-7K3M9Q2P", customer_name="Someone")

    assert orders_matching(Order.objects.all(), "rd-7k3").count() == 1
    assert orders_matching(Order.objects.all(), "D-7K3M").count() == 0


def search_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orders_order' "
            "AND indexname LIKE 'order_search_%%'"
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_the_migration_made_a_trigram_index_for_each_searched_column():
    indexes = search_indexes()

    assert set(indexes) == {*TRIGRAM_INDEXES, "order_search_number_start"}
    for name, column in TRIGRAM_INDEXES.items():
        assert "USING gin" in indexes[name]
        assert f"upper(({column})::text) gin_trgm_ops" in indexes[name]
    assert (
        "USING btree (upper((number)::text) text_pattern_ops)"
        in indexes["order_search_number_start"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname LIKE 'order_search_%%' AND i.indisvalid"
        )
        assert cursor.fetchone()[0] == 4


def plan_and_rows(term: str) -> tuple[str, list[str]]:
    """The plan of a search and what it finds, with the planner told to avoid a sequential
    scan (on a table this small it would rightly prefer one)."""
    query = orders_matching(Order.objects.all(), term).order_by("-created")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        return plan, list(query.values_list("number", flat=True))


@pytest.fixture
def a_few(db):
    OrderFactory.create_batch(5, customer_name="Someone Else")
    OrderFactory(
        number="RD-7K3M9Q2P", customer_name="Ada Lovelace", customer_email="ada1815@analytical.test"
    )


@pytest.mark.parametrize(
    ("term", "indexes"),
    [
        ("7k3m9", TRIGRAM_INDEXES),  # could be in any of the three
        ("rd-7k3m", ["order_search_number_start", *list(TRIGRAM_INDEXES)[1:]]),
        ("ada1815@analytical", ["order_search_customer_email"]),  # only an e-mail has an @
        ("ada lovelace", ["order_search_customer_name"]),  # only a name has a blank
    ],
)
def test_the_plan_of_a_search_reads_the_search_indexes(a_few, term, indexes):
    plan, found = plan_and_rows(term)

    assert found == ["RD-7K3M9Q2P"]
    used = set(re.findall(r"Index Scan on (\w+)", plan))
    assert used == set(indexes), plan
    assert "Seq Scan on orders_order" not in plan


SQLITE_SCRIPT = """
import json
import django

django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
from orders.models import Offering, Order, Organization, Resource
from orders.selectors import orders_matching

provider = Organization.objects.create(name="Provider")
consumer = Organization.objects.create(name="Consumer")
offering = Offering.objects.create(name="Widgets", provider=provider)
for number, name, email in (
    ("RD-7K3M9Q2P", "Ada Lovelace", "ada@analytical.test"),
    ("RD-Q2P7K3MZ", "Grace Hopper", "grace@navy.test"),
):
    resource = Resource.objects.create(name="r", offering=offering, organization=consumer)
    Order.objects.create(
        number=number, offering=offering, consumer_organization=consumer, resource=resource,
        customer_name=name, customer_email=email,
    )
def found(term):
    return sorted(orders_matching(Order.objects.all(), term).values_list("number", flat=True))
print(json.dumps({
    "vendor": connection.vendor,
    "without prefix": found("7k3m"),
    "with prefix": found("rd-q2p"),
    "name": found("LOVELACE"),
    "email": found("@navy"),
}))
"""


def test_search_works_on_sqlite_where_the_migration_creates_no_index(tmp_path):
    # given: a fresh SQLite database, migrated from nothing, as ``make run`` does
    # when
    found = run_on_fresh_sqlite(SQLITE_SCRIPT, tmp_path)

    # then
    assert found == {
        "vendor": "sqlite",
        "without prefix": ["RD-7K3M9Q2P", "RD-Q2P7K3MZ"],
        "with prefix": ["RD-Q2P7K3MZ"],
        "name": ["RD-7K3M9Q2P"],
        "email": ["RD-Q2P7K3MZ"],
    }
