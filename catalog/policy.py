"""The access policy: who may do what, in one place, for the web and the CLI alike.

A question is ``may(principal, action, partner_id)``. The answer comes from one table,
:data:`GRANTS`: which roles grant which :class:`Action` on their own partner. A
consortium admin may everything on every partner; actions in
:data:`CONSORTIUM_ACTIONS` belong to consortium admins alone. An anonymous or inactive
principal may nothing. Views and commands ask this module; they never compare roles.

A :class:`Principal` is a frozen snapshot of a user (built per request by
:func:`catalog.accounts.principal`), so a page asks many questions with no query.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable

from catalog.account_models import Role
from catalog.errors import Forbidden


class Action(enum.StrEnum):
    """Everything the policy is asked about."""

    ADMIN_CONSORTIUM = "admin-consortium"
    """Consortium settings, all users, every partner's workspace."""
    APPROVE_PARTNER = "approve-partner"
    """Admit a partner to the consortium (or suspend it)."""
    MANAGE_MEMBERS = "manage-members"
    """Invite, change and remove a partner's members."""
    EDIT_PARTNER_PROFILE = "edit-partner-profile"
    """A partner's names, description, contacts, logo, feed settings."""
    EDIT_RECORD = "edit-record"
    HIDE_RECORD = "hide-record"
    """Hide (withdraw) a record, and restore it."""
    PUBLISH_RECORD = "publish-record"
    """Unpublish a record (back to a draft), set embargoes, access levels and rights."""
    PUBLISH_DRAFT = "publish-draft"
    """Publish a reviewed draft (make it public and indexed)."""
    UPLOAD_SCANS = "upload-scans"
    """Upload files and metadata sheets, confirm a batch's preview (making drafts)."""
    REVIEW_SCANS = "review-scans"
    """Review a draft's pages: reorder, rotate, delete, replace, choose the cover."""
    CORRECT_TEXT = "correct-text"
    """Correct the OCR text of a partner's pages."""
    VIEW_AUDIT = "view-audit"
    """Read a partner's audit log."""
    VIEW_WORKSPACE = "view-workspace"
    """Enter a partner's workspace (its drafts and hidden records included)."""


CONSORTIUM_ACTIONS = frozenset({Action.ADMIN_CONSORTIUM, Action.APPROVE_PARTNER})
"""Actions no partner role grants: consortium admins only."""

GRANTS: dict[Role, frozenset[Action]] = {
    Role.CONSORTIUM_ADMIN: frozenset(Action),
    Role.PARTNER_ADMIN: frozenset(Action) - CONSORTIUM_ACTIONS,
    Role.CURATOR: frozenset(
        {
            Action.EDIT_RECORD,
            Action.HIDE_RECORD,
            Action.PUBLISH_RECORD,
            Action.PUBLISH_DRAFT,
            Action.REVIEW_SCANS,
            Action.CORRECT_TEXT,
            Action.VIEW_WORKSPACE,
        }
    ),
    Role.OPERATOR: frozenset(
        {
            Action.UPLOAD_SCANS,
            Action.REVIEW_SCANS,
            Action.PUBLISH_DRAFT,
            Action.CORRECT_TEXT,
            Action.VIEW_WORKSPACE,
        }
    ),
}
"""Which actions each role grants on its own partner (consortium admin: on all)."""


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who is asking: a user's id, whether they are active, and their memberships
    as ``(role, partner id)`` pairs (partner None for a consortium admin).

    ``label`` names them in the audit log (their email). A principal with no user id is
    anonymous; one with no memberships is a registered researcher.
    """

    user_id: int | None = None
    active: bool = False
    memberships: frozenset[tuple[Role, str | None]] = frozenset()
    label: str = ""

    @classmethod
    def of(
        cls,
        user_id: int,
        active: bool,
        memberships: Iterable[tuple[str, str | None]],
        label: str = "",
    ) -> Principal:
        """A principal from plain values (roles as stored strings are checked)."""
        return cls(user_id, active, frozenset((Role(r), p) for r, p in memberships), label)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_consortium_admin(self) -> bool:
        """Whether the principal is an active consortium admin (for menus; for a
        decision ask :func:`may`)."""
        return _may_everything(self)


ANONYMOUS = Principal()
"""The principal of a visitor who has not signed in: may nothing."""


def may(principal: Principal, action: Action, partner_id: str | None = None) -> bool:
    """Whether ``principal`` may do ``action`` on partner ``partner_id``.

    With ``partner_id`` None the question is "on some partner?" (whether to show the
    workspace at all, which menu entries); a view acting on a partner's thing must pass
    that thing's partner id. Consortium-wide actions ignore ``partner_id``.
    """
    action = Action(action)
    if not principal.active or principal.user_id is None:
        return False
    if _may_everything(principal):
        return True
    if action in CONSORTIUM_ACTIONS:
        return False
    return any(
        action in GRANTS[role] and (partner_id is None or partner == partner_id)
        for role, partner in principal.memberships
    )


def require(principal: Principal, action: Action, partner_id: str | None = None) -> None:
    """Raise :class:`Forbidden` unless :func:`may` says yes."""
    if not may(principal, action, partner_id):
        raise Forbidden("you may not do this here", action=str(action), partner=partner_id or "")


def partners_where(principal: Principal, action: Action) -> frozenset[str] | None:
    """The partners on which ``principal`` may do ``action``: None means every partner
    (a consortium admin), an empty set none. For listings ("my partners' records")."""
    if not principal.active or principal.user_id is None:
        return frozenset()
    if _may_everything(principal):
        return None
    if Action(action) in CONSORTIUM_ACTIONS:
        return frozenset()
    return frozenset(
        partner
        for role, partner in principal.memberships
        if partner is not None and action in GRANTS[role]
    )


def _may_everything(principal: Principal) -> bool:
    return (
        principal.active
        and principal.user_id is not None
        and (Role.CONSORTIUM_ADMIN, None) in principal.memberships
    )
