"""Upload intake for digitization teams: files (or a folder with a metadata CSV) become
uploaded records and digital objects waiting to be split into pages.

Every file is read in full before anything is stored (:func:`ingest.intake.check_file`),
so a bad file gets its own error in the report, nothing of it is kept, and the batch goes
on. A CSV row becomes a record only when at least one of its files is good. Its values
go through the normaliser of every intake (:func:`catalog.records.normalised_record`), so
an uploaded record reads like a harvested one ("Bahasa Indonesia" is ``ind``, "abad
ke-19" a year range).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from catalog.errors import IngestError, InvalidInput, NotFound
from catalog.files import FileStore
from catalog.models import RECORD_TYPES, DigitalObject, ObjectStatus, Record
from catalog.records import RecordData, normalised_record
from catalog.store import Catalog
from ingest import intake
from ingest.objects import store_file
from ingest.settings import IngestSettings

CSV_COLUMNS = ("files", "title", "creator", "date", "language", "type", "rights", "description")
SPLIT = re.compile(r"\s*[;|]\s*")
"""What separates the values of one cell (``files``, ``creator``, ``language``)."""


@dataclasses.dataclass(frozen=True)
class FileReport:
    """The outcome for one file: ``ok`` with the record and object made, or ``error``."""

    file: str
    status: str
    message: str = ""
    record_id: int | None = None
    object_id: int | None = None
    pages: int = 0


@dataclasses.dataclass(frozen=True)
class Item:
    """One item to take in: its files and (for new records) its metadata."""

    files: tuple[Path, ...]
    record: RecordData | None


def read_csv(folder: Path, csv_path: Path) -> list[Item]:
    """The items of a metadata CSV (one row per item; file names relative to ``folder``).

    Raises :class:`InvalidInput` naming the row for a missing column, title or bad type.
    """
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(f"{csv_path.name}: cannot be read as a UTF-8 CSV ({exc})") from exc
    header = {k.strip().lower() for k in (rows[0].keys() if rows else [])}
    missing = [c for c in ("files", "title") if c not in header]
    if missing:
        raise InvalidInput(
            f"{csv_path.name}: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(CSV_COLUMNS)}"
        )
    return [
        _item(folder, n, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k})
        for n, row in enumerate(rows, 2)
    ]


def _item(folder: Path, line: int, row: dict[str, str]) -> Item:
    if not row.get("title"):
        raise InvalidInput(f"line {line}: the title is empty")
    kind = (row.get("type") or "other").lower()
    if kind not in RECORD_TYPES:
        raise InvalidInput(f"line {line}: type {kind!r} is not one of {', '.join(RECORD_TYPES)}")
    names = [n for n in SPLIT.split(row.get("files", "")) if n]
    if not names:
        raise InvalidInput(f"line {line}: no file names")
    record = normalised_record(
        source_format="upload-csv",
        titles=[(row["title"], None)],
        creators=SPLIT.split(row.get("creator", "")),
        descriptions=[row.get("description", "")],
        dates=[row.get("date", "")],
        types=[kind],
        languages=SPLIT.split(row.get("language", "")),
        rights=[row.get("rights", "")],
    )
    return Item(tuple(folder / n for n in names), record)


def take_in(
    catalog: Catalog,
    files: FileStore,
    partner_id: str,
    items: Iterable[Item],
    settings: IngestSettings,
    *,
    record_id: int | None = None,
    progress: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Check, store and register every file; returns one report per file, in order.

    Items with ``record`` None are attached to ``record_id``, or become a record titled
    after the file when ``record_id`` is None.
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
        target = record_id
        if good and target is None:
            data = item.record or normalised_record(
                titles=[(good[0][0].stem, None)], type_default="other"
            )
            target = catalog.create_uploaded_record(partner_id, data)
        for path, pages in good:
            object_id = _add_object(catalog, files, target, path)
            checked.append(FileReport(path.name, "ok", "", target, object_id, pages))
        order = {p.name: i for i, p in enumerate(item.files)}
        for report in sorted(checked, key=lambda r: order.get(r.file, 0)):
            reports.append(report)
            if progress:
                progress(report)
    return reports


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


def _add_object(catalog: Catalog, files: FileStore, record_id: int, path: Path) -> int:
    row = store_file(catalog, files, path, path.name)
    with catalog.session() as s:
        obj = DigitalObject(
            record_id=record_id,
            origin="uploaded",
            file_sha256=row.sha256,
            label=path.name[:500],
            status=ObjectStatus.STORED,
        )
        s.add(obj)
        s.flush()
        return obj.id
