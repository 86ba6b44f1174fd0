"""The downloadable metadata sheet template, as XLSX or CSV, with headers in English,
Indonesian or Malay (each reads back through :func:`ingest.sheets.read_sheet`).

The texts around the columns (sheet names, the instructions) come translated from the
caller (the portal's gettext); the column headers are the ones :data:`ingest.sheets.COLUMNS`
gives each language. The one example row names a file (``example-0001.tif``) that no
batch has, so a template sent back unchanged cannot be confirmed by mistake.
"""

from __future__ import annotations

import csv
import dataclasses
import io

from ingest.sheets import COLUMNS, LANGUAGES

EXAMPLE = {
    "local_id": "MS-0001",
    "record": "",
    "files": "example-0001.tif; example-0002.tif",
    "title": "Hikayat Banjar",
    "creator": "Anonim",
    "date": "abad ke-19",
    "language": "msa; bjn",
    "type": "manuscript",
    "subjects": "Sejarah; Kerajaan Banjar",
    "places": "Banjarmasin",
    "publisher": "",
    "extent": "120 halaman; 21 x 16 cm",
    "shelfmark": "MS 12",
    "rights": "CC BY 4.0",
    "description": "Naskah Jawi tentang asal-usul Kerajaan Banjar.",
}
"""The template's example row."""


@dataclasses.dataclass(frozen=True)
class TemplateTexts:
    """Translated texts of the XLSX template: the two sheets' names, the instruction
    paragraphs, and one line of help per column name (shown beside its header)."""

    items_sheet: str
    help_sheet: str
    instructions: tuple[str, ...]
    column_help: dict[str, str]
    column_label: str
    help_label: str


def headers(language: str) -> list[str]:
    """The template's header row in ``language`` (``en``, ``id`` or ``ms``)."""
    if language not in LANGUAGES:
        language = "en"
    return [column.headers[language] for column in COLUMNS]


def example_row() -> list[str]:
    return [EXAMPLE[column.name] for column in COLUMNS]


def template_csv(language: str) -> bytes:
    """The CSV template: UTF-8 with a byte-order mark (so spreadsheet programs read its
    accents), comma-separated, the header row and the example row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(language))
    writer.writerow(example_row())
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def template_xlsx(language: str, texts: TemplateTexts) -> bytes:
    """The XLSX template: the items sheet first (header row, bold and frozen, and the
    example row; every cell formatted as text, so ``0012`` stays ``0012``), then the
    instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    items = book.active
    items.title = texts.items_sheet[:31]
    items.append(headers(language))
    items.append(example_row())
    for cell in items[1]:
        cell.font = Font(bold=True)
    for row in items.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.number_format = "@"
    for index, column in enumerate(COLUMNS):
        letter = items.cell(row=1, column=index + 1).column_letter
        width = 40 if column.name in ("title", "description") else 18
        items.column_dimensions[letter].width = width
    items.freeze_panes = "A2"
    guide = book.create_sheet(texts.help_sheet[:31])
    wrap = Alignment(wrap_text=True, vertical="top")
    for paragraph in texts.instructions:
        guide.append([paragraph])
        guide.cell(row=guide.max_row, column=1).alignment = wrap
    guide.append([])
    guide.append([texts.column_label, texts.help_label])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append([column.headers.get(language, column.name), texts.column_help[column.name]])
        guide.cell(row=guide.max_row, column=2).alignment = wrap
    guide.column_dimensions["A"].width = 60
    guide.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
