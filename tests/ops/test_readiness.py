"""/readyz: ready when the database, the broker and the migrations are; else the reason."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from config.health import broker_check
from tests.support import closed_port, database_unreachable


@pytest.mark.django_db
def test_ready_when_database_broker_and_migrations_are(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "migrations": "ok",
    }


@pytest.mark.django_db
def test_not_ready_when_the_broker_is_down(client):
    # given: the broker URL points at a port where nothing listens
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"].startswith("unreachable: ")
    assert (body["database"], body["migrations"]) == ("ok", "ok")


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_not_applied(client):
    # given: the database has not recorded the newest migration of an app (a deploy whose
    # migrations have not run); the test transaction puts the row back afterwards
    [(app, newest)] = MigrationLoader(connection).graph.leaf_nodes("orders")
    MigrationRecorder(connection).migration_qs.filter(app=app, name=newest).delete()

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    body = response.json()
    assert body["migrations"] == f"1 not applied: orders.{newest}"
    assert (body["database"], body["broker"]) == ("ok", "ok")


@pytest.mark.django_db(transaction=True)
def test_not_ready_when_the_database_is_down(client):
    # given: the connection points at a port where nothing listens
    with database_unreachable():
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unreachable: OperationalError"
    assert body["migrations"] == "unknown: OperationalError"
    assert body["broker"] == "ok"


def test_the_broker_check_names_a_broker_where_nothing_listens():
    assert broker_check(url=f"redis://127.0.0.1:{closed_port()}/0", timeout=1).startswith(
        "unreachable: "
    )


@pytest.mark.django_db
def test_only_get_is_served(client):
    assert client.post("/readyz").status_code == 405
