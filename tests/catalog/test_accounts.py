"""Accounts on a real catalogue (SQLite and PostgreSQL): users, passwords, memberships,
principals, and the audit events every change writes."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from catalog import accounts, passwords
from catalog.audit import audit_events, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.models import AuditEvent, Membership, Role, User
from catalog.policy import ANONYMOUS, Action, may

SECRET = "kain-tenun-ikat-1924"


@pytest.fixture
def partners(catalog):
    catalog.add_partner("pustaka", name="Pustaka", country="MY")
    catalog.add_partner("arsip", name="Arsip", country="ID")
    return catalog


def events(catalog) -> list[AuditEvent]:
    with catalog.session() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_create_user_stores_the_email_lower_cased_and_an_argon2id_hash(catalog):
    user = accounts.create_user(catalog, "  Siti@Example.ORG ", SECRET, display_name=" Siti ")
    assert user.email == "siti@example.org" and user.display_name == "Siti"
    assert user.active and user.session_version == 1 and user.last_login_at is None
    assert user.password_hash.startswith("$argon2id$") and SECRET not in user.password_hash
    assert SECRET not in repr(user)
    assert accounts.find_user_by_email(catalog, "SITI@example.org").id == user.id
    assert accounts.get_user(catalog, user.id).email == "siti@example.org"
    assert accounts.get_user(catalog, user.id + 1) is None
    with pytest.raises(Conflict):
        accounts.create_user(catalog, "siti@EXAMPLE.org", SECRET)
    assert [u.email for u in accounts.list_users(catalog)] == ["siti@example.org"]


@pytest.mark.parametrize("email", ["", "siti", "siti@", "@example.org", "a b@example.org"])
def test_create_user_refuses_what_is_not_an_email(catalog, email):
    with pytest.raises(InvalidInput):
        accounts.create_user(catalog, email, SECRET)
    assert accounts.find_user_by_email(catalog, email) is None


def test_a_short_password_is_refused_without_repeating_it(catalog):
    with pytest.raises(InvalidInput) as caught:
        accounts.create_user(catalog, "a@example.org", "pendek-9c")
    assert "10 characters" in str(caught.value)
    assert "pendek-9c" not in str(caught.value.to_dict())
    assert accounts.list_users(catalog) == [] and events(catalog) == []
    with pytest.raises(InvalidInput, match="at most"):
        passwords.hash_password("x" * (passwords.MAX_LENGTH + 1))


def test_authenticate(catalog):
    user = accounts.create_user(catalog, "a@example.org", SECRET)
    assert accounts.authenticate(catalog, "A@Example.org", SECRET).id == user.id
    assert accounts.get_user(catalog, user.id).last_login_at is not None
    assert accounts.authenticate(catalog, "a@example.org", SECRET + "x") is None
    assert accounts.authenticate(catalog, "a@example.org", "") is None
    assert accounts.authenticate(catalog, "b@example.org", SECRET) is None
    assert accounts.authenticate(catalog, "not an email", SECRET) is None


def test_authenticate_does_the_same_work_whoever_asks(catalog, monkeypatch):
    """One Argon2 verification every time (a dummy hash when there is no usable
    account), so the time taken does not tell which emails exist."""
    accounts.create_user(catalog, "known@example.org", SECRET)
    accounts.create_user(catalog, "invited@example.org")
    accounts.create_user(catalog, "gone@example.org", SECRET)
    accounts.disable_user(catalog, "gone@example.org", actor="cli")
    verified = []
    real = passwords.verify_password

    def counting(stored, password):
        verified.append(stored)
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    for email, password in [
        ("known@example.org", "wrong password"),
        ("nobody@example.org", SECRET),
        ("invited@example.org", SECRET),
        ("gone@example.org", SECRET),
        ("known@example.org", SECRET),
    ]:
        verified.clear()
        result = accounts.authenticate(catalog, email, password)
        assert len(verified) == 1 and verified[0].startswith("$argon2id$"), email
        assert (result is not None) is (email == "known@example.org" and password == SECRET)


def test_a_hash_made_with_old_parameters_is_renewed_at_sign_in(catalog):
    user = accounts.create_user(catalog, "a@example.org")
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(SECRET)
    with catalog.session() as s:
        s.get(User, user.id).password_hash = old
    assert passwords.needs_rehash(old)
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is not None
    renewed = accounts.get_user(catalog, user.id).password_hash
    assert renewed != old and not passwords.needs_rehash(renewed)
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is not None


def test_a_password_set_before_the_rules_grew_still_signs_in_and_is_renewed(catalog):
    user = accounts.create_user(catalog, "a@example.org")
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("sembilan9")
    with catalog.session() as s:
        s.get(User, user.id).password_hash = old
    assert accounts.authenticate(catalog, "a@example.org", "sembilan9") is not None
    renewed = accounts.get_user(catalog, user.id).password_hash
    assert renewed != old and passwords.verify_password(renewed, "sembilan9")


def test_set_password_ends_sessions_and_the_old_password(catalog):
    user = accounts.create_user(catalog, "a@example.org")
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is None  # invited only
    changed = accounts.set_password(catalog, user.id, SECRET, actor="cli")
    assert changed.session_version == 2
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is not None
    accounts.set_password(catalog, "a@example.org", SECRET + "-baru", actor=changed)
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is None
    assert accounts.authenticate(catalog, "a@example.org", SECRET + "-baru") is not None
    assert accounts.get_user(catalog, user.id).session_version == 3
    with pytest.raises(InvalidInput):
        accounts.set_password(catalog, user.id, "short", actor="cli")
    with pytest.raises(NotFound):
        accounts.set_password(catalog, user.id + 99, SECRET, actor="cli")
    last = events(catalog)[-1]
    assert (last.action, last.actor, last.actor_id) == ("user.password", "a@example.org", user.id)
    assert last.before == {"session_version": 2} and last.after == {"session_version": 3}


def test_disable_and_enable(catalog):
    user = accounts.create_user(catalog, "a@example.org", SECRET)
    disabled = accounts.disable_user(catalog, "A@example.org", actor="cli")
    assert not disabled.active and disabled.session_version == 2
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is None
    again = accounts.disable_user(catalog, user.id, actor="cli")  # nothing more happens
    assert again.session_version == 2
    enabled = accounts.enable_user(catalog, str(user.id), actor="cli")
    assert enabled.active and enabled.session_version == 2
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is not None
    assert [e.action for e in events(catalog)] == ["user.create", "user.disable", "user.enable"]
    with pytest.raises(NotFound):
        accounts.disable_user(catalog, "nobody@example.org", actor="cli")


def test_memberships(partners):
    catalog = partners
    user = accounts.create_user(catalog, "a@example.org", SECRET)
    accounts.add_membership(catalog, user.id, Role.CURATOR, "pustaka", actor="cli")
    accounts.add_membership(catalog, user.id, "operator", "arsip", actor="cli")
    accounts.add_membership(catalog, user.id, "operator", "pustaka", actor="cli")
    held = [(m.role, m.partner_id) for m in accounts.memberships_of(catalog, user)]
    assert held == [("curator", "pustaka"), ("operator", "arsip"), ("operator", "pustaka")]
    assert len(accounts.get_user(catalog, user.id).memberships) == 3
    with pytest.raises(Conflict, match="already"):
        accounts.add_membership(catalog, user.id, "curator", "pustaka", actor="cli")
    assert accounts.remove_membership(catalog, user.id, "operator", "arsip", actor="cli")
    assert not accounts.remove_membership(catalog, user.id, "operator", "arsip", actor="cli")
    assert len(accounts.memberships_of(catalog, user.id)) == 2
    audit = [(e.action, e.partner_id) for e in events(catalog)][1:]
    assert audit == [
        ("membership.add", "pustaka"),
        ("membership.add", "arsip"),
        ("membership.add", "pustaka"),
        ("membership.remove", "arsip"),
    ]


@pytest.mark.parametrize(
    ("role", "partner", "error"),
    [
        ("consortium-admin", "pustaka", InvalidInput),
        ("curator", None, InvalidInput),
        ("researcher", "pustaka", InvalidInput),
        ("curator", "nowhere", NotFound),
    ],
)
def test_memberships_that_cannot_be(partners, role, partner, error):
    user = accounts.create_user(partners, "a@example.org", SECRET)
    with pytest.raises(error):
        accounts.add_membership(partners, user.id, role, partner, actor="cli")
    assert accounts.memberships_of(partners, user) == []


def test_the_database_itself_keeps_consortium_admins_without_a_partner(partners):
    user = accounts.create_user(partners, "a@example.org", SECRET)
    with pytest.raises(Conflict), partners.session() as s:
        s.add(Membership(user_id=user.id, role="consortium-admin", partner_id="pustaka"))
    with pytest.raises(Conflict), partners.session() as s:
        s.add(Membership(user_id=user.id, role="curator", partner_id=None))


def test_the_last_consortium_admin_stays(catalog):
    first = accounts.create_user(catalog, "first@example.org", SECRET)
    accounts.add_membership(catalog, first.id, "consortium-admin", actor="cli")
    with pytest.raises(Conflict, match="already"):
        accounts.add_membership(catalog, first.id, "consortium-admin", actor="cli")
    with pytest.raises(Conflict, match="last active consortium admin"):
        accounts.disable_user(catalog, first.id, actor="cli")
    with pytest.raises(Conflict, match="last active consortium admin"):
        accounts.remove_membership(catalog, first.id, "consortium-admin", actor="cli")
    second = accounts.create_user(catalog, "second@example.org", SECRET)
    accounts.add_membership(catalog, second.id, "consortium-admin", actor=first)
    accounts.disable_user(catalog, first.id, actor=second)
    assert not accounts.get_user(catalog, first.id).active
    with pytest.raises(Conflict):
        accounts.remove_membership(catalog, second.id, "consortium-admin", actor="cli")


def test_principal_is_read_again_from_the_store(partners):
    catalog = partners
    user = accounts.create_user(catalog, "a@example.org", SECRET)
    assert accounts.principal(catalog, None) is ANONYMOUS
    researcher = accounts.principal(catalog, user)
    assert researcher.user_id == user.id and researcher.active
    assert researcher.memberships == frozenset() and researcher.label == "a@example.org"
    accounts.add_membership(catalog, user.id, "curator", "pustaka", actor="cli")
    stale = user  # loaded before the membership was given
    curator = accounts.principal(catalog, stale)
    assert curator.memberships == {(Role.CURATOR, "pustaka")}
    assert may(curator, Action.HIDE_RECORD, "pustaka")
    assert not may(curator, Action.HIDE_RECORD, "arsip")
    accounts.disable_user(catalog, user.id, actor="cli")
    assert not may(accounts.principal(catalog, stale), Action.HIDE_RECORD, "pustaka")


def test_every_change_is_audited_with_who_and_never_a_password(partners):
    catalog = partners
    admin = accounts.create_user(catalog, "admin@example.org", SECRET)
    accounts.add_membership(catalog, admin.id, "consortium-admin", actor="cli")
    actor = accounts.principal(catalog, admin)
    user = accounts.create_user(catalog, "b@example.org", SECRET, actor=actor)
    accounts.add_membership(catalog, user.id, "partner-admin", "arsip", actor=admin)
    accounts.set_password(catalog, user.id, SECRET + "!", actor=actor)
    log = events(catalog)
    assert [(e.actor, e.actor_id, e.action) for e in log] == [
        ("cli", None, "user.create"),
        ("cli", None, "membership.add"),
        ("admin@example.org", admin.id, "user.create"),
        ("admin@example.org", admin.id, "membership.add"),
        ("admin@example.org", admin.id, "user.password"),
    ]
    assert log[2].after == {
        "email": "b@example.org",
        "display_name": None,
        "active": True,
        "password_set": True,
    }
    assert (log[3].target_type, log[3].target_id, log[3].partner_id) == (
        "user",
        str(user.id),
        "arsip",
    )
    for event in log:
        assert SECRET not in repr((event.before, event.after))
        assert "argon2" not in repr((event.before, event.after))
    assert [e.action for e in audit_events(catalog, partner_id="arsip")] == ["membership.add"]
    assert len(audit_events(catalog, actor_id=admin.id)) == 3
    newest = audit_events(catalog, target=("user", user.id), limit=1)
    assert [e.action for e in newest] == ["user.password"]


def test_a_refused_change_writes_no_audit_event(partners):
    user = accounts.create_user(partners, "a@example.org", SECRET)
    accounts.add_membership(partners, user.id, "curator", "pustaka", actor="cli")
    before = len(events(partners))
    with pytest.raises(Conflict):
        accounts.add_membership(partners, user.id, "curator", "pustaka", actor="cli")
    with pytest.raises(Conflict):
        accounts.create_user(partners, "A@example.org", SECRET)
    assert len(events(partners)) == before


def test_record_audit_joins_the_callers_transaction_and_refuses_secrets(catalog):
    with pytest.raises(RuntimeError), catalog.session() as s:
        record_audit(s, "system", "test.thing", ("thing", 1), None, {"x": 1})
        raise RuntimeError("the change failed")
    with catalog.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0
        with pytest.raises(ValueError, match="never"):
            record_audit(s, "cli", "user.create", ("user", 1), None, {"password": "x"})
        with pytest.raises(TypeError):
            record_audit(s, "", "user.create", ("user", 1))


def test_create_user_with_a_role_is_one_change(partners):
    user = accounts.create_user(
        partners, "a@example.org", SECRET, role="partner-admin", partner_id="arsip"
    )
    assert [(m.role, m.partner_id) for m in user.memberships] == [("partner-admin", "arsip")]
    with pytest.raises(NotFound):
        accounts.create_user(partners, "b@example.org", SECRET, role="curator", partner_id="x")
    with pytest.raises(InvalidInput):
        accounts.create_user(partners, "b@example.org", SECRET, role="curator")
    assert [u.email for u in accounts.list_users(partners)] == ["a@example.org"]
    assert [e.action for e in events(partners)] == ["user.create", "membership.add"]
