"""Invitations: joining a partner (or the consortium) with a role, by a link sent by mail.

A link carries a random token (:func:`secrets.token_urlsafe`, 256 bits); the table keeps
only its SHA-256, so a copy of the database lets nobody in. An invitation is *pending*
until it is used (once), revoked, or it expires; resending one makes a new token and a
new expiry, and the old link stops working. Accepting an invitation for an email that
already has an account adds the role to that account (after its password is checked)
instead of making a second user.

Every function takes the :class:`~catalog.store.Catalog`, runs in one transaction, and
audits each change there (:func:`catalog.audit.record_audit`) — never with the token or
a password. Who may invite whom is the policy's question, asked by the caller
(``Action.MANAGE_MEMBERS`` on the invitation's partner, ``ADMIN_CONSORTIUM`` for a
consortium admin).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog import accounts, passwords, roles
from catalog.account_models import Invitation, Role, User
from catalog.audit import Actor, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound, WarisanError
from catalog.models import Partner, utcnow

if TYPE_CHECKING:
    from catalog.store import Catalog

DEFAULT_TTL = dt.timedelta(days=7)


class InvitationUnusable(WarisanError):
    """The link names no invitation (``reason`` ``unknown``, 404), or one that can no
    longer be used (``expired``, ``used``, ``revoked``: 410 Gone)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"this invitation cannot be used ({reason})", reason=reason)
        self.reason = reason
        self.status = 404 if reason == "unknown" else 410


@dataclasses.dataclass(frozen=True)
class Pending:
    """A pending invitation as the members pages list it (``expired`` may be true: it
    can still be resent or revoked)."""

    id: int
    email: str
    role: Role
    partner_id: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    expired: bool


