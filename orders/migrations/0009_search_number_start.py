"""A B-tree for the search's "number starts with" (``orders.selectors.orders_matching``).

A term that starts like a number (``RD-7K3M``) matches numbers from their start: Django's
``istartswith``, ``UPPER(number::text) LIKE 'RD-7K3M%'``, which a ``text_pattern_ops`` B-tree
on that expression serves as a range. The trigram index of 0007 could serve it too, but every
number's prefix makes trigrams that every order has, the costliest a trigram index can be
asked for. Built ``CONCURRENTLY`` as 0007's; nothing on other databases (SQLite).
"""

from django.db import migrations

NAME = "order_search_number_start"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # an earlier build cut short leaves an invalid index of that name: build it anew
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY {NAME} ON orders_order "
        "((UPPER((number)::text)) text_pattern_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0008_bulk_operation_source_and_resubmitted")]

    operations = [migrations.RunPython(create_index, drop_index, atomic=False)]
