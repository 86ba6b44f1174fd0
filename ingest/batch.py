"""Upload intake for digitization teams (``warisan ingest``): files, or a folder with a
metadata sheet, become uploaded records and digital objects waiting to be split into
pages.

Every file is read in full before anything is stored (:func:`ingest.intake.check_file`),
so a bad file gets its own error in the report, nothing of it is kept, and the batch goes
on. The sheet (CSV — comma or semicolon — or XLSX) is read and checked as the
workspace's (:mod:`ingest.sheets`, :mod:`ingest.sheet_rows`): every problem of every row
is reported at once and nothing is stored while there is one. A row becomes a record
only when at least one of its files is good; a row whose ``local_id`` names an existing
record of the partner updates it (keeping a version) instead of adding one, so the same
sheet taken in twice adds nothing; a row with a ``record`` cell adds its files to that
record. Values go through the normaliser of every intake
(:func:`catalog.records.normalised_record`), so an uploaded record reads like a
harvested one ("Bahasa Indonesia" is ``ind``, "abad ke-19" a year range).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

from catalog.errors import IngestError, InvalidInput, NotFound
from catalog.files import FileStore
from catalog.models import Record
from catalog.records import RecordData, normalised_record
from catalog.store import Catalog
from ingest import cataloguing, intake, sheet_rows, sheets
from ingest.settings import IngestSettings

ACTOR = "cli"


@dataclasses.dataclass(frozen=True)
class FileReport:
    """The outcome for one file: ``ok`` with the record and object made (object None
    when the record had this very file already), or ``error``."""

    file: str
    status: str
    message: str = ""
    record_id: int | None = None
    object_id: int | None = None
    pages: int = 0


@dataclasses.dataclass(frozen=True)
class Item:
    """One item to take in: its files, the metadata of its record (None: titled after
    its first file, or the ``record_ref`` record's), its ``local_id`` and the existing
    record a sheet's ``record`` cell names."""

    files: tuple[Path, ...]
    record: RecordData | None
    local_id: str | None = None
    record_ref: str | None = None


def read_csv(folder: Path, csv_path: Path) -> list[Item]:
    """The items of a metadata sheet, CSV or XLSX (one row per item; file names
    relative to ``folder``).

    Raises :class:`InvalidInput` listing every problem, one a line
    (``line <row>: <message> (column <name>)``), when the sheet has any error.
    """
    try:
        sheet = sheets.read_sheet(csv_path.read_bytes(), csv_path.name)
    except sheets.SheetError as exc:
        raise InvalidInput(f"{csv_path.name}: {exc.message}") from exc
    except OSError as exc:
        raise InvalidInput(f"{csv_path.name}: cannot be read ({exc.strerror})") from exc
    checks = sheet_rows.check_rows(sheet, require_files=True)
    problems = [p for p in sheet.problems if p.level == "error"]
    problems += [p for check in checks for p in check.errors]
    if problems:
        messages = {**sheets.MESSAGES, **sheet_rows.MESSAGES}
        raise InvalidInput(
            f"{csv_path.name}: "
            + "\n".join(
                f"line {p.row}: {p.message(messages)} (column {p.column})" for p in problems
            )
        )
    return [
        Item(tuple(folder / n for n in c.files), c.data, c.local_id, c.record_ref) for c in checks
    ]


def take_in(
    catalog: Catalog,
    files: FileStore,
    partner_id: str,
    items: Iterable[Item],
    settings: IngestSettings,
    *,
    record_id: int | None = None,
    draft: bool = False,
    progress: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Check, store and register every file; returns one report per file, in order.

    Items with neither ``record`` nor ``record_ref`` are attached to ``record_id``, or
    become a record titled after the file when ``record_id`` is None. New records are
    published unless ``draft``; with ``draft``, files added to a public record wait as
    draft objects. Each record and object made is audited as ``"cli"``.
    """
    catalog.get_partner(partner_id)
    if record_id is not None:
        _check_record(catalog, partner_id, record_id)
    reports: list[FileReport] = []
    for item in items:
        good, checked = [], []
        for path in item.files:
            try:
                pages = (
                    intake.check_file(path, settings, path.name)
                    if path.is_file()
                    else _absent(path)
                )
                good.append((path, pages))
            except IngestError as exc:
                checked.append(FileReport(str(path.name), "error", exc.message))
        if good:
            try:
                checked += _store(catalog, files, partner_id, item, good, record_id, draft)
            except NotFound as exc:  # a ``record`` cell naming no record of the partner
                checked += [FileReport(p.name, "error", exc.message) for p, _ in good]
        order = {p.name: i for i, p in enumerate(item.files)}
        for report in sorted(checked, key=lambda r: order.get(r.file, 0)):
            reports.append(report)
            if progress:
                progress(report)
    return reports


def _store(catalog, files, partner_id, item, good, record_id, draft) -> list[FileReport]:
    """Store an item's good files and write its record and objects in one transaction."""
    stored = [(path, pages, files.put_file(path), intake.sniff(path)) for path, pages in good]
    with catalog.session() as s:
        record = _record(s, partner_id, item, good[0][0], record_id, draft)
        reports = []
        for path, pages, file, media in stored:
            obj = cataloguing.attach_file(
                s,
                record,
                sha256=file.sha256,
                media_type=media,
                size=file.size,
                relpath=file.relpath,
                name=path.name,
                actor=ACTOR,
                draft=draft and not record.draft,
            )
            message = "" if obj is not None else "already attached"
            object_id = obj.id if obj is not None else None
            reports.append(FileReport(path.name, "ok", message, record.id, object_id, pages))
        return reports


def _record(s, partner_id, item, first: Path, record_id, draft) -> Record:
    if item.record_ref is not None:
        row = cataloguing.target(s, partner_id, item.record_ref)
        if row is None:
            raise NotFound(f"no record {item.record_ref!r} of partner {partner_id}")
        return row
    if item.record is None and record_id is not None:
        return s.get(Record, record_id)
    data = item.record or normalised_record(titles=[(first.stem, None)], type_default="other")
    existing = None
    if item.local_id:
        existing = cataloguing.by_local_id(s, partner_id, [item.local_id]).get(item.local_id)
    _, row = cataloguing.write_record(
        s,
        partner_id,
        data,
        existing=existing,
        local_id=item.local_id,
        actor=ACTOR,
        source=ACTOR,
        draft=draft,
        origin="uploaded",
    )
    return row


def _absent(path: Path) -> int:
    raise IngestError(f"{path.name}: no such file", file=path.name)


def _check_record(catalog: Catalog, partner_id: str, record_id: int) -> None:
    with catalog.session() as s:
        record = s.get(Record, record_id)
        if record is None:
            raise NotFound(f"no record {record_id}", record=record_id)
        if record.partner_id != partner_id:
            raise InvalidInput(
                f"record {record_id} belongs to partner {record.partner_id}, not {partner_id}"
            )
