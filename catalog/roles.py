"""Roles in a transaction: checking a role's scope, finding, granting and guarding
memberships, for the catalogue modules that change accounts (:mod:`catalog.accounts`,
:mod:`catalog.invitations`).

Each function works in the caller's session, so it commits or rolls back with the rest
of the caller's change; a grant writes its audit event there too. What a role may do is
decided in :mod:`catalog.policy`, never here.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.account_models import Membership, Role, User
from catalog.audit import Actor, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.models import Partner


def find_membership(
    session: Session, user_id: int, role: Role, partner_id: str | None
) -> Membership | None:
    """The user's membership with ``role`` at ``partner_id`` (None: consortium-wide)."""
    partner = (
        Membership.partner_id.is_(None)
        if partner_id is None
        else Membership.partner_id == partner_id
    )
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.role == str(role), partner
        )
    )


def keep_a_consortium_admin(session: Session, leaving_user_id: int) -> None:
    """Raise :class:`Conflict` if ``leaving_user_id`` is the only active consortium admin."""
    admins = (
        select(func.count(func.distinct(User.id)))
        .join(Membership)
        .where(User.active.is_(True), Membership.role == str(Role.CONSORTIUM_ADMIN))
    )
    if not session.scalar(admins.where(User.id == leaving_user_id)):
        return
    if session.scalar(admins) <= 1:
        raise Conflict(
            "this is the last active consortium admin: make another one first",
            user=str(leaving_user_id),
        )


def holds_role(session: Session, user_id: int, role: Role, partner_id: str | None) -> bool:
    """Whether the user holds ``role`` at ``partner_id`` (None: consortium-wide)."""
    return find_membership(session, user_id, role, partner_id) is not None


def checked_scope(role: Role | str, partner_id: str | None) -> Role:
    """``role`` as a :class:`Role`, or :class:`InvalidInput` when it is unknown or has a
    partner it must not have (consortium admin) or lacks the one it needs (others)."""
    role = role_of(role)
    if (role is Role.CONSORTIUM_ADMIN) != (partner_id is None):
        raise InvalidInput(
            "a consortium admin belongs to no partner"
            if role is Role.CONSORTIUM_ADMIN
            else f"the role {role} needs a partner",
            role=str(role),
        )
    return role


def grant_in_session(
    session: Session, user: User, role: Role, partner_id: str | None, actor: Actor
) -> Membership:
    """Give ``user`` a checked ``role`` (:func:`checked_scope`) in the caller's
    ``session``, audited there: for catalogue modules that change more in the same
    transaction (accepting an invitation). :class:`NotFound` for an unknown partner,
    :class:`Conflict` when the user already holds the role."""
    if partner_id is not None and session.get(Partner, partner_id) is None:
        raise NotFound(f"no partner {partner_id!r}", partner=partner_id)
    if find_membership(session, user.id, role, partner_id) is not None:
        raise Conflict(
            f"{user.email} is already {role}" + (f" of {partner_id}" if partner_id else ""),
            email=user.email,
        )
    membership = Membership(role=str(role), partner_id=partner_id)
    user.memberships.append(membership)
    session.flush()
    after = {"role": str(role), "partner": partner_id}
    record_audit(
        session, actor, "membership.add", ("user", user.id), None, after, partner_id=partner_id
    )
    return membership


def role_of(role: Role | str) -> Role:
    """``role`` as a :class:`Role`, or :class:`InvalidInput` naming the roles there are."""
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(
            f"a role is one of {', '.join(Role)}, not {role!r}", role=str(role)
        ) from None
