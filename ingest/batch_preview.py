"""The preview of an upload batch: each row of its sheet as it will be catalogued, the
files it names matched against the batch's uploads, and every problem with its row and
column. Read-only: :func:`build_preview` runs in the caller's session and changes
nothing. The public face is :func:`ingest.batches.preview`.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.records import normalised_record
from catalog.upload_models import BatchStatus, Upload, UploadBatch, UploadStatus
from ingest import cataloguing, sheet_rows
from ingest.sheets import Problem, Sheet

MESSAGES = {
    "record_unknown": "there is no record “%(value)s” of this partner",
    "file_not_uploaded": "“%(value)s” is not among the files uploaded to this batch",
    "file_rejected": "“%(value)s” was refused: %(reason)s",
    "file_receiving": "“%(value)s” is still being uploaded",
    "file_kept": "“%(value)s” is attached to this record already and was not uploaded "
    "again: it is kept as it is",
    "file_attached": "a file named “%(value)s” is attached to this record already: it is "
    "added only if its content differs",
    "upload_unnamed": "“%(value)s” was uploaded but no row names it: it will not be catalogued",
    "upload_receiving": "“%(value)s” is still being uploaded: it will not be catalogued",
    "nothing": "the batch has no sheet and no uploaded file",
    "closed": "this batch was confirmed already",
    "changed": "the batch changed while it was being confirmed: look at the preview again",
}
"""English text of this module's problem codes (see :data:`ingest.sheets.MESSAGES`)."""

NEW, UPDATE, UNCHANGED, SCANS = "new", "update", "unchanged", "scans"


@dataclasses.dataclass(frozen=True)
class FileMatch:
    """A file a row names and the upload that brings it (None when there is none)."""

    name: str
    upload_id: str | None


@dataclasses.dataclass(frozen=True)
class RowPreview:
    """One row as it will be catalogued. ``action``: :data:`NEW`, :data:`UPDATE`,
    :data:`UNCHANGED` (metadata as stored; its files are still added) or :data:`SCANS`
    (files added to an existing record); "" when its errors leave it undecided.
    ``record_id``/``record_title`` name the existing record; ``data`` is what the row
    describes (None for :data:`SCANS`). ``row`` is the sheet row (0 without a sheet)."""

    row: int
    action: str
    data: Any
    local_id: str | None
    record_id: int | None
    record_title: str | None
    files: tuple[FileMatch, ...]
    problems: tuple[Problem, ...]
    cells: dict[str, str] = dataclasses.field(default_factory=dict)
    """The sheet row's cells as written."""

    @property
    def title(self) -> str | None:
        """The title it will have: its data's, the existing record's, or as written."""
        if self.data is not None:
            return self.data.title
        return self.record_title or self.cells.get("title") or None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")


@dataclasses.dataclass(frozen=True)
class Preview:
    """A batch as :func:`confirm` would catalogue it. ``problems`` are about the batch
    as a whole (its sheet's header, files no row names), ``rows`` each row's."""

    batch_id: int
    partner_id: str
    status: str
    language: str | None
    sheet_name: str | None
    rows: tuple[RowPreview, ...]
    problems: tuple[Problem, ...]
    report: dict[str, Any] | None = None
    """What the confirm did (``UploadBatch.report``: ``{"rows": [{"row", "action",
    "record", "title", "objects"}]}``), once confirmed."""

    @property
    def errors(self) -> list[Problem]:
        own = [p for p in self.problems if p.level == "error"]
        return own + [p for row in self.rows for p in row.errors]

    @property
    def warnings(self) -> list[Problem]:
        own = [p for p in self.problems if p.level != "error"]
        return own + [p for row in self.rows for p in row.problems if p.level != "error"]

    @property
    def confirmable(self) -> bool:
        return self.status == BatchStatus.OPEN and not self.errors and bool(self.rows)


def build_preview(s: Session, batch: UploadBatch) -> Preview:
    """The batch as :func:`ingest.batches.confirm` would catalogue it now; for a batch
    no longer open, no rows but the ``report`` of what its confirm did."""
    if batch.status != BatchStatus.OPEN:
        name = (batch.sheet or {}).get("name")
        return Preview(
            batch.id, batch.partner_id, batch.status, batch.language, name, (), (), batch.report
        )
    uploads = list(
        s.scalars(
            select(Upload)
            .where(Upload.batch_id == batch.id, Upload.status != UploadStatus.TERMINATED)
            .order_by(Upload.created_at, Upload.id)
        )
    )
    languages = (batch.language,) if batch.language else ()
    if batch.sheet:
        sheet = Sheet.from_json(batch.sheet)
        rows, problems = _sheet_rows(s, batch, sheet, uploads, languages)
        name = sheet.name
    else:
        rows, problems, name = _file_rows(uploads, languages), [], None
    if not rows and not problems:
        problems.append(Problem(0, "", "nothing"))
    return Preview(
        batch.id,
        batch.partner_id,
        batch.status,
        batch.language,
        name,
        tuple(rows),
        tuple(problems),
    )


