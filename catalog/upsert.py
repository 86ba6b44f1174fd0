"""Record writes: idempotent upserts and tombstones, each marking what the search
index must see (``Record.index_due``) in the same transaction.

A record's ``origin`` decides who may change it: a write made for a harvest (``origin=
"harvested"``) never overwrites or tombstones a record that was uploaded or catalogued in
the workspace (an identifier collision); it leaves it as it is and says so (``kept``).

The functions take a session in a transaction (:meth:`catalog.store.Catalog.session`);
:class:`catalog.store.Catalog` is their public face.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from catalog import bulk
from catalog.errors import NotFound
from catalog.models import Partner, Record, RightsSource, utcnow
from catalog.records import RecordData


class UpsertAction(enum.StrEnum):
    """What an upsert did to one record."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    KEPT = "kept"
    """Not changed: the stored record has another origin than the write (a harvest
    meeting a record uploaded or catalogued in the workspace)."""


NEW, UPDATED, UNCHANGED, DELETED, KEPT = UpsertAction


@dataclasses.dataclass(frozen=True)
class UpsertOutcome:
    """What an upsert did: ``action`` is one of new, updated, unchanged, deleted, kept."""

    record_id: int
    oai_identifier: str
    action: UpsertAction


# The light look-ups of an upsert run as Core statements on the session's connection,
# built once: on a page of a hundred records, building an ORM statement costs more than
# running it.
_PARTNER_EXISTS = select(Partner.id).where(Partner.id == bindparam("partner"))
_RECORD_IDS = select(Record.oai_identifier, Record.id).where(
    Record.partner_id == bindparam("partner"),
    Record.oai_identifier.in_(bindparam("identifiers", expanding=True)),
)


def upsert(
    session: Session, partner_id: str, items: list[RecordData], *, origin: str | None = None
) -> list[UpsertOutcome]:
    """Insert or update records of one partner; one outcome per item, in order.

    With ``origin`` (``"harvested"`` for a harvest), a stored record of another origin is
    left untouched (outcome ``kept``); new records get the default origin (harvested).
    """
    session.flush()  # pending objects go first: the look-ups below bypass the ORM
    connection = session.connection()
    if connection.scalar(_PARTNER_EXISTS, {"partner": partner_id}) is None:
        raise NotFound(f"no partner {partner_id!r}", partner=partner_id)
    identifiers = [i.oai_identifier for i in items]
    stored = existing(session, partner_id, identifiers)
    shas = [bulk.sha(i.raw_xml) if i.raw_xml else None for i in items]
    blobs = {sha: i.raw_xml for sha, i in zip(shas, items, strict=True) if sha}
    raw_ids = bulk.store_raw(session, blobs)
    item_raw = [raw_ids.get(sha) if sha else None for sha in shas]
    if len(set(identifiers)) == len(identifiers):
        return _upsert_distinct(session, partner_id, items, item_raw, stored, origin)
    outcomes = []
    for item, raw_id in zip(items, item_raw, strict=True):
        row = stored.get(item.oai_identifier)
        action, row = _apply(session, partner_id, row, item, raw_id, origin)
        stored[item.oai_identifier] = row
        outcomes.append((row, item.oai_identifier, action))
    session.flush()
    return [UpsertOutcome(row.id, ident, action) for row, ident, action in outcomes]


def existing(session: Session, partner_id: str, identifiers: list[str]) -> dict[str, Record]:
    """The stored rows of these identifiers (without their partner or objects).

    Which identifiers are stored is asked first with a light query, so a page of new
    records (a first harvest) loads no rows at all.
    """
    stored = list(_record_ids(session, partner_id, identifiers))
    found: dict[str, Record] = {}
    for start in range(0, len(stored), 500):
        query = (
            select(Record)
            .where(
                Record.partner_id == partner_id,
                Record.oai_identifier.in_(stored[start : start + 500]),
            )
            .options(lazyload(Record.partner), lazyload(Record.objects))
        )
        found.update({row.oai_identifier: row for row in session.scalars(query)})
    return found


