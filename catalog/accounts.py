"""Accounts: users, their passwords and memberships, and the principal the policy asks
about.

Every function takes the :class:`~catalog.store.Catalog` and runs in one transaction of
its own; every change writes an audit event (:func:`catalog.audit.record_audit`) in that
same transaction, naming ``actor`` (a user, a principal, or ``"cli"``). Users are
returned detached, with their memberships loaded. A password is checked by
:mod:`catalog.passwords` and goes no further than its hash: it is never stored, logged,
audited or put in an error message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import passwords
from catalog.account_models import EMAIL_MAX, Membership, Role, User
from catalog.audit import Actor, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.models import utcnow
from catalog.policy import ANONYMOUS, Principal
from catalog.roles import (
    checked_scope,
    find_membership,
    grant_in_session,
    keep_a_consortium_admin,
    role_of,
)

if TYPE_CHECKING:
    from catalog.store import Catalog

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
DISPLAY_NAME_MAX = 200


def normalise_email(email: str) -> str:
    """``email`` trimmed and lower-cased, or :class:`InvalidInput` when it is not one."""
    value = (email or "").strip().lower()
    if len(value) > EMAIL_MAX or not EMAIL.match(value):
        raise InvalidInput("not an email address", email=value[:EMAIL_MAX])
    return value


def create_user(
    catalog: Catalog,
    email: str,
    password: str | None = None,
    *,
    display_name: str | None = None,
    role: Role | str | None = None,
    partner_id: str | None = None,
    actor: Actor = "cli",
) -> User:
    """Create an active user, with ``role`` at ``partner_id`` when a role is given (in
    the same transaction: no user is left without the role asked for). Without
    ``password`` they cannot sign in until one is set (an invitation).

    :class:`Conflict` when the email is taken (in any case); :class:`InvalidInput` for a
    bad email, name, password or role; :class:`NotFound` for an unknown partner.
    """
    email = normalise_email(email)
    name = checked_display_name(display_name)
    if role is not None:
        role = checked_scope(role, partner_id)
    password_hash = passwords.hash_password(password) if password is not None else None
    with catalog.session() as s:
        if s.scalar(select(User.id).where(User.email == email)) is not None:
            raise Conflict(f"a user with email {email} already exists", email=email)
        user = User(email=email, display_name=name, password_hash=password_hash)
        user.memberships = []
        s.add(user)
        s.flush()
        after = {**_state(user), "password_set": password_hash is not None}
        record_audit(s, actor, "user.create", ("user", user.id), None, after)
        if role is not None:
            grant_in_session(s, user, role, partner_id, actor)
    return user


def get_user(catalog: Catalog, user_id: int) -> User | None:
    """The user with this id, or None."""
    with catalog.session() as s:
        return s.get(User, user_id)


def find_user_by_email(catalog: Catalog, email: str) -> User | None:
    """The user with this email (whatever its case), or None (also for a non-email)."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        return None
    with catalog.session() as s:
        return s.scalar(select(User).where(User.email == email))


def list_users(catalog: Catalog) -> list[User]:
    """Every user, by email, with their memberships."""
    with catalog.session() as s:
        return list(s.scalars(select(User).order_by(User.email)))


def authenticate(catalog: Catalog, email: str, password: str) -> User | None:
    """The user whose email and password these are, if they may sign in; else None.

    None alike for an unknown email, a wrong password, a disabled user and one with no
    password yet, after the same work (a hash is verified every time), so the answer
    does not tell which. On success ``last_login_at`` is set, and the hash is renewed
    when the hashing parameters have changed.
    """
    try:
        email = normalise_email(email)
    except InvalidInput:
        email = None
    with catalog.session() as s:
        user = s.scalar(select(User).where(User.email == email)) if email else None
        usable = user is not None and user.active and user.password_hash is not None
        stored = user.password_hash if usable else passwords.dummy_hash()
        if not passwords.verify_password(stored, password or "") or not usable:
            return None
        if passwords.needs_rehash(stored):
            user.password_hash = passwords.rehash(password)
        user.last_login_at = utcnow()
    return user


def set_password(catalog: Catalog, user_id: int | str, password: str, *, actor: Actor) -> User:
    """Give a user a new password and end all their sessions (``session_version`` + 1).

    :class:`InvalidInput` when the password breaks the rules, :class:`NotFound` when
    there is no such user.
    """
    password_hash = passwords.hash_password(password)
    with catalog.session() as s:
        user = _user(s, user_id)
        before = {"session_version": user.session_version}
        user.password_hash = password_hash
        user.session_version += 1
        after = {"session_version": user.session_version}
        record_audit(s, actor, "user.password", ("user", user.id), before, after)
    return user


def disable_user(catalog: Catalog, email_or_id: int | str, *, actor: Actor) -> User:
    """Disable a user and end all their sessions; nothing changes if already disabled.

    :class:`Conflict` when they are the last active consortium admin (no one could
    administer the consortium from the web any more).
    """
    with catalog.session() as s:
        user = _user(s, email_or_id)
        if user.active:
            keep_a_consortium_admin(s, user.id)
            before = _state(user)
            user.active = False
            user.session_version += 1
            record_audit(s, actor, "user.disable", ("user", user.id), before, _state(user))
    return user


def enable_user(catalog: Catalog, email_or_id: int | str, *, actor: Actor) -> User:
    """Let a disabled user sign in again; nothing changes if already active."""
    with catalog.session() as s:
        user = _user(s, email_or_id)
        if not user.active:
            before = _state(user)
            user.active = True
            record_audit(s, actor, "user.enable", ("user", user.id), before, _state(user))
    return user


