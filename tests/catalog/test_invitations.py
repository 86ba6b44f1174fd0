"""catalog.invitations and catalog.password_resets on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import accounts, invitations, password_resets
from catalog.account_models import Invitation
from catalog.errors import Conflict, InvalidInput

PASSWORD = "a long enough passphrase"


@pytest.fixture
def partner(catalog):
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    return "rajang"


def test_only_the_hash_of_the_token_is_stored(catalog, partner):
    invitation, token = invitations.create_invitation(
        catalog, "Nur@Example.org", "curator", partner, actor="test"
    )
    with catalog.session() as s:
        stored = s.scalars(select(Invitation.token_hash)).all()
    assert stored == [invitations.hash_token(token)]
    assert token not in stored[0]
    assert invitation.email == "nur@example.org"


def test_accept_once(catalog, partner):
    _invitation, token = invitations.create_invitation(
        catalog, "nur@example.org", "curator", partner, actor="test"
    )
    with pytest.raises(InvalidInput):
        invitations.accept_invitation(catalog, token, "short")
    user = invitations.accept_invitation(catalog, token, PASSWORD, display_name="Nur")
    assert [(m.role, m.partner_id) for m in accounts.memberships_of(catalog, user)] == [
        ("curator", "rajang")
    ]
    with pytest.raises(invitations.InvitationUnusable) as raised:
        invitations.accept_invitation(catalog, token, PASSWORD)
    assert raised.value.reason == "used" and raised.value.status == 410


def test_no_second_invitation_for_the_same_role(catalog, partner):
    invitations.create_invitation(catalog, "nur@example.org", "curator", partner, actor="test")
    with pytest.raises(Conflict):
        invitations.create_invitation(catalog, "NUR@example.org", "curator", partner, actor="t")
    accounts.create_user(catalog, "siti@example.org", PASSWORD, role="curator", partner_id=partner)
    with pytest.raises(Conflict):
        invitations.create_invitation(catalog, "siti@example.org", "curator", partner, actor="t")
    with pytest.raises(InvalidInput):
        invitations.create_invitation(
            catalog, "x@example.org", "consortium-admin", partner, actor="t"
        )


def test_a_disabled_account_cannot_accept(catalog, partner):
    accounts.create_user(catalog, "siti@example.org", PASSWORD, role="curator", partner_id=partner)
    accounts.create_user(catalog, "boss@example.org", PASSWORD, role="consortium-admin")
    accounts.disable_user(catalog, "siti@example.org", actor="test")
    _inv, token = invitations.create_invitation(
        catalog, "siti@example.org", "operator", partner, actor="test"
    )
    with pytest.raises(Conflict):
        invitations.accept_invitation(catalog, token, PASSWORD)
    assert invitations.invitation_for_token(catalog, token)[0].used_at is None


def test_a_reset_token_works_once(catalog):
    user = accounts.create_user(catalog, "siti@example.org", PASSWORD)
    token = password_resets.reset_token(user, "secret")
    changed = password_resets.reset_password(
        catalog, token, "the next passphrase", secret="secret", max_age=60
    )
    assert changed.session_version == user.session_version + 1
    with pytest.raises(password_resets.ResetLinkInvalid) as raised:
        password_resets.reset_password(
            catalog, token, "a third passphrase", secret="secret", max_age=60
        )
    assert raised.value.reason == "used"
    assert accounts.authenticate(catalog, "siti@example.org", "the next passphrase") is not None
