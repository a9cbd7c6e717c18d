from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="dismissed_note",
            field=models.TextField(
                blank=True,
                help_text="The note the person who dismissed it last gave; may be empty.",
            ),
        ),
    ]
