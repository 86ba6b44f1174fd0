"""The access policy, as a table: every role × every action × own partner, another
partner, and no partner named. The expected table is written out here, apart from
``catalog.policy.GRANTS``, so a change to the policy must change this test too."""

from __future__ import annotations

import pytest

from catalog.errors import Forbidden, WarisanError
from catalog.models import Role
from catalog.policy import ANONYMOUS, Action, Principal, may, partners_where, require

A = Action
OWN_PARTNER = {
    Role.CONSORTIUM_ADMIN: set(Action),
    Role.PARTNER_ADMIN: {
        A.MANAGE_MEMBERS,
        A.EDIT_PARTNER_PROFILE,
        A.EDIT_RECORD,
        A.HIDE_RECORD,
        A.PUBLISH_RECORD,
        A.PUBLISH_DRAFT,
        A.UPLOAD_SCANS,
        A.REVIEW_SCANS,
        A.CORRECT_TEXT,
        A.VIEW_AUDIT,
        A.VIEW_WORKSPACE,
    },
    Role.CURATOR: {
        A.EDIT_RECORD,
        A.HIDE_RECORD,
        A.PUBLISH_RECORD,
        A.PUBLISH_DRAFT,
        A.REVIEW_SCANS,
        A.CORRECT_TEXT,
        A.VIEW_WORKSPACE,
    },
    Role.OPERATOR: {
        A.UPLOAD_SCANS,
        A.REVIEW_SCANS,
        A.PUBLISH_DRAFT,
        A.CORRECT_TEXT,
        A.VIEW_WORKSPACE,
    },
}
"""What each role may do on its own partner (a consortium admin: on any)."""
CONSORTIUM_ONLY = {A.ADMIN_CONSORTIUM, A.APPROVE_PARTNER}


def member(role: Role, partner: str | None = "a", *, active: bool = True) -> Principal:
    partner = None if role is Role.CONSORTIUM_ADMIN else partner
    return Principal.of(1, active, [(role, partner)], label="someone@example.org")


def expected(role: Role, action: Action, where: str) -> bool:
    if role is Role.CONSORTIUM_ADMIN:
        return True
    if action in CONSORTIUM_ONLY:
        return False
    # "none": no partner named asks "on some partner?"; "other": partner b.
    return action in OWN_PARTNER[role] and where in {"own", "none"}


PARTNER_FOR = {"own": "a", "other": "b", "none": None}


@pytest.mark.parametrize("where", ["own", "other", "none"])
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_the_matrix(role, action, where):
    principal = member(role)
    assert may(principal, action, PARTNER_FOR[where]) is expected(role, action, where)


def test_the_table_covers_every_role_and_action():
    assert set(OWN_PARTNER) == set(Role)
    assert set(Action) >= CONSORTIUM_ONLY
    assert all(not (CONSORTIUM_ONLY & OWN_PARTNER[r]) for r in Role if r != Role.CONSORTIUM_ADMIN)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("where", ["own", "other", "none"])
def test_anonymous_inactive_and_researchers_may_nothing(action, where):
    partner = PARTNER_FOR[where]
    assert not may(ANONYMOUS, action, partner)
    for role in Role:
        assert not may(member(role, active=False), action, partner)
    researcher = Principal.of(7, True, [])
    assert not may(researcher, action, partner)
    # a principal without a user id is anonymous, whatever else it says
    assert not may(Principal(None, True, frozenset({(Role.CONSORTIUM_ADMIN, None)})), action)


def test_roles_at_several_partners_add_up_but_stay_where_they_are():
    principal = Principal.of(3, True, [("curator", "a"), ("operator", "b")])
    assert may(principal, A.HIDE_RECORD, "a") and not may(principal, A.HIDE_RECORD, "b")
    assert may(principal, A.UPLOAD_SCANS, "b") and not may(principal, A.UPLOAD_SCANS, "a")
    assert may(principal, A.VIEW_WORKSPACE, "a") and may(principal, A.VIEW_WORKSPACE, "b")
    assert not may(principal, A.VIEW_WORKSPACE, "c")
    assert partners_where(principal, A.VIEW_WORKSPACE) == {"a", "b"}
    assert partners_where(principal, A.HIDE_RECORD) == {"a"}
    assert partners_where(principal, A.MANAGE_MEMBERS) == frozenset()


def test_partners_where_for_admins_and_nobodies():
    assert partners_where(member(Role.CONSORTIUM_ADMIN), A.EDIT_RECORD) is None
    assert partners_where(member(Role.PARTNER_ADMIN), A.APPROVE_PARTNER) == frozenset()
    assert partners_where(ANONYMOUS, A.VIEW_WORKSPACE) == frozenset()
    assert partners_where(member(Role.CURATOR, active=False), A.EDIT_RECORD) == frozenset()


def test_require_raises_forbidden_with_status_403():
    require(member(Role.CURATOR), A.EDIT_RECORD, "a")
    with pytest.raises(Forbidden) as caught:
        require(member(Role.CURATOR), A.EDIT_RECORD, "b")
    assert isinstance(caught.value, WarisanError)
    assert caught.value.status == 403
    assert caught.value.fields == {"action": "edit-record", "partner": "b"}


def test_actions_and_roles_may_be_given_as_their_strings():
    assert may(member(Role.CURATOR), "publish-record", "a")
    with pytest.raises(ValueError):
        may(member(Role.CURATOR), "do-anything", "a")
    with pytest.raises(ValueError):
        Principal.of(1, True, [("superuser", None)])


def test_principals_are_frozen_snapshots():
    principal = member(Role.CURATOR)
    with pytest.raises(AttributeError):
        principal.active = False  # type: ignore[misc]
    assert member(Role.CONSORTIUM_ADMIN).is_consortium_admin
    assert not member(Role.CONSORTIUM_ADMIN, active=False).is_consortium_admin
    assert not member(Role.PARTNER_ADMIN).is_consortium_admin
