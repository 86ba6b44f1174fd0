"""The consortium's users page: every user, disable/enable, inviting consortium admins."""

from __future__ import annotations

import pytest

from catalog import accounts, invitations
from tests.support.web import csrf_token, log_in, make_user

USERS = "/workspace/users"


@pytest.fixture
def catalog(mail_catalog):
    catalog = mail_catalog
    make_user(catalog, "boss@example.org", ("consortium-admin", None), name="Boss")
    make_user(catalog, "siti@example.org", ("curator", "rajang"), name="<i>Siti</i>")
    return catalog


def test_the_page_lists_users_and_their_roles_as_text(app, catalog):
    client = app.test_client()
    log_in(client, "boss@example.org")
    page = client.get(USERS)
    assert page.status_code == 200
    assert "Curator at Pustaka Rajang" in page.text
    assert "&lt;i&gt;Siti&lt;/i&gt;" in page.text and "<i>Siti</i>" not in page.text
    assert 'href="/workspace/users"' in client.get("/workspace/").text


def test_disabling_ends_the_users_sessions_at_once(app, catalog):
    siti = accounts.find_user_by_email(catalog, "siti@example.org")
    theirs = app.test_client()
    log_in(theirs, "siti@example.org")
    admin = app.test_client()
    log_in(admin, "boss@example.org")
    assert admin.post(f"/workspace/users/{siti.id}/disable").status_code == 400  # no CSRF
    assert theirs.get("/workspace/").status_code == 200
    token = csrf_token(admin, USERS)
    assert (
        admin.post(f"/workspace/users/{siti.id}/disable", data={"csrf_token": token}).status_code
        == 302
    )
    assert "siti@example.org is disabled." in admin.get(USERS).text
    assert theirs.get("/workspace/").status_code == 302
    assert log_in(app.test_client(), "siti@example.org").status_code == 200
    admin.post(f"/workspace/users/{siti.id}/enable", data={"csrf_token": token})
    assert log_in(app.test_client(), "siti@example.org").status_code == 302


def test_the_last_consortium_admin_cannot_disable_themselves(app, catalog):
    boss = accounts.find_user_by_email(catalog, "boss@example.org")
    admin = app.test_client()
    log_in(admin, "boss@example.org")
    token = csrf_token(admin, USERS)
    admin.post(f"/workspace/users/{boss.id}/disable", data={"csrf_token": token})
    assert "last active consortium admin" in admin.get(USERS).text
    assert accounts.get_user(catalog, boss.id).active


def test_invite_a_consortium_admin(app, catalog, mailbox):
    admin = app.test_client()
    log_in(admin, "boss@example.org")
    token = csrf_token(admin, USERS)
    data = {"csrf_token": token, "email": "chief@example.org", "role": "consortium-admin"}
    assert admin.post(USERS, data={**data, "language": "en"}).status_code == 302
    (pending,) = invitations.pending_invitations(catalog, None)
    assert pending.email == "chief@example.org"
    invitee = app.test_client()
    path = mailbox.path(mailbox.link("chief@example.org"))
    token = csrf_token(invitee, path)
    secret = "chief's long passphrase"
    form = {"csrf_token": token, "name": "Chief", "password": secret, "repeat": secret}
    assert invitee.post(path, data=form).status_code == 302
    assert invitee.get(USERS).status_code == 200
    partner_role = {**data, "role": "curator", "language": "en", "email": "x@example.org"}
    assert admin.post(USERS, data=partner_role).status_code == 400
    assert invitations.pending_invitations(catalog, None) == []


def test_only_consortium_admins_manage_consortium_invitations(app, catalog, mailbox):
    invitation, _token = invitations.create_invitation(
        catalog, "chief@example.org", "consortium-admin", actor="test"
    )
    make_user(catalog, "padmin@example.org", ("partner-admin", "rajang"))
    client = app.test_client()
    log_in(client, "padmin@example.org")
    token = csrf_token(client, "/workspace/partners/rajang/members")
    for action in ("resend", "revoke"):
        url = f"/workspace/invitations/{invitation.id}/{action}"
        assert client.post(url, data={"csrf_token": token}).status_code == 403
    assert (
        client.post("/workspace/invitations/999/revoke", data={"csrf_token": token}).status_code
        == 404
    )
    assert len(invitations.pending_invitations(catalog, None)) == 1
    assert mailbox.messages == []