def _sheet_rows(s, batch, sheet, uploads, languages):
    problems = list(sheet.problems)
    checks = sheet_rows.check_rows(sheet, languages=languages)
    known = cataloguing.by_local_id(s, batch.partner_id, [c.local_id for c in checks if c.local_id])
    pool = _Uploads(uploads)
    rows = []
    for check in checks:
        row_problems = list(check.problems)
        record = None
        if check.record_ref is not None:
            record = cataloguing.target(s, batch.partner_id, check.record_ref)
            if record is None:
                params = {"value": check.record_ref}
                row_problems.append(Problem(check.row, "record", "record_unknown", params))
            action = SCANS
        else:
            record = known.get(check.local_id) if check.local_id else None
            action = NEW if record is None else UPDATE
            data = check.data
            if (
                record is not None
                and data is not None
                and record.content_hash == data.content_hash()
            ):
                action = UNCHANGED
        held = {(o.label or "").casefold() for o in record.objects} if record else set()
        files = tuple(
            match
            for name in check.files
            if (match := pool.match(check.row, name, row_problems, held)) is not None
        )
        if any(p.level == "error" for p in row_problems):
            action = ""
        rows.append(
            RowPreview(
                check.row,
                action,
                check.data,
                check.local_id,
                record.id if record else None,
                record.title if record else None,
                files,
                tuple(row_problems),
                check.cells,
            )
        )
    problems += pool.leftovers()
    return rows, problems


def _file_rows(uploads: list[Upload], languages) -> list[RowPreview]:
    """Without a sheet: one new record per complete upload, titled after the file."""
    rows = []
    for upload in uploads:
        if upload.status != UploadStatus.COMPLETE:
            continue
        data = normalised_record(
            source_format=sheet_rows.SOURCE_FORMAT,
            titles=[(PurePath(upload.filename).stem, None)],
            type_default="other",
            languages=list(languages),
        )
        match = FileMatch(upload.filename, upload.id)
        rows.append(RowPreview(0, NEW, data, None, None, None, (match,), ()))
    return rows


class _Uploads:
    """The batch's uploads by file name: complete ones first, then the newest."""

    ORDER = {UploadStatus.COMPLETE: 0, UploadStatus.RECEIVING: 1, UploadStatus.REJECTED: 2}

    def __init__(self, uploads: list[Upload]) -> None:
        self.uploads = [u for u in uploads if u.status in self.ORDER]
        self.named: set[str] = set()

    def match(
        self, row: int, name: str, problems: list[Problem], held: set[str]
    ) -> FileMatch | None:
        """The upload bringing ``name``; None (with a note) when it was not uploaded
        but the row's record holds a file of that name (``held``, casefolded), as when
        a sheet is sent again without its scans."""
        found = self._find(name)
        if found is None and name.casefold() in held:
            problems.append(Problem(row, "files", "file_kept", {"value": name}, "warning"))
            return None
        if found is None:
            problems.append(Problem(row, "files", "file_not_uploaded", {"value": name}))
            return FileMatch(name, None)
        self.named.add(found.id)
        if name.casefold() in held:
            problems.append(Problem(row, "files", "file_attached", {"value": name}, "warning"))
        if found.status == UploadStatus.REJECTED:
            params = {"value": name, "reason": found.error or ""}
            problems.append(Problem(row, "files", "file_rejected", params))
        elif found.status == UploadStatus.RECEIVING:
            problems.append(Problem(row, "files", "file_receiving", {"value": name}))
        else:
            return FileMatch(name, found.id)
        return FileMatch(name, None)

    def _find(self, name: str) -> Upload | None:
        for exact in (True, False):
            hits = [
                u
                for u in self.uploads
                if (u.filename == name if exact else u.filename.casefold() == name.casefold())
            ]
            if hits:
                return min(hits, key=lambda u: (self.ORDER[u.status], -u.created_at.timestamp()))
        return None

    def leftovers(self) -> list[Problem]:
        out = []
        for upload in self.uploads:
            if upload.id in self.named or upload.status == UploadStatus.REJECTED:
                continue
            code = (
                "upload_unnamed" if upload.status == UploadStatus.COMPLETE else "upload_receiving"
            )
            out.append(Problem(0, "files", code, {"value": upload.filename}, "warning"))
        return out
