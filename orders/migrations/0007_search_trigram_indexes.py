"""Trigram indexes for the one order search (``orders.selectors.orders_matching``).

Django's ``icontains`` on PostgreSQL is ``UPPER(col::text) LIKE UPPER('%term%')``, so each
index is a GIN ``gin_trgm_ops`` index on that same expression: a leading wildcard then reads
the index instead of every order. Built ``CONCURRENTLY`` (so outside a transaction): orders
keep being written while a large table is indexed. On other databases (SQLite, the embedded
default) nothing is created and the search is a plain scan.

The indexes are the migration's alone (Django's model state does not know them, as it cannot
express a vendor-only index); ``tests/orders/test_search.py`` checks they exist and are used.
"""

from django.db import migrations

SEARCH_INDEXES = {
    "order_search_number": "number",
    "order_search_customer_name": "customer_name",
    "order_search_customer_email": "customer_email",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in SEARCH_INDEXES.items():
        # an earlier build cut short leaves an invalid index of that name: build it anew
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {name} ON orders_order "
            f"USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0006_bulk_write_costs")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, atomic=False)]
