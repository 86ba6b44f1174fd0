"""Writing the records of a metadata sheet, in the caller's transaction: shared by a
batch's confirm (:mod:`ingest.batches`) and ``warisan ingest`` (:mod:`ingest.batch`).

- :func:`write_record` creates a record for a row, or — when the row's ``local_id``
  names an existing record of the partner — updates it, keeping a
  :class:`~catalog.upload_models.RecordVersion` of the fields it had. The same row
  again changes nothing (no version, no audit); a changed row bumps ``version`` and
  marks the record due for indexing (through :func:`catalog.upsert.upsert`).
- :func:`attach_file` adds a stored file to a record as a digital object, unless the
  record has an object with that very file already (so a sheet sent twice with its
  scans adds nothing the second time).

Every created or updated record and every added object is audited with the actor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import upsert
from catalog.audit import Actor, actor_of, record_audit
from catalog.models import DigitalObject, File, ObjectStatus, Record, RecordVersion, utcnow
from catalog.records import RECORD_FIELDS, RecordData

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


def by_local_id(session: Session, partner_id: str, local_ids: list[str]) -> dict[str, Record]:
    """The partner's records with these ``local_id`` values."""
    if not local_ids:
        return {}
    query = select(Record).where(Record.partner_id == partner_id, Record.local_id.in_(local_ids))
    return {row.local_id: row for row in session.scalars(query)}


def target(session: Session, partner_id: str, ref: str) -> Record | None:
    """The partner's live record a ``record`` cell names: a record id (digits) or an
    OAI identifier; None when there is none (or it is another partner's)."""
    ref = ref.strip()
    row = None
    if ref.isdigit():
        row = session.get(Record, int(ref))
    if row is None:
        row = session.scalar(
            select(Record).where(Record.partner_id == partner_id, Record.oai_identifier == ref)
        )
    if row is None or row.partner_id != partner_id or row.deleted:
        return None
    return row


def fields_of(row: Record) -> dict[str, Any]:
    """A record's mapped fields as JSON values (what a :class:`RecordVersion` keeps)."""
    out = {}
    for name in RECORD_FIELDS:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out


def write_record(
    session: Session,
    partner_id: str,
    data: RecordData,
    *,
    existing: Record | None,
    local_id: str | None,
    actor: Actor,
    source: str,
    draft: bool,
    origin: str,
    batch_id: int | None = None,
) -> tuple[str, Record]:
    """Create (``existing`` None) or update a record from ``data``; returns what was
    done (:data:`NEW`, :data:`UPDATED`, :data:`UNCHANGED`) and the row.

    A new record gets ``origin``, ``draft``, ``local_id`` and ``batch_id`` (and, when
    not a draft, ``published_at`` now). An update leaves those as they are; it keeps
    the replaced fields as a :class:`RecordVersion` numbered with the old ``version``,
    ``source`` saying what replaced them (``sheet:<batch>``, ``cli``).
    """
    if existing is None:
        item = dataclasses.replace(data, oai_identifier=f"upload:{uuid.uuid4()}")
        outcome = upsert.upsert(session, partner_id, [item])[0]
        row = session.get(Record, outcome.record_id)
        row.origin, row.draft, row.local_id, row.batch_id = origin, draft, local_id, batch_id
        if not draft:
            row.published_at = utcnow()
        after = {"title": row.title, "local_id": local_id, "origin": origin, "draft": draft}
        if batch_id is not None:
            after["batch"] = batch_id
        _audit(session, actor, "record.create", row, None, after)
        return NEW, row
    if existing.content_hash == data.content_hash() and not existing.deleted:
        return UNCHANGED, existing
    before = fields_of(existing)
    actor_id, label = actor_of(actor)
    session.add(
        RecordVersion(
            record_id=existing.id,
            number=existing.version,
            fields=before,
            source=source[:64],
            actor_id=actor_id,
            actor=label,
        )
    )
    item = dataclasses.replace(data, oai_identifier=existing.oai_identifier)
    upsert.upsert(session, partner_id, [item])
    after = fields_of(existing)
    changed = [name for name in RECORD_FIELDS if before[name] != after[name]]
    _audit(
        session,
        actor,
        "record.update",
        existing,
        {name: before[name] for name in changed},
        {name: after[name] for name in changed},
    )
    return UPDATED, existing


def attach_file(
    session: Session,
    record: Record,
    *,
    sha256: str,
    media_type: str,
    size: int,
    relpath: str,
    name: str,
    actor: Actor,
    draft: bool,
) -> DigitalObject | None:
    """Add a file (already in the file store) to ``record`` as a digital object waiting
    to be split into pages; None when the record has an object of this file already.
    ``draft`` keeps the object unpublished (scans added to a public record)."""
    if session.get(File, sha256) is None:
        session.add(
            File(sha256=sha256, media_type=media_type, size=size, path=relpath, original_name=name)
        )
    known = session.scalar(
        select(DigitalObject.id).where(
            DigitalObject.record_id == record.id, DigitalObject.file_sha256 == sha256
        )
    )
    if known is not None:
        return None
    obj = DigitalObject(
        record_id=record.id,
        origin="uploaded",
        file_sha256=sha256,
        label=name[:500],
        status=ObjectStatus.STORED,
        draft=draft,
    )
    session.add(obj)
    session.flush()
    after = {"object": obj.id, "file": name, "sha256": sha256, "draft": draft}
    _audit(session, actor, "object.add", record, None, after)
    return obj


def _audit(session, actor, action, row: Record, before, after) -> None:
    record_audit(
        session, actor, action, ("record", row.id), before, after, partner_id=row.partner_id
    )