def mark_deleted(
    session: Session, partner_id: str, identifiers: list[str], *, origin: str | None = None
) -> int:
    """Turn live records into tombstones (with ``origin``, only records of that origin);
    returns how many changed."""
    changed = 0
    now = utcnow()
    for row in existing(session, partner_id, identifiers).values():
        if not row.deleted and (origin is None or row.origin == origin):
            row.deleted = True
            _changed(row, now)
            changed += 1
    return changed


def _record_ids(session: Session, partner_id: str, identifiers: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    connection = session.connection()
    for start in range(0, len(identifiers), 500):
        chunk = identifiers[start : start + 500]
        rows = connection.execute(_RECORD_IDS, {"partner": partner_id, "identifiers": chunk})
        ids.update(rows.all())
    return ids


def _upsert_distinct(
    session: Session,
    partner_id: str,
    items: list[RecordData],
    item_raw: list[int | None],
    stored: dict[str, Record],
    origin: str | None,
) -> list[UpsertOutcome]:
    """Upsert items with distinct identifiers: new rows in one bulk insert."""
    now = utcnow()
    fresh: list[dict] = []
    actions: list[tuple[str, UpsertAction, Record | None]] = []
    for item, raw_id in zip(items, item_raw, strict=True):
        row = stored.get(item.oai_identifier)
        if row is None:
            fresh.append(bulk.new_values(partner_id, item, raw_id, now))
            actions.append((item.oai_identifier, DELETED if item.deleted else NEW, None))
        else:
            action, row = _apply(session, partner_id, row, item, raw_id, origin)
            actions.append((item.oai_identifier, action, row))
    new_ids: dict[str, int] = {}
    if fresh:
        bulk.insert_many(session, bulk.RECORD_INSERT, fresh)
        new_ids = _record_ids(session, partner_id, [row["oai_identifier"] for row in fresh])
    session.flush()
    return [
        UpsertOutcome(row.id if row is not None else new_ids[ident], ident, action)
        for ident, action, row in actions
    ]


def _apply(
    session: Session,
    partner_id: str,
    row: Record | None,
    item: RecordData,
    raw_id: int | None,
    origin: str | None = None,
) -> tuple[UpsertAction, Record]:
    if row is not None and origin is not None and row.origin != origin:
        return KEPT, row
    columns = harvested_rights(item.column_values(), row)
    digest = item.content_hash()
    now = utcnow()
    if row is None:
        row = Record(
            partner_id=partner_id,
            oai_identifier=item.oai_identifier,
            datestamp=item.datestamp,
            deleted=item.deleted,
            raw_xml_id=raw_id,
            content_hash=digest,
            first_harvested=now,
            last_changed=now,
            index_due=now,
            **columns,
        )
        session.add(row)
        return (DELETED if item.deleted else NEW), row
    if item.deleted:
        if row.deleted:
            return UNCHANGED, row
        row.deleted = True
        row.datestamp = item.datestamp or row.datestamp
        _changed(row, now)
        return DELETED, row
    if not row.deleted and row.content_hash == digest:
        if item.datestamp and row.datestamp != item.datestamp:
            row.datestamp = item.datestamp
        if raw_id and row.raw_xml_id != raw_id:
            row.raw_xml_id = raw_id
        return UNCHANGED, row
    for key, value in columns.items():
        setattr(row, key, value)
    row.deleted = False
    row.datestamp = item.datestamp
    row.raw_xml_id = raw_id or row.raw_xml_id
    row.content_hash = digest
    _changed(row, now)
    return UPDATED, row


def harvested_rights(columns: dict, row: Record | None) -> dict:
    """``columns`` (of :meth:`RecordData.column_values`) with the rights statement an
    incoming record may set: its mapped ``rights_uri`` with ``rights_source`` harvest
    (None when nothing mapped) — unless the stored ``row``'s statement was chosen in the
    workspace, which no harvest changes (both columns are left out then)."""
    if row is not None and row.rights_source == RightsSource.WORKSPACE:
        columns.pop("rights_uri", None)
        columns.pop("rights_source", None)
    else:
        columns["rights_source"] = RightsSource.HARVEST if columns.get("rights_uri") else None
    return columns


def _changed(row: Record, now: dt.datetime) -> None:
    """A change the search index must see: a new version, and due for indexing in the
    same transaction (so a crash before the index write leaves it due, not lost)."""
    row.version += 1
    row.last_changed = now
    row.index_due = now
