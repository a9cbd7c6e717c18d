"""Keys issued before tokens were kept as digests (DRF's ``authtoken`` table, in clear): each
becomes an ``ApiToken`` holding only its digest, so it keeps working, and the clear table is
dropped."""

import hashlib

from django.db import migrations


def digest_old_keys(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("core", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="issued before named keys",
            prefix=key[:10],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created=created,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_api_tokens")]

    operations = [migrations.RunPython(digest_old_keys, migrations.RunPython.noop)]
