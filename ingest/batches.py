"""An upload batch from its sheet and files to draft records: attach a sheet, preview,
confirm.

- :func:`attach_sheet` reads a sheet (:func:`ingest.sheets.read_sheet`) and keeps it on
  the batch (``UploadBatch.sheet``), replacing the one before: a corrected sheet is
  simply sent again. Nothing is catalogued.
- :func:`preview` shows each row as it will be catalogued — a new record, an update
  of record N (its ``local_id`` matches), record N unchanged, or scans added to record N
  (its ``record`` cell) — with the files it names matched against the batch's uploads
  and every problem with its row and column (:class:`ingest.sheets.Problem`). Without
  a sheet each uploaded file becomes a draft titled after the file. It stores nothing.
- :func:`confirm` does what the preview shows, only when it has no errors, in one
  transaction (:mod:`ingest.cataloguing`): records as drafts (``origin`` ``uploaded``
  with files, ``catalogued`` without), updates with a version kept, files moved into
  the file store as digital objects (draft when the record is public already), uploads
  marked used, the batch confirmed with its report, each change audited. It returns
  the objects to queue for page splitting and OCR.

Every function asks :data:`~catalog.policy.Action.UPLOAD_SCANS` on the batch's own
partner. Problem codes of this module are in :data:`MESSAGES`.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath

from sqlalchemy import update
from sqlalchemy.orm import Session

from catalog import policy
from catalog.audit import record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.files import FileStore
from catalog.models import Record, utcnow
from catalog.policy import Action, Principal
from catalog.store import Catalog
from catalog.upload_models import BatchStatus, UploadBatch
from ingest import cataloguing, sheet_rows, sheets, uploads
from ingest.batch_preview import (
    MESSAGES,
    NEW,
    SCANS,
    UNCHANGED,
    UPDATE,
    FileMatch,
    Preview,
    RowPreview,
    build_preview,
)
from ingest.sheets import Problem, Sheet
from ingest.upload_settings import UploadSettings

__all__ = [
    "ALL_MESSAGES",
    "MESSAGES",
    "NEW",
    "SCANS",
    "UNCHANGED",
    "UPDATE",
    "BatchHasErrors",
    "Confirmed",
    "FileMatch",
    "Preview",
    "RowPreview",
    "attach_sheet",
    "confirm",
    "message",
    "preview",
]

ALL_MESSAGES = {**sheets.MESSAGES, **sheet_rows.MESSAGES, **MESSAGES}
"""Every problem code a preview can show, with its English text."""


class BatchHasErrors(InvalidInput):
    """:func:`confirm` of a batch whose preview has errors; ``preview`` shows them."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(f"the batch has {len(preview.errors)} error(s)", batch=preview.batch_id)
        self.preview = preview


@dataclasses.dataclass(frozen=True)
class Confirmed:
    """What :func:`confirm` did: record ids by action, and the new objects to ingest."""

    batch_id: int
    partner_id: str
    created: list[int]
    updated: list[int]
    unchanged: list[int]
    objects: list[int]


# -- the sheet ---------------------------------------------------------------------------


def attach_sheet(
    catalog: Catalog, principal: Principal, batch_id: int, name: str, data: bytes
) -> Sheet:
    """Read a sheet and keep it on the open batch (replacing its sheet). Raises
    :class:`ingest.sheets.SheetError` for a file that is no readable sheet (the batch
    keeps its sheet), :class:`Conflict` for a confirmed batch."""
    sheet = sheets.read_sheet(data, PurePath(name or "sheet").name[:300])
    with catalog.session() as s:
        batch = _batch(s, principal, batch_id)
        if batch.status != BatchStatus.OPEN:
            raise Conflict(MESSAGES["closed"], code="closed", batch=batch_id)
        batch.sheet = sheet.to_json()
        after = {"sheet": sheet.name, "rows": len(sheet.rows), "sha256": sheet.sha256}
        record_audit(
            s,
            principal,
            "batch.sheet",
            ("batch", batch.id),
            None,
            after,
            partner_id=batch.partner_id,
        )
    return sheet


# -- preview -----------------------------------------------------------------------------


def preview(catalog: Catalog, principal: Principal, batch_id: int) -> Preview:
    """The batch as :func:`confirm` would catalogue it now; stores nothing."""
    with catalog.session() as s:
        return build_preview(s, _batch(s, principal, batch_id))


# -- confirm -----------------------------------------------------------------------------


