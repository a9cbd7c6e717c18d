from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0013_resubmit_write_costs")]

    operations = [
        migrations.AddField(
            model_name="bulkoperation",
            name="patch",
            field=models.JSONField(
                blank=True,
                help_text="A JSON Merge Patch on attributes applied to each order before it is "
                "sent again (edit many, then resend); none for a plain resubmit.",
                null=True,
            ),
        ),
    ]
