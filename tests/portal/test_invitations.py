"""Invitations end to end: a partner admin invites by email, a real SMTP server
(aiosmtpd) receives the mail, and the test follows its link with the Flask client."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select, update

from catalog import accounts, invitations
from catalog.account_models import AuditEvent, Invitation, Membership
from tests.support.web import PASSWORD, csrf_token, log_in, make_user

NEW_PASSWORD = "a brand new passphrase 42"
MEMBERS = "/workspace/partners/rajang/members"


@pytest.fixture
def catalog(mail_catalog):
    catalog = mail_catalog
    catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
    return catalog


@pytest.fixture
def admin_a(catalog):
    return make_user(catalog, "admin-a@example.org", ("partner-admin", "rajang"), name="Admin A")


@pytest.fixture
def admin_b(catalog):
    return make_user(catalog, "admin-b@example.org", ("partner-admin", "khatulistiwa"))


def invite(client, email, role="curator", partner="rajang", language="en", **extra):
    page = f"/workspace/partners/{partner}/members"
    data = {"csrf_token": csrf_token(client, page), "email": email, "role": role}
    return client.post(page, data={**data, "language": language, **extra})


def accept(client, path, name="Nur Kurator", password=NEW_PASSWORD, repeat=None):
    token = csrf_token(client, path)
    data = {"csrf_token": token, "name": name, "password": password}
    return client.post(path, data={**data, "repeat": password if repeat is None else repeat})


def audit(catalog) -> list[AuditEvent]:
    with catalog.session() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_invite_accept_and_be_logged_in_with_the_role(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    response = invite(admin, "Nur@Example.org")
    assert response.status_code == 302
    page = admin.get(MEMBERS)
    assert "An invitation was sent to nur@example.org." in page.text
    assert "nur@example.org" in page.text  # listed as pending

    message = mailbox.last("nur@example.org")
    assert message["Subject"] == "Your invitation to Warisan"
    body = mailbox.body(message)
    assert "Pustaka Rajang" in body and "Curator" in body and "Admin A" in body
    link = mailbox.link("nur@example.org")
    assert link.startswith("http://localhost/workspace/invitations/")

    invitee = app.test_client()
    form = invitee.get(mailbox.path(link))
    assert form.status_code == 200
    for label in ("Name", "Password", "Repeat password"):
        assert f">{label}</label>" in form.text
    joined = accept(invitee, mailbox.path(link))
    assert joined.status_code == 302
    assert joined.headers["Location"] == "/workspace/"
    home = invitee.get("/workspace/")
    assert "Curator at Pustaka Rajang" in home.text
    assert "Nur Kurator" in home.text
    assert invitee.get("/workspace/partners/rajang/").status_code == 200

    user = accounts.find_user_by_email(catalog, "nur@example.org")
    assert [(m.role, m.partner_id) for m in user.memberships] == [("curator", "rajang")]
    assert invitations.pending_invitations(catalog, "rajang") == []
    fresh = app.test_client()
    assert log_in(fresh, "nur@example.org", NEW_PASSWORD).status_code == 302
    actions = [e.action for e in audit(catalog)]
    assert "invitation.create" in actions and "invitation.accept" in actions


def test_accepting_starts_a_new_session(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org")
    path = mailbox.path(mailbox.link("nur@example.org"))
    invitee = app.test_client()
    before = csrf_token(invitee, path)
    cookie = invitee.get_cookie("session").value
    accept(invitee, path)
    assert invitee.get_cookie("session").value != cookie
    stale = invitee.post("/workspace/logout", data={"csrf_token": before})
    assert stale.status_code == 400


def test_a_used_link_is_refused_the_second_time(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org")
    path = mailbox.path(mailbox.link("nur@example.org"))
    assert accept(app.test_client(), path).status_code == 302
    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "already been used" in again.text
    other = app.test_client()
    token = csrf_token(other, "/workspace/login")
    data = {"csrf_token": token, "name": "X", "password": "x" * 12, "repeat": "x" * 12}
    assert other.post(path, data=data).status_code == 410
    assert len(accounts.list_users(catalog)) == 2


def test_an_expired_link_is_refused(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org")
    path = mailbox.path(mailbox.link("nur@example.org"))
    with catalog.session() as s:
        past = dt.datetime(2000, 1, 1)
        s.execute(update(Invitation).values(expires_at=past))
    page = app.test_client().get(path)
    assert page.status_code == 410
    assert "has expired" in page.text
    assert accounts.find_user_by_email(catalog, "nur@example.org") is None
    listed = admin.get(MEMBERS)
    assert "expired" in listed.text  # still listed, to be resent


def test_a_revoked_link_is_refused_and_resend_makes_a_new_link(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org")
    first = mailbox.path(mailbox.link("nur@example.org"))
    (pending,) = invitations.pending_invitations(catalog, "rajang")

    token = csrf_token(admin, MEMBERS)
    resent = admin.post(f"/workspace/invitations/{pending.id}/resend", data={"csrf_token": token})
    assert resent.status_code == 302 and resent.headers["Location"] == MEMBERS
    assert len(mailbox.to("nur@example.org")) == 2
    second = mailbox.path(mailbox.link("nur@example.org"))
    assert second != first
    assert app.test_client().get(first).status_code == 404  # the old token is gone
    assert app.test_client().get(second).status_code == 200

    token = csrf_token(admin, MEMBERS)
    revoked = admin.post(f"/workspace/invitations/{pending.id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302
    page = app.test_client().get(second)
    assert page.status_code == 410
    assert "withdrawn" in page.text
    assert invitations.pending_invitations(catalog, "rajang") == []


def test_an_unknown_token_gets_a_clear_page(client, catalog):
    page = client.get("/workspace/invitations/not-a-real-token")
    assert page.status_code == 404
    assert "This invitation link is not valid." in page.text


def test_inviting_an_existing_account_adds_the_role_to_it(app, catalog, mailbox, admin_b):
    make_user(catalog, "siti@example.org", ("curator", "rajang"), name="Siti")
    admin = app.test_client()
    log_in(admin, "admin-b@example.org")
    assert invite(admin, "siti@example.org", "operator", "khatulistiwa").status_code == 302
    path = mailbox.path(mailbox.link("siti@example.org"))
    invitee = app.test_client()
    form = invitee.get(path)
    assert "already have an account" in form.text
    assert 'name="name"' not in form.text
    wrong = invitee.post(path, data={"csrf_token": csrf_token(invitee, path), "password": "no!"})
    assert wrong.status_code == 400 and "Wrong password." in wrong.text
    right = invitee.post(path, data={"csrf_token": csrf_token(invitee, path), "password": PASSWORD})
    assert right.status_code == 302
    (user,) = [u for u in accounts.list_users(catalog) if u.email == "siti@example.org"]
    assert sorted((m.role, m.partner_id) for m in user.memberships) == [
        ("curator", "rajang"),
        ("operator", "khatulistiwa"),
    ]
    assert user.display_name == "Siti"
    assert log_in(app.test_client(), "siti@example.org").status_code == 302  # same password


def test_the_mail_is_in_the_language_chosen_and_the_page_too(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org", language="id")
    message = mailbox.last("nur@example.org")
    assert message["Subject"] == "Undangan Anda ke Warisan"
    assert "Kurator" in mailbox.body(message)
    page = app.test_client().get(mailbox.path(mailbox.link("nur@example.org")))
    assert 'lang="id"' in page.text
    invite(admin, "ahmad@example.org", language="ms")
    assert mailbox.last("ahmad@example.org")["Subject"] == "Jemputan anda ke Warisan"


def test_the_password_is_never_mailed_audited_logged_or_echoed(
    app, catalog, mailbox, admin_a, caplog
):
    caplog.set_level(logging.DEBUG)
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org")
    path = mailbox.path(mailbox.link("nur@example.org"))
    invitee = app.test_client()
    mismatch = accept(invitee, path, repeat=NEW_PASSWORD + "x")
    assert mismatch.status_code == 400 and "The passwords differ." in mismatch.text
    short = accept(invitee, path, password="short")
    assert short.status_code == 400 and "at least 10" in short.text
    done = accept(invitee, path)
    pages = [mismatch, short, done, invitee.get("/workspace/")]
    for response in pages:
        assert NEW_PASSWORD not in response.text
    assert 'value="short"' not in short.text
    for message in mailbox.messages:
        assert NEW_PASSWORD not in message.as_string()
    for event in audit(catalog):
        assert NEW_PASSWORD not in repr((event.before, event.after))
        assert "$argon2" not in repr((event.before, event.after))
    assert NEW_PASSWORD not in caplog.text


def test_markup_in_the_name_renders_as_text(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    invite(admin, "nur@example.org")
    evil = '<script>alert("x")</script><b>Nur</b>'
    accept(app.test_client(), mailbox.path(mailbox.link("nur@example.org")), name=evil)
    page = admin.get(MEMBERS)
    assert "<script>alert" not in page.text and "<b>Nur</b>" not in page.text
    assert "&lt;script&gt;alert(" in page.text


def test_forms_without_the_csrf_token_are_refused(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    data = {"email": "nur@example.org", "role": "curator", "language": "en"}
    assert admin.post(MEMBERS, data=data).status_code == 400
    assert mailbox.messages == []
    invite(admin, "nur@example.org")
    path = mailbox.path(mailbox.link("nur@example.org"))
    (pending,) = invitations.pending_invitations(catalog, "rajang")
    form = {"name": "Nur", "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    assert app.test_client().post(path, data=form).status_code == 400
    for action in ("resend", "revoke"):
        url = f"/workspace/invitations/{pending.id}/{action}"
        assert admin.post(url, data={"csrf_token": "forged"}).status_code == 400
    assert accounts.find_user_by_email(catalog, "nur@example.org") is None
    assert len(invitations.pending_invitations(catalog, "rajang")) == 1
    assert len(mailbox.messages) == 1


def test_a_mail_that_cannot_be_sent_leaves_the_invitation_to_resend(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    app.config["MAIL_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    assert invite(admin, "nur@example.org").status_code == 302
    page = admin.get(MEMBERS)
    assert "the mail could not be sent" in page.text
    (pending,) = invitations.pending_invitations(catalog, "rajang")
    app.config["MAIL_URL"] = mailbox.url
    token = csrf_token(admin, MEMBERS)
    admin.post(f"/workspace/invitations/{pending.id}/resend", data={"csrf_token": token})
    assert (
        accept(app.test_client(), mailbox.path(mailbox.link("nur@example.org"))).status_code == 302
    )


def test_a_partner_admin_cannot_make_a_consortium_admin(app, catalog, mailbox, admin_a):
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    response = invite(admin, "boss@example.org", role="consortium-admin")
    assert response.status_code == 400
    assert mailbox.messages == []
    assert invitations.pending_invitations(catalog, None) == []
    users = admin.post("/workspace/users", data={"csrf_token": csrf_token(admin, MEMBERS)})
    assert users.status_code == 403


def test_cross_partner_attempts_are_refused_and_change_nothing(
    app, catalog, mailbox, admin_a, admin_b
):
    member = make_user(catalog, "siti@example.org", ("curator", "rajang"))
    a = app.test_client()
    log_in(a, "admin-a@example.org")
    invite(a, "nur@example.org")
    (pending,) = invitations.pending_invitations(catalog, "rajang")

    b = app.test_client()
    log_in(b, "admin-b@example.org")
    token = csrf_token(b, "/workspace/partners/khatulistiwa/members")
    assert b.get(MEMBERS).status_code == 403
    assert invite(b, "spy@example.org", partner="khatulistiwa").status_code == 302
    before = (audit(catalog), len(mailbox.messages))  # B's own invitation is fine
    attempts = [
        b.post(MEMBERS, data={"csrf_token": token, "email": "x@example.org", "role": "curator"}),
        b.post(f"{MEMBERS}/{member.id}/role", data={"csrf_token": token, "role": "curator",
                                                      "new_role": "partner-admin"}),
        b.post(f"{MEMBERS}/{member.id}/remove", data={"csrf_token": token, "role": "curator"}),
        b.post(f"/workspace/invitations/{pending.id}/resend", data={"csrf_token": token}),
        b.post(f"/workspace/invitations/{pending.id}/revoke", data={"csrf_token": token}),
        b.post(f"/workspace/users/{member.id}/disable", data={"csrf_token": token}),
    ]  # fmt: skip
    assert [r.status_code for r in attempts] == [403] * 6
    # the right partner in the URL, A's member in the form: no such membership at B
    own = "/workspace/partners/khatulistiwa/members"
    moved = b.post(f"{own}/{member.id}/remove", data={"csrf_token": token, "role": "curator"})
    assert moved.status_code == 302
    assert "does not exist here" in b.get(own).text
    assert len(audit(catalog)) == len(before[0])
    assert len(mailbox.messages) == before[1]
    with catalog.session() as s:
        roles = s.scalars(select(Membership.role).where(Membership.user_id == member.id)).all()
    assert roles == ["curator"]
    assert invitations.pending_invitations(catalog, "rajang")[0].expires_at == pending.expires_at


def test_change_a_role_and_remove_a_membership(app, catalog, admin_a):
    member = make_user(catalog, "siti@example.org", ("curator", "rajang"))
    admin = app.test_client()
    log_in(admin, "admin-a@example.org")
    token = csrf_token(admin, MEMBERS)
    changed = admin.post(
        f"{MEMBERS}/{member.id}/role",
        data={"csrf_token": token, "role": "curator", "new_role": "operator"},
    )
    assert changed.status_code == 302
    assert "The role was changed." in admin.get(MEMBERS).text
    assert [m.role for m in accounts.memberships_of(catalog, member.id)] == ["operator"]
    refused = admin.post(
        f"{MEMBERS}/{member.id}/role",
        data={"csrf_token": token, "role": "operator", "new_role": "consortium-admin"},
    )
    assert refused.status_code == 302
    assert [m.role for m in accounts.memberships_of(catalog, member.id)] == ["operator"]
    removed = admin.post(
        f"{MEMBERS}/{member.id}/remove", data={"csrf_token": token, "role": "operator"}
    )
    assert removed.status_code == 302
    assert accounts.memberships_of(catalog, member.id) == []
    actions = [e.action for e in audit(catalog) if e.target_id == str(member.id)]
    assert actions[-2:] == ["membership.change", "membership.remove"]