def hash_token(token: str) -> str:
    """The SHA-256 (hex) of a link's token: what the table stores."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    catalog: Catalog,
    email: str,
    role: Role | str,
    partner_id: str | None = None,
    *,
    actor: Actor,
    ttl: dt.timedelta = DEFAULT_TTL,
) -> tuple[Invitation, str]:
    """Invite ``email`` to hold ``role`` at ``partner_id`` (None only for a consortium
    admin); the invitation and the token for its link (shown once, never stored).

    :class:`InvalidInput` for a bad email or role scope, :class:`NotFound` for an
    unknown partner, :class:`Conflict` when the email already holds that role or has a
    pending invitation for it (resend that one instead).
    """
    email = accounts.normalise_email(email)
    role = roles.checked_scope(role, partner_id)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with catalog.session() as s:
        if partner_id is not None and s.get(Partner, partner_id) is None:
            raise NotFound(f"no partner {partner_id!r}", partner=partner_id)
        user = s.scalar(select(User).where(User.email == email))
        if user is not None and roles.holds_role(s, user.id, role, partner_id):
            raise Conflict(f"{email} already has this role", email=email)
        if s.scalar(_pending(now).where(*_same(email, role, partner_id))) is not None:
            raise Conflict(f"{email} already has a pending invitation: resend it", email=email)
        invitation = Invitation(
            token_hash=hash_token(token),
            email=email,
            partner_id=partner_id,
            role=str(role),
            invited_by=_actor_id(s, actor),
            created_at=now,
            expires_at=now + ttl,
        )
        s.add(invitation)
        s.flush()
        after = {"email": email, "role": str(role), "partner": partner_id}
        after["expires_at"] = invitation.expires_at.isoformat(timespec="seconds")
        record_audit(
            s, actor, "invitation.create", ("invitation", invitation.id), None, after,
            partner_id=partner_id,
        )  # fmt: skip
    return invitation, token


def get_invitation(catalog: Catalog, invitation_id: int) -> Invitation:
    """The invitation with this id (whatever its state); :class:`NotFound` if none."""
    with catalog.session() as s:
        invitation = s.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"no invitation {invitation_id}", invitation=str(invitation_id))
    return invitation


def pending_invitations(catalog: Catalog, partner_id: str | None) -> list[Pending]:
    """The invitations of ``partner_id`` (None: the consortium admins') not used nor
    revoked, expired ones included, newest first."""
    scope = (
        Invitation.partner_id.is_(None)
        if partner_id is None
        else Invitation.partner_id == partner_id
    )
    query = (
        select(Invitation)
        .where(scope, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    now = utcnow()
    with catalog.session() as s:
        return [
            Pending(i.id, i.email, Role(i.role), i.partner_id, i.created_at, i.expires_at,
                    i.expires_at <= now)
            for i in s.scalars(query)
        ]  # fmt: skip


def renew_invitation(
    catalog: Catalog, invitation_id: int, *, actor: Actor, ttl: dt.timedelta = DEFAULT_TTL
) -> tuple[Invitation, str]:
    """Give a pending (or expired) invitation a new token and expiry, for resending;
    the old link stops working. :class:`NotFound`, or :class:`Conflict` when it was
    used or revoked."""
    token = secrets.token_urlsafe(32)
    with catalog.session() as s:
        invitation = _open(s, invitation_id)
        before = {"expires_at": invitation.expires_at.isoformat(timespec="seconds")}
        invitation.token_hash = hash_token(token)
        invitation.expires_at = utcnow() + ttl
        after = {"expires_at": invitation.expires_at.isoformat(timespec="seconds")}
        record_audit(
            s, actor, "invitation.resend", ("invitation", invitation.id), before, after,
            partner_id=invitation.partner_id,
        )  # fmt: skip
    return invitation, token


def revoke_invitation(catalog: Catalog, invitation_id: int, *, actor: Actor) -> Invitation:
    """Revoke a pending invitation: its link stops working. :class:`NotFound`, or
    :class:`Conflict` when it was already used or revoked."""
    with catalog.session() as s:
        invitation = _open(s, invitation_id)
        invitation.revoked_at = utcnow()
        record_audit(
            s, actor, "invitation.revoke", ("invitation", invitation.id),
            {"email": invitation.email, "role": invitation.role}, {"revoked": True},
            partner_id=invitation.partner_id,
        )  # fmt: skip
    return invitation


def invitation_for_token(catalog: Catalog, token: str) -> tuple[Invitation, bool]:
    """The usable invitation a link's token names, and whether its email already has
    an account with a password (then accepting asks for that password, not a new one).

    :class:`InvitationUnusable` for an unknown, expired, used or revoked one.
    """
    with catalog.session() as s:
        invitation = _usable(s, token, utcnow())
        user = s.scalar(select(User).where(User.email == invitation.email))
        return invitation, user is not None and user.password_hash is not None


def accept_invitation(
    catalog: Catalog, token: str, password: str, *, display_name: str | None = None
) -> User:
    """Accept the invitation of ``token``: the user (made, or found by email) gets its
    role, and the invitation is used up — all in one transaction; the user, to log in.

    For a new email (or an account without a password yet) ``password`` becomes the
    password (:class:`InvalidInput` when it breaks the rules) and ``display_name`` the
    name. For an account with a password, ``password`` must be that password
    (:class:`InvalidInput` otherwise) and the name is left as it is. A disabled account
    is refused (:class:`Conflict`). :class:`InvitationUnusable` when the token names no
    usable invitation, also when another request used it a moment before.
    """
    name = accounts.checked_display_name(display_name)
    with catalog.session() as s:
        now = utcnow()
        invitation = _usable(s, token, now)
        user = s.scalar(select(User).where(User.email == invitation.email))
        if user is not None and not user.active:
            raise Conflict("this account is disabled", email=invitation.email)
        if user is not None and user.password_hash is not None:
            if not passwords.verify_password(user.password_hash, password or ""):
                raise InvalidInput("wrong password")
        else:
            password_hash = passwords.hash_password(password)
            if user is None:
                user = User(email=invitation.email, memberships=[])
                s.add(user)
            created = user.id is None
            user.display_name = name
            user.password_hash = password_hash
            s.flush()
            state = {"email": user.email, "display_name": name, "password_set": True}
            action = "user.create" if created else "user.activate"
            record_audit(s, user, action, ("user", user.id), None, state)
        _use(s, invitation, now)
        role = Role(invitation.role)
        if not roles.holds_role(s, user.id, role, invitation.partner_id):
            roles.grant_in_session(s, user, role, invitation.partner_id, user)
        user.last_login_at = now
        record_audit(
            s, user, "invitation.accept", ("invitation", invitation.id), None,
            {"user": user.id, "role": invitation.role, "partner": invitation.partner_id},
            partner_id=invitation.partner_id,
        )  # fmt: skip
    return user


def _usable(session: Session, token: str, now: dt.datetime) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token or ""))
    )
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.used_at is not None:
        raise InvitationUnusable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked")
    if invitation.expires_at <= now:
        raise InvitationUnusable("expired")
    return invitation


def _use(session: Session, invitation: Invitation, now: dt.datetime) -> None:
    """Mark the invitation used, unless another transaction did first (then
    :class:`InvitationUnusable`: the row is claimed by a conditional update)."""
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvitationUnusable("used")


def _open(session: Session, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"no invitation {invitation_id}", invitation=str(invitation_id))
    if invitation.used_at is not None or invitation.revoked_at is not None:
        raise Conflict("this invitation was already used or revoked")
    return invitation


def _pending(now: dt.datetime):
    return select(Invitation.id).where(
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )


def _same(email: str, role: Role, partner_id: str | None):
    scope = (
        Invitation.partner_id.is_(None)
        if partner_id is None
        else Invitation.partner_id == partner_id
    )
    return Invitation.email == email, Invitation.role == str(role), scope


def _actor_id(session: Session, actor: Actor) -> int | None:
    from catalog.audit import actor_of

    user_id, _label = actor_of(actor)
    return user_id if user_id is not None and session.get(User, user_id) is not None else None
