"""Forgotten and changed passwords: the reset mail through a real SMTP server
(aiosmtpd), its single-use expiring link, and changing one's own password."""

from __future__ import annotations

import logging

import pytest
from itsdangerous import URLSafeTimedSerializer

from catalog import accounts, password_resets
from tests.support.web import PASSWORD, csrf_token, log_in, make_user

FORGOT = "/workspace/password/forgot"
NEW_PASSWORD = "the new passphrase 2026"


@pytest.fixture
def catalog(mail_catalog):
    catalog = mail_catalog
    make_user(catalog, "siti@example.org", ("curator", "rajang"), name="Siti")
    return catalog


def ask(client, email, lang=None):
    token = csrf_token(client, FORGOT)
    headers = {"Accept-Language": lang} if lang else {}
    return client.post(FORGOT, data={"csrf_token": token, "email": email}, headers=headers)


def choose(client, path, password=NEW_PASSWORD, repeat=None):
    token = csrf_token(client, path)
    data = {"csrf_token": token, "password": password, "repeat": repeat or password}
    return client.post(path, data=data)


def test_the_login_form_links_to_the_reset(client, catalog):
    page = client.get("/workspace/login")
    assert 'href="/workspace/password/forgot"' in page.text


def test_reset_by_mail_changes_the_password_and_ends_other_sessions(app, catalog, mailbox):
    elsewhere = app.test_client()
    log_in(elsewhere, "siti@example.org")
    assert elsewhere.get("/workspace/").status_code == 200

    client = app.test_client()
    answer = ask(client, "Siti@Example.org")
    assert answer.status_code == 200
    message = mailbox.last("siti@example.org")
    assert message["Subject"] == "Resetting your password on Warisan"
    path = mailbox.path(mailbox.link("siti@example.org"))
    assert path.startswith("/workspace/password/reset/")
    assert client.get(path).status_code == 200
    done = choose(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200  # logged in
    assert elsewhere.get("/workspace/").status_code == 302  # the other session ended
    assert log_in(app.test_client(), "siti@example.org", PASSWORD).status_code == 200
    assert log_in(app.test_client(), "siti@example.org", NEW_PASSWORD).status_code == 302

    again = app.test_client()
    assert again.get(path).status_code == 410
    token = csrf_token(again, FORGOT)
    data = {"csrf_token": token, "password": "yet another one!", "repeat": "yet another one!"}
    assert again.post(path, data=data).status_code == 410
    assert log_in(app.test_client(), "siti@example.org", NEW_PASSWORD).status_code == 302


def test_the_answer_does_not_tell_whether_an_account_exists(app, catalog, mailbox):
    known = ask(app.test_client(), "siti@example.org")
    unknown = ask(app.test_client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert [str(m["To"]) for m in mailbox.messages] == ["siti@example.org"]


def test_a_disabled_account_gets_no_link(app, catalog, mailbox):
    accounts.disable_user(catalog, "siti@example.org", actor="test")
    assert ask(app.test_client(), "siti@example.org").status_code == 200
    assert mailbox.messages == []


def test_an_expired_or_forged_link_is_refused(app, catalog, mailbox):
    user = accounts.find_user_by_email(catalog, "siti@example.org")
    client = app.test_client()
    forged = password_resets.reset_token(user, "another secret")
    assert client.get(f"/workspace/password/reset/{forged}").status_code == 404
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every link is already too old
    ask(client, "siti@example.org")
    page = client.get(mailbox.path(mailbox.link("siti@example.org")))
    assert page.status_code == 410
    assert "has expired" in page.text
    payload = URLSafeTimedSerializer("test", salt="other").dumps({"u": user.id, "f": "x"})
    assert client.get(f"/workspace/password/reset/{payload}").status_code == 404


def test_a_link_dies_when_the_password_changes_another_way(app, catalog, mailbox):
    client = app.test_client()
    ask(client, "siti@example.org")
    path = mailbox.path(mailbox.link("siti@example.org"))
    user = accounts.find_user_by_email(catalog, "siti@example.org")
    accounts.set_password(catalog, user.id, "changed by the cli 123", actor="test")
    assert client.get(path).status_code == 410


def test_requests_are_throttled_for_known_and_unknown_addresses_alike(app, catalog, mailbox):
    app.config["RESET_LIMIT_PER_ACCOUNT"] = "2 per hour"
    for email in ("siti@example.org", "nobody@example.org"):
        client = app.test_client()
        assert [ask(client, email).status_code for _ in range(3)] == [200, 200, 429]
    assert len(mailbox.messages) == 2


def test_the_mail_speaks_the_language_of_the_request(app, catalog, mailbox):
    ask(app.test_client(), "siti@example.org", lang="ms")
    message = mailbox.last("siti@example.org")
    assert message["Subject"] == "Menetapkan semula kata laluan anda di Warisan"
    assert "lang=ms" in mailbox.link("siti@example.org")


def test_nothing_secret_is_mailed_shown_or_logged(app, catalog, mailbox, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    ask(client, "siti@example.org")
    path = mailbox.path(mailbox.link("siti@example.org"))
    mismatch = choose(client, path, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert mismatch.status_code == 400 and "The passwords differ." in mismatch.text
    done = choose(client, path)
    for response in (mismatch, done, client.get("/workspace/")):
        assert NEW_PASSWORD not in response.text
    for message in mailbox.messages:
        assert PASSWORD not in message.as_string() and "$argon2" not in message.as_string()
    assert NEW_PASSWORD not in caplog.text


def test_reset_forms_need_the_csrf_token(app, catalog, mailbox):
    client = app.test_client()
    assert client.post(FORGOT, data={"email": "siti@example.org"}).status_code == 400
    assert mailbox.messages == []
    ask(client, "siti@example.org")
    path = mailbox.path(mailbox.link("siti@example.org"))
    data = {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    assert client.post(path, data=data).status_code == 400
    assert client.get(path).status_code == 200  # still usable


def test_change_ones_own_password(app, catalog):
    client = app.test_client()
    log_in(client, "siti@example.org")
    elsewhere = app.test_client()
    log_in(elsewhere, "siti@example.org")
    token = csrf_token(client, "/workspace/password")
    data = {"csrf_token": token, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    wrong = client.post("/workspace/password", data={**data, "current": "not my password"})
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.text
    assert NEW_PASSWORD not in wrong.text
    done = client.post("/workspace/password", data={**data, "current": PASSWORD})
    assert done.status_code == 302
    assert "Your password has been changed." in client.get("/workspace/password").text
    assert client.get("/workspace/").status_code == 200  # this session goes on
    assert elsewhere.get("/workspace/").status_code == 302  # the others ended
    assert log_in(app.test_client(), "siti@example.org", NEW_PASSWORD).status_code == 302


def test_guessing_the_current_password_is_throttled(app, catalog):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    client = app.test_client()
    log_in(client, "siti@example.org")
    token = csrf_token(client, "/workspace/password")
    data = {"csrf_token": token, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    codes = [
        client.post("/workspace/password", data={**data, "current": f"guess {n}"}).status_code
        for n in range(3)
    ]
    assert codes == [400, 400, 429]
