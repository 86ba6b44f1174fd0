"""The audit log: every change made through the workspace or the CLI.

:func:`record_audit` adds an event to the caller's session, so the event commits or
rolls back with the change it describes. ``actor`` is whoever acted: a
:class:`~catalog.account_models.User`, a :class:`~catalog.policy.Principal`, or a label
for the CLI and the system (``"cli"``, ``"system"``). ``before``/``after`` hold the
changed fields only, never a password or its hash.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.account_models import AuditEvent, User
from catalog.policy import Principal

if TYPE_CHECKING:
    from catalog.store import Catalog

Actor = User | Principal | str
"""Who made a change: a user, a principal, or a label (``"cli"``, ``"system"``)."""

SECRET_FIELDS = frozenset({"password", "password_hash"})


def actor_of(actor: Actor) -> tuple[int | None, str]:
    """``(user id or None, label)`` for an actor."""
    if isinstance(actor, User):
        return actor.id, actor.email
    if isinstance(actor, Principal):
        return actor.user_id, actor.label or f"user {actor.user_id}"
    if isinstance(actor, str) and actor:
        return None, actor
    raise TypeError(f"an actor is a User, a Principal or a label, not {actor!r}")


def record_audit(
    session: Session,
    actor: Actor,
    action: str,
    target: tuple[str, Any],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    partner_id: str | None = None,
) -> AuditEvent:
    """Add an audit event to ``session`` (committed with the change it records).

    ``target`` is ``(type, id)``, e.g. ``("user", 7)``. Raises ``ValueError`` if
    ``before`` or ``after`` holds a secret field: a password never reaches the log.
    """
    for fields in (before, after):
        if fields and SECRET_FIELDS & set(fields):
            raise ValueError("an audit event never holds a password or its hash")
    actor_id, label = actor_of(actor)
    target_type, target_id = target
    event = AuditEvent(
        actor_id=actor_id,
        actor=label,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        partner_id=partner_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


def audit_events(
    catalog: Catalog,
    *,
    partner_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    target: tuple[str, Any] | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """The newest audit events first, filtered by whichever arguments are given.

    Who may see which events is the policy's question (:data:`Action.VIEW_AUDIT`),
    asked by the caller; this function filters, it does not authorise.
    """
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if partner_id is not None:
        query = query.where(AuditEvent.partner_id == partner_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if target is not None:
        query = query.where(
            AuditEvent.target_type == target[0], AuditEvent.target_id == str(target[1])
        )
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    with catalog.session() as s:
        return list(s.scalars(query.limit(limit)))
