"""Metadata sheets of upload batches: a CSV or XLSX file read into rows of text cells.

A sheet is what librarians keep: one row per item, the first (non-empty) row naming the
columns. :data:`COLUMNS` are the columns we know; a header may be written in English,
Indonesian or Malay, in any case, with spaces or underscores (``Local ID``, ``id_lokal``,
``Judul``, ``Tajuk``…). Unknown columns are reported and ignored.

- CSV: UTF-8 with or without a byte-order mark; comma-, semicolon- or tab-separated (the
  separator is the one under which the header row names the most known columns). Any
  other encoding is refused with a message saying how to save the file.
- XLSX (``openpyxl``, read-only): the first worksheet; dates become ``YYYY-MM-DD``,
  whole numbers lose their ``.0``. A file that is no XLSX (an old ``.xls``, a renamed
  file) or whose parts would unpack past :data:`MAX_UNPACKED_BYTES` is refused.

:func:`read_sheet` raises :class:`SheetError` (an :class:`~catalog.errors.InvalidInput`
with a ``code`` and ``params`` for translation) for a file that cannot be read as a sheet
at all, and otherwise returns a :class:`Sheet` whose ``problems`` are about the header
row. Row numbers are the ones the librarian sees in the spreadsheet program (the header
is usually row 1). Checking the cells of each row is :mod:`ingest.sheet_rows`' job.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from catalog.errors import InvalidInput
from ingest.sheet_columns import (
    COLUMN_NAMES,
    COLUMNS,
    LANGUAGES,
    MULTI,
    SEPARATORS,
    Column,
    header_name,
)

MAX_SHEET_BYTES = 10 * 1024 * 1024
"""Largest sheet file accepted (bytes)."""
MAX_ROWS = 5_000
"""Most item rows in one sheet."""
MAX_COLUMNS = 200
"""Most columns read from a row (more are ignored)."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Largest total size the parts of an XLSX file may unpack to (a zip bomb is refused)."""
MAX_PARTS = 2_000
"""Most parts (zip members) of an XLSX file."""


_SPLIT = re.compile(r"\s*[;|]\s*")
__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "LANGUAGES",
    "MULTI",
    "SEPARATORS",
    "Column",
    "Problem",
    "Sheet",
    "SheetError",
    "SheetRow",
    "header_name",
    "read_sheet",
]

MESSAGES = {
    "too_large": "the sheet has %(size)d bytes, more than the limit of %(max)d",
    "empty": "the sheet is empty",
    "not_utf8": "the sheet cannot be read as a UTF-8 CSV (byte %(offset)d is not UTF-8): "
    "save it as “CSV UTF-8” or as an Excel workbook (.xlsx)",
    "utf16": "the sheet is UTF-16 text: save it as “CSV UTF-8” or as an Excel workbook (.xlsx)",
    "xls": "this is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or as CSV",
    "not_sheet": "this is neither a CSV text file nor an Excel workbook (.xlsx)",
    "not_xlsx": "this file cannot be read as an Excel workbook (.xlsx): %(reason)s",
    "xlsx_bomb": "this workbook would unpack to more than %(max)d bytes: it is refused",
    "bad_csv": "row %(row)d cannot be read as CSV: %(reason)s",
    "no_header": "no column of the first row is one we know: the first row must name the "
    "columns (%(columns)s)",
    "too_many_rows": "the sheet has more than %(max)d rows: split it into several batches",
    "no_rows": "the sheet has no rows below its header",
    "header_unknown": "column %(value)s is not one we know: it is ignored",
    "header_repeated": "column %(value)s is given twice (also column %(other)s)",
    "no_title_column": "the sheet has no title column",
}
"""English text of every problem ``code`` (``%(name)s`` placeholders filled from its
``params``): the CLI prints these; the portal translates by code."""


