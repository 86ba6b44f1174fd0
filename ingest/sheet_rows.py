"""Checking the rows of a metadata sheet: every problem of every cell, and the
:class:`~catalog.records.RecordData` each row will become.

Pure functions over :class:`ingest.sheets.Sheet` rows; what needs the catalogue (does the
``local_id`` or ``record`` exist, were the files uploaded) is :mod:`ingest.batches`'.
A row's values go through :func:`catalog.records.normalised_record`, the normaliser of
every intake, so a catalogued item reads like a harvested one. The columns without a
:class:`RecordData` field of their own go to ``extra`` under the keys the harvest's
mappings use, so the OAI-PMH provider exposes them alike: ``places`` → ``coverage``
(``dc:coverage``), ``publisher`` → ``publisher``, ``extent`` → ``extent``,
``shelfmark`` → ``call_number``.

A row with a ``record`` cell adds scans to that existing record (harvested ones too);
its other metadata cells are ignored (the record's description stays its own), which the
row's warnings say.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath

from catalog import normalise
from catalog.errors import InvalidInput
from catalog.languages import iso639_3, language_name
from catalog.languages import languages as language_codes
from catalog.models import RECORD_TYPES
from catalog.records import RecordData, normalised_record
from ingest.sheets import Problem, Sheet, SheetRow

MAX_CELL = 10_000
"""Longest cell kept (characters)."""
MAX_LOCAL_ID = 200
"""Longest ``local_id`` (the column's size)."""
SOURCE_FORMAT = "upload-sheet"
"""``source_format`` of a record without a sheet (a batch's files alone); a sheet's
records say their format: ``upload-csv``, ``upload-xlsx``."""
EXTRA_KEYS = {
    "places": "coverage",
    "publisher": "publisher",
    "extent": "extent",
    "shelfmark": "call_number",
}
"""Sheet columns stored in ``RecordData.extra``, under the harvest mappings' keys."""
METADATA = (
    "title",
    "creator",
    "date",
    "language",
    "type",
    "subjects",
    "places",
    "publisher",
    "extent",
    "shelfmark",
    "rights",
    "description",
)

MESSAGES = {
    "title_missing": "the title is empty",
    "type_unknown": "type “%(value)s” is not one of %(types)s",
    "language_unknown": "“%(value)s” is not a language we know (give an ISO 639-3 code "
    "such as ind, msa, jav, bjn or a language name)",
    "language_close": "“%(value)s” is not a language we know: did you mean %(close)s?",
    "date_unread": "the date “%(value)s” is not read as a year: it is kept as written",
    "too_long": "the cell has %(size)d characters, more than %(max)d",
    "local_id_repeated": "local_id “%(value)s” is also on row %(other)d",
    "file_repeated": "file “%(value)s” is also named on row %(other)d",
    "files_missing": "no file names",
    "record_files_missing": "name the files to add to record “%(value)s”",
    "record_metadata_ignored": "scans are added to an existing record: its description is "
    "kept, this column is ignored",
    "record_and_local_id": "give either record or local_id, not both",
}
"""English text of the row problem codes (see :data:`ingest.sheets.MESSAGES`)."""


@dataclasses.dataclass(frozen=True)
class RowCheck:
    """One row checked: its files (file names as written, folders dropped), its
    ``local_id`` and ``record`` reference, the data it describes (None for a ``record``
    row, which adds scans only, or when its cells have errors), and its problems."""

    row: int
    files: tuple[str, ...]
    local_id: str | None
    record_ref: str | None
    data: RecordData | None
    problems: tuple[Problem, ...]
    cells: dict[str, str] = dataclasses.field(default_factory=dict)
    """The row's cells as written (shown for a row whose errors leave ``data`` None)."""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")


def check_rows(
    sheet: Sheet, *, languages: Iterable[str] = (), require_files: bool = False
) -> list[RowCheck]:
    """Check every row of ``sheet`` (all problems, never only the first).

    ``languages`` are the batch's language codes, used for a row that names none;
    ``require_files`` makes a row without file names an error (``warisan ingest``).
    Repeated ``local_id`` values and file names are errors on the later row.
    """
    fallback = tuple(languages)
    source = f"upload-{sheet.format}" if sheet.format else SOURCE_FORMAT
    checks = [check_row(row, fallback, require_files, source) for row in sheet.rows]
    return _repeats(checks)


def check_row(
    row: SheetRow,
    languages: tuple[str, ...] = (),
    require_files: bool = False,
    source_format: str = SOURCE_FORMAT,
) -> RowCheck:
    """Check one row on its own (see :func:`check_rows`)."""
    problems: list[Problem] = []
    for column, text in row.cells.items():
        if len(text) > MAX_CELL:
            problems.append(
                Problem(row.row, column, "too_long", {"size": len(text), "max": MAX_CELL})
            )
    files = tuple(_file_name(v) for v in row.values("files"))
    local_id = row.get("local_id")[:MAX_LOCAL_ID] or None
    if len(row.get("local_id")) > MAX_LOCAL_ID:
        params = {"size": len(row.get("local_id")), "max": MAX_LOCAL_ID}
        problems.append(Problem(row.row, "local_id", "too_long", params))
    ref = row.get("record") or None
    if ref is not None:
        return _record_row(row, files, local_id, ref, problems)
    if require_files and not files:
        problems.append(Problem(row.row, "files", "files_missing"))
    if not normalise.tidy(row.get("title")):
        problems.append(Problem(row.row, "title", "title_missing"))
    kind = _type(row, problems)
    codes = _languages(row, problems)
    date = row.get("date")
    if date and normalise.year_range(date) is None:
        problems.append(Problem(row.row, "date", "date_unread", {"value": date}, "warning"))
    data = None
    if not any(p.level == "error" for p in problems):
        data = record_data(row, kind, codes or languages, source_format)
    return RowCheck(row.row, files, local_id, None, data, tuple(problems), row.cells)


def record_data(
    row: SheetRow, kind: str, languages: Iterable[str], source_format: str = SOURCE_FORMAT
) -> RecordData:
    """The row's values through the normaliser of every intake."""
    return normalised_record(
        source_format=source_format,
        titles=[(row.get("title"), None)],
        creators=row.values("creator"),
        subjects=row.values("subjects"),
        descriptions=[row.get("description")],
        dates=[row.get("date")],
        types=[kind],
        languages=list(languages),
        rights=[row.get("rights")],
        extra={key: row.values(column) for column, key in EXTRA_KEYS.items()},
    )


def _record_row(row, files, local_id, ref, problems) -> RowCheck:
    if local_id:
        problems.append(Problem(row.row, "local_id", "record_and_local_id"))
    if not files:
        problems.append(Problem(row.row, "files", "record_files_missing", {"value": ref}))
    for column in METADATA:
        if row.get(column):
            problems.append(Problem(row.row, column, "record_metadata_ignored", level="warning"))
    return RowCheck(row.row, files, None, ref, None, tuple(problems), row.cells)


def _type(row: SheetRow, problems: list[Problem]) -> str:
    text = row.get("type")
    if not text:
        return "other"
    kind = text.lower() if text.lower() in RECORD_TYPES else normalise.record_type([text])
    if kind is None:
        params = {"value": text, "types": ", ".join(RECORD_TYPES)}
        problems.append(Problem(row.row, "type", "type_unknown", params))
        return "other"
    return kind


def _languages(row: SheetRow, problems: list[Problem]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in row.values("language"):
        found, unknown = language_codes([value])
        codes.extend(c for c in found if c not in codes)
        for text in unknown:
            problems.append(_unknown_language(row.row, text))
    return tuple(codes)


def _unknown_language(row: int, text: str) -> Problem:
    """The problem of a language nobody knows, with close ones when there are some
    (:func:`catalog.languages.iso639_3`)."""
    try:
        iso639_3(text)
    except InvalidInput as exc:
        close = [c for c in str(exc.fields.get("suggestions") or "").split(",") if c]
        if close:
            named = ", ".join(f"{c} ({language_name(c)})" for c in close)
            return Problem(row, "language", "language_close", {"value": text, "close": named})
    return Problem(row, "language", "language_unknown", {"value": text})


def _file_name(value: str) -> str:
    """A file name as uploaded: the last part of a path written with / or \\."""
    return PureWindowsPath(PurePosixPath(value).name).name or value


def _repeats(checks: list[RowCheck]) -> list[RowCheck]:
    ids: dict[str, int] = {}
    names: dict[str, int] = {}
    out = []
    for check in checks:
        extra: list[Problem] = []
        if check.local_id:
            if check.local_id in ids:
                params = {"value": check.local_id, "other": ids[check.local_id]}
                extra.append(Problem(check.row, "local_id", "local_id_repeated", params))
            else:
                ids[check.local_id] = check.row
        for name in check.files:
            key = name.casefold()
            if key in names:
                params = {"value": name, "other": names[key]}
                extra.append(Problem(check.row, "files", "file_repeated", params))
            else:
                names[key] = check.row
        if extra:
            check = dataclasses.replace(check, data=None, problems=check.problems + tuple(extra))
        out.append(check)
    return out
