"""Workspace login: sessions, CSRF, redirects, disabled users, and what is never shown."""

from __future__ import annotations

import logging

import pytest

from catalog import accounts
from portal.services import get_services
from tests.support.web import LOGIN, PASSWORD, csrf_token, log_in, make_user


@pytest.fixture
def catalog(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("sarawak-lib", name="Pustaka Negeri Sarawak", country="MY")
    catalog.add_partner("kalbar-arsip", name="Arsip Kalimantan Barat", country="ID")
    return catalog


@pytest.fixture
def curator(catalog):
    return make_user(
        catalog,
        "kurator@example.org",
        ("curator", "sarawak-lib"),
        ("operator", "kalbar-arsip"),
        name="Siti Kurator",
    )


def test_login_leads_to_the_home_that_lists_the_memberships(client, curator):
    form = client.get(LOGIN)
    assert 'name="csrf_token"' in form.text
    response = log_in(client, "Kurator@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/"
    home = client.get("/workspace/")
    assert home.status_code == 200
    assert "Siti Kurator" in home.text
    assert "Curator at Pustaka Negeri Sarawak" in home.text
    assert "Digitization operator at Arsip Kalimantan Barat" in home.text


def test_a_consortium_admin_holds_a_role_at_no_partner(client, catalog):
    make_user(catalog, "admin@example.org", ("consortium-admin", None))
    log_in(client, "admin@example.org")
    page = client.get("/workspace/", headers={"Accept-Language": "ms"})
    assert "<li>Pentadbir konsortium</li>" in page.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, curator):
    for email, password in (
        ("kurator@example.org", "wrong password!"),
        ("no@example.org", PASSWORD),
    ):
        response = log_in(client, email, password)
        assert response.status_code == 200
        assert "Wrong e-mail address or password." in response.text
        assert client.get("/workspace/").status_code == 302


def test_the_home_needs_a_login_and_sends_back_after_it(client, curator):
    response = client.get("/workspace/?tab=roles")
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/login?next=/workspace/?tab%3Droles"
    followed = log_in(client, "kurator@example.org", next_="/workspace/?tab=roles")
    assert followed.headers["Location"] == "/workspace/?tab=roles"


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:x"]
)
def test_next_never_leaves_the_site(client, curator, target):
    response = log_in(client, "kurator@example.org", next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/"
    page = client.get(LOGIN, query_string={"next": target})
    assert "evil.example" not in page.text


def test_a_user_without_membership_is_refused_the_workspace(client, catalog):
    make_user(catalog, "reader@example.org")
    assert log_in(client, "reader@example.org").status_code == 302
    page = client.get("/workspace/", headers={"Accept-Language": "id"})
    assert page.status_code == 403
    assert "Anda tidak berhak melakukan ini." in page.text


def test_login_and_logout_refuse_a_missing_or_wrong_csrf_token(client, curator):
    data = {"email": "kurator@example.org", "password": PASSWORD}
    assert client.post(LOGIN, data=data).status_code == 400
    assert client.post(LOGIN, data={**data, "csrf_token": "forged"}).status_code == 400
    assert client.get("/workspace/").status_code == 302
    log_in(client, "kurator@example.org")
    assert client.post("/workspace/logout").status_code == 400
    assert client.post("/workspace/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/workspace/logout").status_code == 405
    assert client.get("/workspace/").status_code == 200
    token = csrf_token(client, "/workspace/")
    out = client.post("/workspace/logout", data={"csrf_token": token})
    assert out.status_code == 302
    assert client.get("/workspace/").status_code == 302


def test_a_disabled_user_is_logged_out_at_the_next_request(client, catalog, curator):
    log_in(client, "kurator@example.org")
    assert client.get("/workspace/").status_code == 200
    accounts.disable_user(catalog, "kurator@example.org", actor="test")
    assert client.get("/workspace/").status_code == 302
    assert log_in(client, "kurator@example.org").status_code == 200


def test_a_new_password_ends_the_sessions_open_before_it(client, catalog, curator):
    log_in(client, "kurator@example.org")
    accounts.set_password(catalog, curator.id, "another long password", actor="test")
    assert client.get("/workspace/").status_code == 302


def test_login_starts_a_new_session(app, client, curator):
    """No fixation: neither the cookie nor the CSRF token from before the login works
    after it."""
    before = csrf_token(client)
    cookie_before = client.get_cookie("session").value
    log_in(client, "kurator@example.org")
    assert client.get_cookie("session").value != cookie_before
    assert client.post("/workspace/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/workspace/").status_code == 200
    replay = app.test_client()
    replay.set_cookie("session", cookie_before)
    assert replay.get("/workspace/").status_code == 302


def test_the_language_choice_survives_the_login(client, curator):
    client.get("/language/ms")
    log_in(client, "kurator@example.org")
    assert 'lang="ms"' in client.get("/workspace/").text


def test_the_session_cookie_is_secure_httponly_and_samesite(client, curator):
    response = log_in(client, "kurator@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_password_is_never_echoed_or_logged(app, client, curator, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Sekret-Pa55word-xyz"
    responses = [
        log_in(client, "kurator@example.org", secret),
        log_in(client, "nobody@example.org", secret),
        log_in(client, "not an email", secret),
        client.post(LOGIN, data={"email": "kurator@example.org", "password": secret}),
    ]
    responses += [log_in(client, "kurator@example.org", secret) for _ in range(5)]
    assert responses[-1].status_code == 429
    responses.append(log_in(client, "kurator@example.org"))
    for response in responses:
        assert secret not in response.text
        assert PASSWORD not in response.text
        assert secret not in str(response.headers)
    assert caplog.records, "nothing was logged: the check would prove nothing"
    assert secret not in caplog.text
    assert PASSWORD not in caplog.text


def test_markup_in_a_display_name_is_shown_as_text(client, catalog):
    make_user(
        catalog,
        "mallory@example.org",
        ("curator", "sarawak-lib"),
        name='<script>alert("x")</script><b>Mal</b>',
    )
    log_in(client, "mallory@example.org")
    page = client.get("/workspace/")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<b>Mal</b>" not in page.text
    assert "&lt;script&gt;alert(" in page.text