def add_membership(
    catalog: Catalog,
    user_id: int | str,
    role: Role | str,
    partner_id: str | None = None,
    *,
    actor: Actor,
) -> Membership:
    """Give a user ``role`` at ``partner_id`` (no partner for a consortium admin, one
    for every other role). :class:`InvalidInput` for an unknown role or a wrong
    partner scope, :class:`NotFound` for an unknown user or partner, :class:`Conflict`
    when they already hold it."""
    role = checked_scope(role, partner_id)
    with catalog.session() as s:
        membership = grant_in_session(s, _user(s, user_id), role, partner_id, actor)
    return membership


def remove_membership(
    catalog: Catalog,
    user_id: int | str,
    role: Role | str,
    partner_id: str | None = None,
    *,
    actor: Actor,
) -> bool:
    """Take ``role`` at ``partner_id`` from a user; False when they did not hold it.

    Takes effect at the user's next request (principals are built per request).
    :class:`Conflict` when it would leave no active consortium admin.
    """
    role = role_of(role)
    with catalog.session() as s:
        user = _user(s, user_id)
        membership = find_membership(s, user.id, role, partner_id)
        if membership is None:
            return False
        if role is Role.CONSORTIUM_ADMIN and user.active:
            keep_a_consortium_admin(s, user.id)
        s.delete(membership)
        before = {"role": str(role), "partner": partner_id}
        record_audit(
            s, actor, "membership.remove", ("user", user.id), before, None, partner_id=partner_id
        )
    return True


@dataclasses.dataclass(frozen=True)
class Member:
    """One role of one user at a partner, as the members page lists it."""

    user_id: int
    email: str
    display_name: str | None
    active: bool
    role: Role
    since: dt.datetime

    @property
    def name(self) -> str:
        return self.display_name or self.email


def partner_members(catalog: Catalog, partner_id: str) -> list[Member]:
    """Everyone holding a role at ``partner_id``: one entry per role, by email then role."""
    query = (
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.partner_id == partner_id)
        .order_by(User.email, Membership.role)
    )
    with catalog.session() as s:
        return [
            Member(user.id, user.email, user.display_name, user.active, Role(m.role), m.created_at)
            for user, m in s.execute(query)
        ]


def change_role(
    catalog: Catalog,
    user_id: int,
    partner_id: str,
    role: Role | str,
    new_role: Role | str,
    *,
    actor: Actor,
) -> bool:
    """Replace the user's ``role`` at ``partner_id`` by ``new_role`` (both partner
    roles), in one transaction; False when nothing changes (the same role).

    :class:`NotFound` when the user does not hold ``role`` there, :class:`Conflict` when
    they already hold ``new_role``, :class:`InvalidInput` for a role that has no partner
    (consortium admin) or an unknown one.
    """
    role = checked_scope(role, partner_id)
    new_role = checked_scope(new_role, partner_id)
    if role is new_role:
        return False
    with catalog.session() as s:
        user = _user(s, user_id)
        membership = find_membership(s, user.id, role, partner_id)
        if membership is None:
            raise NotFound(f"{user.email} is not {role} of {partner_id}", user=str(user.id))
        if find_membership(s, user.id, new_role, partner_id) is not None:
            raise Conflict(f"{user.email} is already {new_role} of {partner_id}", email=user.email)
        membership.role = str(new_role)
        record_audit(
            s,
            actor,
            "membership.change",
            ("user", user.id),
            {"role": str(role), "partner": partner_id},
            {"role": str(new_role), "partner": partner_id},
            partner_id=partner_id,
        )
    return True


def memberships_of(catalog: Catalog, user: User | int) -> list[Membership]:
    """A user's memberships, by role and partner."""
    user_id = user.id if isinstance(user, User) else user
    with catalog.session() as s:
        query = (
            select(Membership)
            .where(Membership.user_id == user_id)
            .order_by(Membership.role, Membership.partner_id)
        )
        return list(s.scalars(query))


def principal(catalog: Catalog, user: User | None) -> Principal:
    """The policy's snapshot of ``user`` as stored now (active flag and memberships
    read again, so a stale ``user`` cannot grant what was taken away); ANONYMOUS for
    None or a user no longer stored."""
    if user is None:
        return ANONYMOUS
    fresh = get_user(catalog, user.id)
    if fresh is None:
        return ANONYMOUS
    pairs = ((m.role, m.partner_id) for m in fresh.memberships)
    return Principal.of(fresh.id, fresh.active, pairs, label=fresh.email)


# -- helpers --------------------------------------------------------------------------


def _user(session: Session, email_or_id: int | str) -> User:
    if isinstance(email_or_id, int) or (isinstance(email_or_id, str) and email_or_id.isdigit()):
        user = session.get(User, int(email_or_id))
    else:
        try:
            email = normalise_email(email_or_id)
        except InvalidInput:
            user = None
        else:
            user = session.scalar(select(User).where(User.email == email))
    if user is None:
        raise NotFound(f"no user {email_or_id}", user=str(email_or_id))
    return user


def checked_display_name(name: str | None) -> str | None:
    """``name`` trimmed (None when empty); :class:`InvalidInput` when too long or when
    it holds control characters."""
    if name is None:
        return None
    name = name.strip()
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(f"a name may have at most {DISPLAY_NAME_MAX} characters")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise InvalidInput("a name may not contain control characters")
    return name or None


def _state(user: User) -> dict:
    return {"email": user.email, "display_name": user.display_name, "active": user.active}
