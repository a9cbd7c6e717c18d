"""Less written per resubmitted order (bench.wal_breakdown, 20,000 orders: 32.5 WAL records
and 4.8 kB an order before).

The failure-time index holds erred orders only, so moving an order out of erred writes no
entry in it; orders and resources keep half of each page free, so that a resubmit, which
changes every order (and resource) of a page in one transaction, writes each new row version
on the row's own page: a resource's update is then HOT (no index entry) and an order's needs
no lock record to move the row to another page. Pages written from now on keep the room;
``VACUUM FULL`` (or pg_repack) repacks older ones.
"""

from django.db import migrations, models


def fillfactor(percent: int, *tables: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {percent})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("orders", "0012_bulk_chunks_previews")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("state", "erred")), fields=["erred_at"], name="order_erred_at"
            ),
        ),
        migrations.RemoveIndex(model_name="order", name="order_state_erred_at"),
        migrations.RunPython(
            fillfactor(50, "orders_order", "orders_resource"),
            lambda apps, schema_editor: (
                fillfactor(100, "orders_order")(apps, schema_editor),
                fillfactor(80, "orders_resource")(apps, schema_editor),
            ),
        ),
    ]
