"""Metadata sheets: CSV (comma or semicolon, with or without a BOM) and XLSX (made here
with openpyxl) read into the same rows; headers in English, Indonesian and Malay; every
problem of every row with its row and column; files that are no sheet refused clearly."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from ingest import sheet_rows, sheet_template, sheets
from ingest.sheets import SheetError

ROWS = [
    ["local_id", "files", "title", "creator", "date", "language", "type", "subjects"],
    ["MS-1", "a.tif | b.tif", "Hikayat Banjar", "Anonim; Tuan Guru", "abad ke-19", "bjn",
     "manuscript", "Sejarah; Kerajaan"],
    ["MS-2", "", "Peta Kuching, 1890", "", "1890", "Bahasa Melayu", "peta", ""],
]  # fmt: skip


def _csv(rows, separator=",", bom=False) -> bytes:
    import csv

    out = io.StringIO(newline="")
    csv.writer(out, delimiter=separator).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def _xlsx(rows, *, before=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [*before, *rows]:
        sheet.append(row)
    book.create_sheet("Other").append(["title"])  # only the first sheet is read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(sheet):
    return [(r.row, r.cells) for r in sheet.rows]


@pytest.mark.parametrize(
    "data",
    [_csv(ROWS), _csv(ROWS, ";"), _csv(ROWS, ";", bom=True), _csv(ROWS, "\t"), _xlsx(ROWS)],
    ids=["comma", "semicolon", "semicolon-bom", "tab", "xlsx"],
)
def test_csv_and_xlsx_read_into_the_same_rows(data):
    sheet = sheets.read_sheet(data, "metadata")
    assert sheet.problems == ()
    assert sheet.columns == ("local_id", "files", "title", "creator", "date", "language",
                             "type", "subjects")  # fmt: skip
    assert _cells(sheet) == [
        (2, dict(zip(ROWS[0], ROWS[1], strict=True))),
        (3, {"local_id": "MS-2", "title": "Peta Kuching, 1890", "date": "1890",
             "language": "Bahasa Melayu", "type": "peta"}),
    ]  # fmt: skip
    first, second = sheet_rows.check_rows(sheet)
    assert first.files == ("a.tif", "b.tif") and first.local_id == "MS-1"
    assert first.data.creators == ("Anonim", "Tuan Guru")
    assert first.data.subjects == ("Sejarah", "Kerajaan")
    assert first.data.languages == ("bjn",) and first.data.type == "manuscript"
    assert (first.data.year_from, first.data.year_to) == (1800, 1899)
    assert second.files == () and second.data.type == "map"
    assert second.data.languages == ("msa",) and second.problems == ()


def test_a_semicolon_csv_is_not_read_as_one_column():
    """Today's defect: a semicolon file failed with "missing column(s) files, title"."""
    data = b"files;title;description\na.tif;Surat, 1901;Satu, dua\n"
    sheet = sheets.read_sheet(data, "m.csv")
    assert sheet.separator == ";"
    assert _cells(sheet) == [(2, {"files": "a.tif", "title": "Surat, 1901",
                                  "description": "Satu, dua"})]  # fmt: skip


def test_xlsx_cells_become_text_as_a_librarian_wrote_them():
    rows = [
        ["title", "date", "local_id", "extent", "shelfmark"],
        ["Warta", dt.datetime(1923, 5, 17), 12.0, 3.5, 1200],
        ["Surat", dt.datetime(1923, 5, 17, 9, 30), "0012", None, True],
    ]
    sheet = sheets.read_sheet(_xlsx(rows, before=[[None], []]), "m.xlsx")
    assert sheet.format == "xlsx"
    assert _cells(sheet) == [
        (4, {"title": "Warta", "date": "1923-05-17", "local_id": "12", "extent": "3.5",
             "shelfmark": "1200"}),
        (5, {"title": "Surat", "date": "1923-05-17 09:30:00", "local_id": "0012",
             "shelfmark": "TRUE"}),
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "id", "ms"])
def test_headers_in_each_language_and_any_case_name_the_columns(language):
    header = [c.headers[language] for c in sheets.COLUMNS]
    shouted = [h.upper().replace("_", " ") for h in header]
    for row in (header, shouted):
        sheet = sheets.read_sheet(_csv([row, ["x"] * len(row)]), "m.csv")
        assert sheet.columns == sheets.COLUMN_NAMES


@pytest.mark.parametrize(
    "header, column",
    [("Judul", "title"), ("Tajuk", "title"), ("ID Lokal", "local_id"), ("Berkas", "files"),
     ("Fail", "files"), ("Tarikh", "date"), ("Tanggal", "date"), ("Nomor Panggil", "shelfmark"),
     ("Penerbit", "publisher"), ("Tempat", "places"), ("Hak", "rights"), ("Rekod", "record"),
     ("Keterangan", "description"), ("Local ID", "local_id"), ("Call number", "shelfmark")],
)  # fmt: skip
def test_header_names_librarians_write(header, column):
    assert sheets.header_name(header) == column


