"""A raise finds its key's latest alert by one exact index (bench.incident_alerts).

``alert_raise`` looks up (order, integration, kind). With only one-column indexes the planner,
its statistics not yet knowing that an outage's first minutes filled the table with one
integration's alerts, combined the order's index with the integration's, reading every alert
of the integration: a millisecond more a raise at 15,000. The three-column index replaces the
order's own (which cascades from orders still use: it leads with the order), so an alert's
insert writes no more entries than before. Created before the old one goes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0005_problem_count_hot"),
        ("orders", "0014_bulk_operation_patch"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["order", "integration", "kind"], name="alert_order_key"),
        ),
        migrations.AlterField(
            model_name="alert",
            name="order",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alerts",
                to="orders.order",
            ),
        ),
    ]