def confirm(
    catalog: Catalog,
    files: FileStore,
    settings: UploadSettings,
    batch_id: int,
    principal: Principal,
) -> Confirmed:
    """Catalogue the batch as its preview shows (see the module's docstring).

    ``settings`` are the uploads' (their bytes are at :func:`ingest.uploads.upload_path`;
    each used upload's is removed once the records are committed).
    Raises :class:`BatchHasErrors` when the preview has errors (nothing is stored),
    :class:`Conflict` when the batch is confirmed already or changed meanwhile.
    """
    with catalog.session() as s:
        first = build_preview(s, _batch(s, principal, batch_id))
    if first.status != BatchStatus.OPEN:
        raise Conflict(MESSAGES["closed"], code="closed", batch=batch_id)
    if not first.confirmable:
        raise BatchHasErrors(first)
    stored = {}
    for row in first.rows:
        for match in row.files:
            path = uploads.upload_path(settings, match.upload_id)
            try:
                stored[match.upload_id] = files.put_file(path)
            except FileNotFoundError as exc:  # cleaned up or terminated meanwhile
                raise Conflict(MESSAGES["changed"], code="changed", batch=batch_id) from exc
    with catalog.session() as s:
        batch = _batch(s, principal, batch_id)
        now = build_preview(s, batch)
        if now.status != BatchStatus.OPEN:
            raise Conflict(MESSAGES["closed"], code="closed", batch=batch_id)
        if _shape(now) != _shape(first):
            raise Conflict(MESSAGES["changed"], code="changed", batch=batch_id)
        done = s.execute(
            update(UploadBatch)
            .where(UploadBatch.id == batch_id, UploadBatch.status == BatchStatus.OPEN)
            .values(status=BatchStatus.CONFIRMED, confirmed_at=utcnow())
        )
        if done.rowcount != 1:  # another confirm got there first
            raise Conflict(MESSAGES["closed"], code="closed", batch=batch_id)
        result = _write(s, batch, first, stored, principal)
    for upload_id in stored:
        uploads.upload_path(settings, upload_id).unlink(missing_ok=True)
    return result


def _write(s: Session, batch: UploadBatch, plan: Preview, stored, principal) -> Confirmed:
    created, updated, unchanged, objects, report = [], [], [], [], []
    source = f"sheet:{batch.id}"
    for row in plan.rows:
        if row.action == SCANS:
            record, action = s.get(Record, row.record_id), SCANS
        else:
            existing = s.get(Record, row.record_id) if row.record_id else None
            action, record = cataloguing.write_record(
                s,
                batch.partner_id,
                row.data,
                existing=existing,
                local_id=row.local_id,
                actor=principal,
                source=source,
                draft=True,
                origin="uploaded" if row.files else "catalogued",
                batch_id=batch.id,
            )
            {cataloguing.NEW: created, cataloguing.UPDATED: updated}.get(action, unchanged).append(
                record.id
            )
        added = []
        for match in row.files:
            file = stored[match.upload_id]
            upload = uploads.mark_used(
                s, match.upload_id, file_sha256=file.sha256, record_id=record.id
            )
            obj = cataloguing.attach_file(
                s,
                record,
                sha256=file.sha256,
                media_type=upload.media_type or "",
                size=file.size,
                relpath=file.relpath,
                name=match.name,
                actor=principal,
                draft=not record.draft,
            )
            if obj is not None:
                objects.append(obj.id)
                added.append(obj.id)
        report.append(
            {
                "row": row.row,
                "action": UPDATE if action == cataloguing.UPDATED else action,
                "record": record.id,
                "title": record.title,
                "objects": added,
            }
        )
    batch.report = {"rows": report}
    after = {"created": len(created), "updated": len(updated), "objects": len(objects)}
    record_audit(
        s,
        principal,
        "batch.confirm",
        ("batch", batch.id),
        None,
        after,
        partner_id=batch.partner_id,
    )
    return Confirmed(batch.id, batch.partner_id, created, updated, unchanged, objects)


def _shape(plan: Preview) -> list[tuple]:
    """What a confirm depends on: each row's action, record and uploads."""
    return [(r.row, r.action, r.record_id, tuple(f.upload_id for f in r.files)) for r in plan.rows]


def _batch(s: Session, principal: Principal, batch_id: int) -> UploadBatch:
    batch = s.get(UploadBatch, batch_id)
    if batch is None:
        raise NotFound(f"no batch {batch_id}", batch=batch_id)
    policy.require(principal, Action.UPLOAD_SCANS, batch.partner_id)
    return batch


def message(problem: Problem) -> str:
    """A problem's English text."""
    return problem.message(ALL_MESSAGES)