class SheetError(InvalidInput):
    """A file that cannot be read as a sheet at all. ``code`` is a key of
    :data:`MESSAGES`; ``params`` fill its placeholders."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(MESSAGES[code] % params, code=code, params=params)
        self.code, self.params = code, params


@dataclasses.dataclass(frozen=True)
class Problem:
    """Something wrong (``error``) or worth knowing (``warning``) about a sheet's cell.

    ``row`` is the spreadsheet row (0: the batch as a whole), ``column`` a column name
    of :data:`COLUMNS` (or the header as written, for an unknown column; "" for the
    whole row); ``code`` a key of a ``MESSAGES`` table and ``params`` its values.
    """

    row: int
    column: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    level: str = "error"

    def message(self, messages: dict[str, str] = MESSAGES) -> str:
        """The English text (from ``messages``, whose codes this problem's come from)."""
        return messages[self.code] % self.params

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class SheetRow:
    """One item row: its spreadsheet row number and its non-empty cells by column name."""

    row: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def values(self, column: str) -> list[str]:
        """The cell's values: split on ``;`` or ``|`` for a multi-value column."""
        text = self.get(column)
        if column not in MULTI:
            return [text] if text else []
        return [v for v in _SPLIT.split(text) if v]


@dataclasses.dataclass(frozen=True)
class Sheet:
    """A sheet read: its file name, format (``csv``/``xlsx``), the columns found (in
    order), its rows, and the problems of its header. Stored as JSON on the batch
    (:meth:`to_json`, ``UploadBatch.sheet``)."""

    name: str
    format: str
    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    problems: tuple[Problem, ...] = ()
    sha256: str = ""
    separator: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "sha256": self.sha256,
            "separator": self.separator,
            "columns": list(self.columns),
            "rows": [{"row": r.row, "cells": r.cells} for r in self.rows],
            "errors": [p.to_json() for p in self.problems],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sheet:
        return cls(
            name=data.get("name", ""),
            format=data.get("format", ""),
            columns=tuple(data.get("columns", ())),
            rows=tuple(SheetRow(r["row"], dict(r["cells"])) for r in data.get("rows", ())),
            problems=tuple(Problem.from_json(p) for p in data.get("errors", ())),
            sha256=data.get("sha256", ""),
            separator=data.get("separator", ""),
        )


def read_sheet(data: bytes, name: str) -> Sheet:
    """Read a sheet file's bytes (format decided by its content, not its name)."""
    if len(data) > MAX_SHEET_BYTES:
        raise SheetError("too_large", size=len(data), max=MAX_SHEET_BYTES)
    if not data.strip():
        raise SheetError("empty")
    if data.startswith(b"PK\x03\x04"):
        fmt, separator, rows = "xlsx", "", _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError("xls")
    else:
        fmt = "csv"
        separator, rows = _csv_rows(_text(data))
    sheet = _sheet(name, fmt, separator, rows)
    return dataclasses.replace(sheet, sha256=hashlib.sha256(data).hexdigest())


# -- CSV ---------------------------------------------------------------------------------


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError("utf16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:200]
    if head.count(b"\x00") * 3 > len(head):  # UTF-16 without a byte-order mark
        raise SheetError("utf16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SheetError("not_utf8", offset=exc.start + 1) from exc
    if "\x00" in text:
        raise SheetError("not_sheet")
    return text


def _csv_rows(text: str) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The separator under which the header names the most known columns, and the rows
    (numbered from 1 as a spreadsheet program shows them: one per CSV record)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, score = ",", -1
    for separator in SEPARATORS:
        cells = next(csv.reader([first], delimiter=separator), [])
        known = sum(header_name(c) is not None for c in cells)
        if known > score:
            best, score = separator, known
    return best, _csv_records(text, best)


def _csv_records(text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    number = 0
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SheetError("bad_csv", row=number, reason=str(exc)) from exc
        yield number, record


# -- XLSX --------------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise SheetError("xlsx_bomb", max=MAX_UNPACKED_BYTES)
            if "xl/workbook.xml" not in archive.namelist():
                raise SheetError("not_xlsx", reason="it has no workbook part")
    except zipfile.BadZipFile as exc:
        raise SheetError("not_xlsx", reason=str(exc)) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise SheetError("not_xlsx", reason=f"{type(exc).__name__}: {exc}") from exc
    return _xlsx_records(book)


def _xlsx_records(book) -> Iterator[tuple[int, list[str]]]:
    try:
        if not book.worksheets:
            return
        rows = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        for number, values in enumerate(rows, 1):
            yield number, [cell_text(v) for v in values]
    except SheetError:
        raise
    except Exception as exc:  # a broken part found while reading
        raise SheetError("not_xlsx", reason=f"{type(exc).__name__}: {exc}") from exc
    finally:
        book.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as ISO dates (a time only when it is not
    midnight), whole numbers without ``.0``, others as written."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return str(value)


# -- rows --------------------------------------------------------------------------------


def _sheet(name: str, fmt: str, separator: str, records: Iterable[tuple[int, list[str]]]):
    problems: list[Problem] = []
    header: list[str] | None = None
    header_row = 0
    columns: dict[int, str] = {}
    rows: list[SheetRow] = []
    for number, cells in records:
        cells = [c.strip() for c in cells[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if header is None:
            header, header_row = cells, number
            columns = _columns(header, number, problems)
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError("too_many_rows", max=MAX_ROWS)
        values = {columns[i]: text for i, text in enumerate(cells) if i in columns and text}
        rows.append(SheetRow(number, values))
    if header is None:
        raise SheetError("empty")
    if not columns:
        raise SheetError("no_header", columns=", ".join(COLUMN_NAMES))
    found = tuple(dict.fromkeys(columns.values()))
    if "title" not in found and "record" not in found:
        problems.append(Problem(header_row, "title", "no_title_column"))
    if not rows:
        problems.append(Problem(header_row, "", "no_rows"))
    return Sheet(name, fmt, found, tuple(rows), tuple(problems), separator=separator)


def _columns(header: list[str], row: int, problems: list[Problem]) -> dict[int, str]:
    """Position → column name of the known headers; unknown and repeated ones noted."""
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, text in enumerate(header):
        if not text:
            continue
        name = header_name(text)
        if name is None:
            problems.append(Problem(row, text, "header_unknown", {"value": text}, "warning"))
        elif name in seen:
            params = {"value": text, "other": seen[name]}
            problems.append(Problem(row, name, "header_repeated", params))
        else:
            seen[name] = text
            columns[index] = name
    return columns
