"""Keys issued in clear before tokens were kept as digests keep working after the migration,
and the clear table is gone."""

import importlib

from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from core.models import ApiToken
from tests.factories import OrganizationFactory, owner_of

migration = importlib.import_module("core.migrations.0002_tokens_from_authtoken")


def test_clear_keys_become_digests_and_keep_working(db):
    user = owner_of(OrganizationFactory(), username="old-client")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamptz NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [key, user.pk])

    with connection.schema_editor() as editor:
        migration.digest_old_keys(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=user)
    assert token.digest == ApiToken.digest_of(key) and key not in token.prefix + token.name
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/orders/").status_code == 200
