import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/orders/not-a-uuid/", "/api/nothing/here/"])
def test_an_unknown_api_path_answers_the_json_error_shape(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": f"Nothing at {path}.", "details": {}}


@pytest.mark.django_db
def test_an_unknown_page_outside_the_api_stays_html(client):
    response = client.get("/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
