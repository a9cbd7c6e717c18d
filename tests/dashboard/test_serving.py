"""Django serves the dashboard's build at /dashboard/ (index.html for every route, hashed
assets cached for a year), `/` leads staff to the admin and everyone else to the dashboard, and
/accounts/ logs in, out, and resets a password by e-mail."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import OrganizationFactory, UserFactory, owner_of, staff_user

HEAD = '<!doctype html><html><head><script src="/dashboard/assets/index-abc123.js"></script>'
INDEX = HEAD + '</head><body><div id="root"></div></body></html>'


@pytest.fixture
def build(settings, tmp_path):
    """A stand-in for dashboard/dist, so these tests need no npm."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('dashboard')")
    (tmp_path / "secret.txt").write_text("outside assets")
    settings.DASHBOARD_DIST = str(tmp_path)
    return tmp_path


@pytest.fixture
def owner(db):
    return owner_of(OrganizationFactory(name="Acme"), username="owner", email="owner@example.com")


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/tokens", "/dashboard/orders/a/b"])
def test_every_dashboard_route_answers_the_index_with_the_csrf_cookie(client, build, owner, path):
    client.force_login(owner)

    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith(HEAD) and page.endswith(INDEX.removeprefix(HEAD))
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response.cookies["csrftoken"].value


def test_the_index_carries_what_api_me_answers_so_the_app_need_not_ask(client, build, owner):
    client.force_login(owner)

    page = client.get("/dashboard/failed-orders").content.decode()

    found = re.search(
        r'<script id="redrive-me" type="application/json">(.*?)</script></head>', page
    )
    assert found, page
    assert json.loads(found.group(1)) == client.get("/api/me/").json()
    assert json.loads(found.group(1))["organizations_owned"][0]["name"] == "Acme"


def test_the_dashboard_asks_for_a_login_and_comes_back_to_the_same_screen(client, build, db):
    response = client.get("/dashboard/tokens")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/tokens"


def test_a_hashed_asset_is_cached_for_a_year(client, build, db):
    response = client.get("/dashboard/assets/index-abc123.js")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"console.log('dashboard')"
    assert response["Content-Type"] in ("text/javascript", "application/javascript")
    cache = response["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache


@pytest.mark.parametrize("name", ["missing.js", "../secret.txt", "..%2Fsecret.txt"])
def test_an_asset_that_is_not_in_the_build_is_a_404(client, build, db, name):
    assert client.get(f"/dashboard/assets/{name}").status_code == 404


def test_without_a_build_the_page_says_how_to_make_one(client, settings, tmp_path, owner):
    settings.DASHBOARD_DIST = str(tmp_path / "dist")
    client.force_login(owner)

    response = client.get("/dashboard/")

    assert response.status_code == 503
    assert "make dashboard" in response.content.decode()


def test_the_root_leads_staff_to_the_admin_and_others_to_the_dashboard(client, owner):
    assert client.get("/")["Location"] == reverse("dashboard")
    client.force_login(owner)
    assert client.get("/")["Location"] == reverse("dashboard")
    client.force_login(staff_user(username="operator"))
    assert client.get("/")["Location"] == reverse("admin:index")


def test_logging_in_leads_through_the_root_and_a_wrong_password_says_so(client, owner):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b"Forgotten your password?" in page.content

    wrong = client.post("/accounts/login/", {"username": "owner", "password": "nope"})
    assert wrong.status_code == 200
    assert b"Please enter a correct username and password" in wrong.content

    right = client.post("/accounts/login/", {"username": "owner", "password": "secret"})
    assert right.status_code == 302 and right["Location"] == reverse("home")
    assert client.get("/api/me/").json()["username"] == "owner"


def test_logging_out_takes_a_post_not_a_get(client, owner):
    client.force_login(owner)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 200 and b"You are logged out" in response.content
    assert client.get("/api/me/").status_code in (401, 403)


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, owner):
    # when: asked for the owner's address
    response = client.post("/accounts/password_reset/", {"email": "owner@example.com"})

    # then: one e-mail to them, with a link that works once
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["owner@example.com"] and sent.subject == "Your Redrive password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", sent.body).group(1)
    form = client.get(link, follow=True)
    assert b"Set a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("a-new-long-passphrase")
    assert b"This link does not work" in client.get(link, follow=True).content


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    UserFactory(username="someone", email="someone@example.com")

    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
