"""The audit log: every change made through the workspace or the CLI.

:func:`record_audit` adds an event to the caller's session, so the event commits or
rolls back with the change it describes. ``actor`` is whoever acted: a
:class:`~catalog.account_models.User`, a :class:`~catalog.policy.Principal`, or a label
for the CLI and the system (``"cli"``, ``"system"``). ``before``/``after`` hold the
changed fields only, never a password or its hash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
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


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    """Which audit events to list. ``actor`` matches part of the actor's label (any
    case); ``since`` is inclusive, ``until`` exclusive; None means "any"."""

    partner_id: str | None = None
    actor_id: int | None = None
    actor: str | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class AuditPage:
    """One page of audit events (newest first), of ``total`` matching."""

    events: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """One field of an event as text: its value before and after ("" when absent)."""

    field: str
    before: str
    after: str


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
    filters = AuditFilter(
        partner_id=partner_id,
        actor_id=actor_id,
        action=action,
        target_type=None if target is None else target[0],
        target_id=None if target is None else str(target[1]),
        since=since,
    )
    return audit_page(catalog, filters, per_page=limit).events


def audit_page(
    catalog: Catalog, filters: AuditFilter, *, page: int = 1, per_page: int = 50
) -> AuditPage:
    """Page ``page`` (from 1) of the events ``filters`` select, newest first, with the
    total. Like :func:`audit_events` it filters and does not authorise: a partner's
    log is ``AuditFilter(partner_id=…)`` after the caller asked the policy."""
    page, per_page = max(1, page), max(1, per_page)
    conditions = _conditions(filters)
    with catalog.session() as s:
        total = s.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
        query = (
            select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return AuditPage(list(s.scalars(query)), total, page, per_page)


def audit_choices(catalog: Catalog, partner_id: str | None = None) -> dict[str, list[str]]:
    """The distinct ``action``, ``target_type`` and ``partner_id`` values in the log
    (of one partner's events when ``partner_id`` is given), sorted: filter menus."""
    scope = [] if partner_id is None else [AuditEvent.partner_id == partner_id]
    out = {}
    with catalog.session() as s:
        for name in ("action", "target_type", "partner_id"):
            column = getattr(AuditEvent, name)
            values = s.scalars(select(column).where(*scope, column.is_not(None)).distinct())
            out[name] = sorted(values)
    return out


def changes(event: AuditEvent) -> list[FieldChange]:
    """The fields of ``event`` with their values before and after, as text, sorted by
    field (a value that is not text is shown as JSON)."""
    before, after = event.before or {}, event.after or {}
    return [
        FieldChange(key, _as_text(before.get(key)), _as_text(after.get(key)))
        for key in sorted(before.keys() | after.keys())
    ]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _conditions(filters: AuditFilter) -> list:
    conditions = []
    if filters.partner_id is not None:
        conditions.append(AuditEvent.partner_id == filters.partner_id)
    if filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.actor:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", filters.actor.lower()) + "%"
        conditions.append(func.lower(AuditEvent.actor).like(pattern, escape="\\"))
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.target_type:
        conditions.append(AuditEvent.target_type == filters.target_type)
    if filters.target_id:
        conditions.append(AuditEvent.target_id == filters.target_id)
    if filters.since is not None:
        conditions.append(AuditEvent.at >= filters.since)
    if filters.until is not None:
        conditions.append(AuditEvent.at < filters.until)
    return conditions
