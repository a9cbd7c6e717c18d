"""An alert's counting in its problem writes no index entry (bench.incident_alerts).

Every failure under an open problem updates the problem's one row (``alerts_count``,
``last_seen_at``, ``message``): 10,000 failures of an outage, 10,000 new versions of the same
row. With ``last_seen_at`` indexed none of them could be HOT, so each wrote an entry in every
index of the table and left the row's chain of dead versions longer for the next update to
walk. Without that index, and with most of each page kept free for the new versions, they are
HOT updates: the page is pruned as it goes and no index is touched.
"""

from django.db import migrations


def fillfactor(percent: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE alerts_problem SET (fillfactor = {percent})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_problems_contacts_webhooks")]

    operations = [
        migrations.RemoveIndex(model_name="problem", name="problem_status_last_seen"),
        migrations.RunPython(fillfactor(20), fillfactor(100)),
    ]
