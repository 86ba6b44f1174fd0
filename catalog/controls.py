"""A partner's control over its records: withdraw and restore, embargo, access level and
rights statement — the writes behind the workspace's record pages.

Every function here:

- asks :func:`catalog.policy.require` for each record with the record's *own* partner
  (:data:`~catalog.policy.Action.HIDE_RECORD` to withdraw or restore,
  :data:`~catalog.policy.Action.PUBLISH_RECORD` for embargoes, access and rights), before
  anything is written, so a refusal changes nothing;
- writes the change, a new ``version``, ``last_changed`` (so a harvester of our OAI-PMH
  provider sees it) and ``index_due`` (so search drops or re-adds it), and an audit event
  per record with the changed fields before and after, all in one transaction;
- returns the ids of the records it changed (a request that leaves a record as it was
  changes and audits nothing).

:func:`write_hidden` is the one writer of ``Record.hidden``; a harvest never writes it,
nor ``hidden_reason``, ``access``, ``embargo_until`` or a workspace ``rights_uri``.
Times are naive UTC (:func:`catalog.models.utcnow`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import policy, rights, rights_text
from catalog.audit import Actor, record_audit
from catalog.errors import InvalidInput, NotFound
from catalog.models import AccessLevel, DigitalObject, Record, RightsSource, utcnow
from catalog.policy import Action, Principal

if TYPE_CHECKING:
    from catalog.store import Catalog

MAX_REASON = 2000
"""Longest withdrawal reason kept (characters)."""
MAX_RECORDS = 500
"""Most records one bulk request may change."""
SYSTEM = "system"
"""The actor of the scheduled embargo release in the audit log."""


# -- withdraw and restore ------------------------------------------------------------


def withdraw(
    catalog: Catalog,
    principal: Principal,
    record_ids: Iterable[int],
    reason: str,
    *,
    partner_id: str | None = None,
) -> list[int]:
    """Withdraw (hide) records from the public with a ``reason`` (required, shown on
    the record's 410 page as text). Returns the ids changed: a record already withdrawn
    with the same reason is left as it is; one withdrawn for another reason gets the
    new reason.

    With ``partner_id`` (a bulk request from one partner's list) every record must
    belong to that partner, else :class:`NotFound` and nothing changes. Raises
    :class:`InvalidInput` for an empty reason or no records, :class:`NotFound` for an
    unknown id, :class:`Forbidden` when the principal may not hide one of them.
    """
    text = clean_reason(reason)
    with catalog.session() as s:
        rows = _records(s, record_ids, partner_id)
        _require_each(principal, Action.HIDE_RECORD, rows)
        return write_hidden(s, rows, True, text, principal)


def restore(
    catalog: Catalog,
    principal: Principal,
    record_ids: Iterable[int],
    *,
    partner_id: str | None = None,
) -> list[int]:
    """Undo :func:`withdraw`: the records are public again (their reason and time
    cleared). Same checks as :func:`withdraw`; returns the ids changed."""
    with catalog.session() as s:
        rows = _records(s, record_ids, partner_id)
        _require_each(principal, Action.HIDE_RECORD, rows)
        return write_hidden(s, rows, False, None, principal)


def write_hidden(
    session: Session,
    rows: Sequence[Record],
    hidden: bool,
    reason: str | None,
    actor: Actor,
) -> list[int]:
    """The one writer of ``Record.hidden``: hide (with ``reason``, ``hidden_at`` now) or
    show records, audited as ``actor``. No policy check: callers decide who may
    (:func:`withdraw`, :func:`restore`, or the catalogue's own maintenance through
    :meth:`catalog.store.Catalog.set_hidden`)."""
    now = utcnow()
    changed = []
    action = "record.withdraw" if hidden else "record.restore"
    for row in rows:
        before = _fields(row, ("hidden", "hidden_reason"))
        if hidden:
            if row.hidden and row.hidden_reason == reason:
                continue
            if not row.hidden:
                row.hidden_at = now
            row.hidden, row.hidden_reason = True, reason
        else:
            if not row.hidden:
                continue
            row.hidden, row.hidden_reason, row.hidden_at = False, None, None
        _touch(row, now)
        _audit(session, actor, action, row, before, _fields(row, ("hidden", "hidden_reason")))
        changed.append(row.id)
    return changed


def clean_reason(reason: str | None) -> str:
    """A withdrawal reason stripped, or :class:`InvalidInput` when empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("a reason is required to withdraw a record", field="reason")
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"the reason is longer than {MAX_REASON} characters", field="reason", max=MAX_REASON
        )
    return text


# -- embargo ---------------------------------------------------------------------------


def set_embargo(
    catalog: Catalog,
    principal: Principal,
    record_id: int,
    until: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> list[int]:
    """Keep the record's content metadata-only until ``until`` (naive UTC, in the
    future — else :class:`InvalidInput`); the scheduled :func:`release_embargoes`
    clears it then. Returns ``[record_id]``, or ``[]`` when that embargo was set already."""
    now = now or utcnow()
    if until.tzinfo is not None:
        until = until.astimezone(dt.UTC).replace(tzinfo=None)
    if until <= now:
        raise InvalidInput("an embargo must end in the future", field="embargo_until")
    return _set_field(catalog, principal, record_id, "embargo_until", until, "record.embargo")


def lift_embargo(catalog: Catalog, principal: Principal, record_id: int) -> list[int]:
    """End the record's embargo now; returns ``[record_id]`` or ``[]`` when it had none."""
    return _set_field(catalog, principal, record_id, "embargo_until", None, "record.lift-embargo")


def release_embargoes(catalog: Catalog, now: dt.datetime | None = None) -> list[int]:
    """The scheduled job: clear every embargo that ended by ``now`` (naive UTC), audited
    as ``"system"``; returns the ids released (due for indexing)."""
    now = now or utcnow()
    with catalog.session() as s:
        rows = list(
            s.scalars(
                select(Record)
                .where(Record.embargo_until.is_not(None), Record.embargo_until <= now)
                .order_by(Record.id)
            )
        )
        changed = []
        for row in rows:
            before = {"embargo_until": _jsonable(row.embargo_until)}
            row.embargo_until = None
            _touch(row, utcnow())
            _audit(s, SYSTEM, "record.embargo-released", row, before, {"embargo_until": None})
            changed.append(row.id)
        return changed


# -- access and rights -----------------------------------------------------------------


def set_access(
    catalog: Catalog,
    principal: Principal,
    record_id: int,
    level: AccessLevel | str | None,
    *,
    object_id: int | None = None,
) -> list[int]:
    """Set who may see the content of the record, or of one of its objects.

    ``level`` is an :class:`AccessLevel` value; for an object, None means "follow the
    record". ``object_id`` must be an object of ``record_id`` (else :class:`NotFound`).
    Returns ``[record_id]``, or ``[]`` when the level was that already.
    """
    value = _access_level(level, allow_none=object_id is not None)
    if object_id is None:
        return _set_field(catalog, principal, record_id, "access", value, "record.access")
    with catalog.session() as s:
        row = _records(s, [record_id], None)[0]
        policy.require(principal, Action.PUBLISH_RECORD, row.partner_id)
        obj = s.get(DigitalObject, object_id)
        if obj is None or obj.record_id != row.id:
            raise NotFound(f"record {record_id} has no object {object_id}", object=object_id)
        if obj.access == value:
            return []
        before = {"object": obj.id, "access": obj.access}
        obj.access = value
        _touch(row, utcnow())
        _audit(s, principal, "object.access", row, before, {"object": obj.id, "access": value})
        return [row.id]


def set_rights(
    catalog: Catalog, principal: Principal, record_id: int, uri: str | None
) -> list[int]:
    """Choose the record's rights statement: a URI of :mod:`catalog.rights`' vocabulary
    (else :class:`InvalidInput`), kept as ``rights_source = workspace`` so no harvest
    overwrites it. ``uri`` None gives the record back to the harvest: the URI its stored
    rights text maps to (:func:`catalog.rights_text.map_rights`, ``rights_source = harvest``,
    both None when nothing maps, as :func:`catalog.upsert.harvested_rights` stores
    them), which the next harvest of a changed record maps again from all its rights
    values. Returns ``[record_id]`` or ``[]`` when nothing changed."""
    if uri is not None and rights.statement(uri) is None:
        raise InvalidInput(f"not a rights statement we know: {uri}", field="rights_uri")
    with catalog.session() as s:
        row = _records(s, [record_id], None)[0]
        policy.require(principal, Action.PUBLISH_RECORD, row.partner_id)
        if uri is None:
            new_uri = rights_text.map_rights(row.rights)
            source = RightsSource.HARVEST if new_uri else None
        else:
            new_uri, source = uri, RightsSource.WORKSPACE
        names = ("rights_uri", "rights_source")
        before = _fields(row, names)
        if (row.rights_uri, row.rights_source) == (new_uri, source):
            return []
        row.rights_uri, row.rights_source = new_uri, source
        _touch(row, utcnow())
        _audit(s, principal, "record.rights", row, before, _fields(row, names))
        return [row.id]


# -- helpers ---------------------------------------------------------------------------


def _records(session: Session, record_ids: Iterable[int], partner_id: str | None) -> list[Record]:
    """The rows of these ids (each once, in id order); :class:`NotFound` when one is
    unknown or, with ``partner_id``, belongs to another partner."""
    try:
        ids = sorted({int(i) for i in record_ids})
    except (TypeError, ValueError) as exc:
        raise InvalidInput("record ids must be numbers", field="records") from exc
    if not ids:
        raise InvalidInput("choose at least one record", field="records")
    if len(ids) > MAX_RECORDS:
        raise InvalidInput(f"at most {MAX_RECORDS} records at once", field="records")
    rows = list(session.scalars(select(Record).where(Record.id.in_(ids)).order_by(Record.id)))
    found = {row.id for row in rows}
    wrong = [i for i in ids if i not in found]
    wrong += [row.id for row in rows if partner_id is not None and row.partner_id != partner_id]
    if wrong:
        raise NotFound(f"no record {min(wrong)}", record=min(wrong))
    return rows


def _require_each(principal: Principal, action: Action, rows: Sequence[Record]) -> None:
    for partner in sorted({row.partner_id for row in rows}):
        policy.require(principal, action, partner)


def _set_field(
    catalog: Catalog,
    principal: Principal,
    record_id: int,
    name: str,
    value: Any,
    action: str,
) -> list[int]:
    with catalog.session() as s:
        row = _records(s, [record_id], None)[0]
        policy.require(principal, Action.PUBLISH_RECORD, row.partner_id)
        if getattr(row, name) == value:
            return []
        before = _fields(row, (name,))
        setattr(row, name, value)
        _touch(row, utcnow())
        _audit(s, principal, action, row, before, _fields(row, (name,)))
        return [row.id]


def _access_level(level: AccessLevel | str | None, *, allow_none: bool) -> str | None:
    if level is None or level == "":
        if allow_none:
            return None
        raise InvalidInput("choose an access level", field="access")
    try:
        return str(AccessLevel(level))
    except ValueError as exc:
        raise InvalidInput(f"unknown access level {level!r}", field="access") from exc


def _touch(row: Record, now: dt.datetime) -> None:
    """A change downstream harvesters and the search index must see."""
    row.version += 1
    row.last_changed = now
    row.index_due = now


def _fields(row: Record, names: Sequence[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(row, name)) for name in names}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    row: Record,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    record_audit(
        session, actor, action, ("record", row.id), before, after, partner_id=row.partner_id
    )