def test_every_problem_of_every_row_has_its_row_and_column():
    rows = [
        ["title", "files", "type", "language", "date", "local_id", "warna", "title"],
        ["Surat", "a.tif", "naskah", "msa", "1901", "L1", "merah", ""],
        ["", "b.tif", "bukan jenis", "xx-yy-zz; jav", "tanpa tahun", "L1", "", ""],
        ["Warta", "A.TIF", "", "", "", "", "", ""],
        [],
        ["Peta", "", "map", "Jawaa", "", "L2", "", ""],
    ]
    sheet = sheets.read_sheet(_xlsx(rows), "m.xlsx")
    found = {(p.row, p.column, p.code, p.level) for p in sheet.problems}
    assert found == {
        (1, "warna", "header_unknown", "warning"),
        (1, "title", "header_repeated", "error"),
    }
    checks = sheet_rows.check_rows(sheet)
    problems = {(p.row, p.column, p.code, p.level) for c in checks for p in c.problems}
    assert problems == {
        (3, "title", "title_missing", "error"),
        (3, "type", "type_unknown", "error"),
        (3, "language", "language_unknown", "error"),
        (3, "date", "date_unread", "warning"),
        (3, "local_id", "local_id_repeated", "error"),
        (4, "files", "file_repeated", "error"),
        (6, "language", "language_close", "error"),
    }
    by_row = {c.row: c for c in checks}
    assert by_row[2].data is not None and by_row[6].data is None
    message = next(p for p in by_row[3].problems if p.code == "local_id_repeated")
    assert message.message(sheet_rows.MESSAGES) == "local_id “L1” is also on row 2"
    [close] = by_row[6].problems
    assert close.message(sheet_rows.MESSAGES).startswith(
        "“Jawaa” is not a language we know: did you mean jav (Javanese)"
    )


def test_a_record_row_adds_scans_and_ignores_the_description():
    rows = [["record", "files", "title", "local_id"], ["oai:x:1", "s.tif", "Judul", ""],
            ["42", "", "", "L9"]]  # fmt: skip
    first, second = sheet_rows.check_rows(sheets.read_sheet(_csv(rows), "m.csv"))
    assert first.record_ref == "oai:x:1" and first.data is None and first.files == ("s.tif",)
    assert [(p.column, p.code, p.level) for p in first.problems] == [
        ("title", "record_metadata_ignored", "warning")
    ]
    assert {p.code for p in second.errors} == {"record_files_missing", "record_and_local_id"}


def test_a_folder_in_a_file_name_is_dropped():
    rows = [["title", "files"], ["Surat", r"scans\2024\a.tif; batch/b.tif"]]
    [check] = sheet_rows.check_rows(sheets.read_sheet(_csv(rows), "m.csv"))
    assert check.files == ("a.tif", "b.tif")


@pytest.mark.parametrize(
    "data, code",
    [
        ("title\nSurat Rasmi \xe9\n".encode("latin-1"), "not_utf8"),
        ("title\nSurat\n".encode("utf-16"), "utf16"),
        ("title\nSurat\n".encode("utf-16-le"), "utf16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04 this is no zip at all", "not_xlsx"),
        (b"", "empty"),
        (b"colour,size\nred,3\n", "no_header"),
        (b'title\n"unfinished\nquote', "bad_csv"),
    ],
    ids=["latin-1", "utf-16", "utf-16-le", "xls", "broken-zip", "empty", "no-header", "quote"],
)
def test_files_that_are_no_sheet_are_refused_with_their_reason(data, code):
    with pytest.raises(SheetError) as caught:
        sheets.read_sheet(data, "m.csv")
    assert caught.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SheetError, match="no workbook part") as caught:
        sheets.read_sheet(out.getvalue(), "renamed.xlsx")
    assert caught.value.code == "not_xlsx"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 1_000_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(20):
                member.write(b"\x00" * 100_000)
    assert len(out.getvalue()) < 50_000
    with pytest.raises(SheetError) as caught:
        sheets.read_sheet(out.getvalue(), "bomb.xlsx")
    assert caught.value.code == "xlsx_bomb"


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    rows = [["title"]] + [[f"Surat {n}"] for n in range(3)]
    assert len(sheets.read_sheet(_csv(rows), "m.csv").rows) == 3
    with pytest.raises(SheetError) as caught:
        sheets.read_sheet(_csv([*rows, ["Surat 4"]]), "m.csv")
    assert caught.value.code == "too_many_rows"


def test_a_sheet_is_kept_as_json_and_read_back_the_same():
    sheet = sheets.read_sheet(_xlsx([*ROWS, ["", "", "", "", "", "", "", "", "extra"]]), "m.xlsx")
    assert sheets.Sheet.from_json(sheet.to_json()) == sheet


TEXTS = sheet_template.TemplateTexts(
    items_sheet="Items",
    help_sheet="Instructions",
    instructions=("One row per item.",),
    column_help={c.name: f"about {c.name}" for c in sheets.COLUMNS},
    column_label="Column",
    help_label="What to write",
)


@pytest.mark.parametrize("language", ["en", "id", "ms"])
def test_the_templates_read_back_with_every_column_and_the_example(language):
    for data in (
        sheet_template.template_xlsx(language, TEXTS),
        sheet_template.template_csv(language),
    ):
        sheet = sheets.read_sheet(data, "template")
        assert sheet.columns == sheets.COLUMN_NAMES and sheet.problems == ()
        [check] = sheet_rows.check_rows(sheet)
        assert check.problems == ()
        assert check.files == ("example-0001.tif", "example-0002.tif")
        assert check.data.title == "Hikayat Banjar"
        assert check.data.extra == {
            "coverage": ["Banjarmasin"],
            "extent": ["120 halaman; 21 x 16 cm"],
            "call_number": ["MS 12"],
        }
    header = sheet_template.headers(language)
    assert header[3] == {"en": "title", "id": "judul", "ms": "tajuk"}[language]
