"""The failure-time index ends with the id, the lists' tie-break (``-erred_at, -id``).

With ``erred_at`` alone, a first page of the Failed orders queue over orders that erred in the
same second (an outage's) sorted all of them: 0.17 s for 1,000,000 at the admin's
confirmation page (bench.bulk_operation --only admin). Created before the old one goes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0014_bulk_operation_patch")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("state", "erred")),
                fields=["erred_at", "id"],
                name="order_erred_at_id",
            ),
        ),
        migrations.RemoveIndex(model_name="order", name="order_erred_at"),
    ]
