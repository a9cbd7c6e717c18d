import pytest

from tests.support import database_unreachable


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_not(client):
    # given: the connection points at a port where nothing listens
    with database_unreachable():
        # when
        response = client.get("/healthz")

    # then
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "OperationalError" in response.json()["database"]
