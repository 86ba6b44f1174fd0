"""``warisan ingest --sheet``: semicolon CSVs and XLSX work, every sheet error is reported
with its row and column before anything is stored, and a sheet with ``local_id`` taken
in twice adds nothing the second time (a changed row updates its record, keeping a
version). Records stay published unless ``--draft``."""

from __future__ import annotations

from openpyxl import Workbook
from PIL import Image
from sqlalchemy import func, select

from catalog.models import DigitalObject, Record, RecordVersion
from portal.services import get_services


def _folder(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, colour in (("a.png", "red"), ("b.png", "blue")):
        Image.new("RGB", (80, 50), colour).save(folder / name)
    return folder


def _rows(app):
    with app.app_context(), get_services().catalog.session() as s:
        records = list(s.scalars(select(Record).order_by(Record.id)))
        objects = s.scalar(select(func.count()).select_from(DigitalObject))
        versions = list(s.scalars(select(RecordVersion)))
        return records, objects, versions


def _partner(app):
    with app.app_context():
        get_services().catalog.add_partner("arsip-test", name="Arsip", country="ID")


def _ingest(runner, folder, sheet, *extra):
    args = ["ingest", str(folder), "--partner", "arsip-test", "--sheet", str(sheet), *extra]
    return runner.invoke(args=args)


def test_a_semicolon_sheet_taken_in_twice_adds_nothing_the_second_time(app, runner, tmp_path):
    _partner(app)
    folder = _folder(tmp_path)
    sheet = folder / "metadata.csv"
    sheet.write_text(
        "ID Lokal;Berkas;Judul;Bahasa;Tanggal\n"
        "W-1;a.png;Warta Borneo, 1936;Bahasa Indonesia;1936\n"
        "W-2;b.png;Surat Rasmi;msa;1950-1955\n",
        encoding="utf-8-sig",
    )
    result = _ingest(runner, folder, sheet)
    assert result.exit_code == 0, result.output
    records, objects, _ = _rows(app)
    assert [(r.local_id, r.title, r.draft, r.origin) for r in records] == [
        ("W-1", "Warta Borneo, 1936", False, "uploaded"),
        ("W-2", "Surat Rasmi", False, "uploaded"),
    ]
    assert objects == 2 and records[0].published_at is not None

    result = _ingest(runner, folder, sheet)
    assert result.exit_code == 0, result.output
    assert "a.png: record" in result.output and "already attached" in result.output
    again, objects, versions = _rows(app)
    assert [(r.id, r.version) for r in again] == [(r.id, r.version) for r in records]
    assert objects == 2 and versions == []

    sheet.write_text("local_id;files;title\nW-1;a.png;Warta Borneo (1936)\n", encoding="utf-8")
    assert _ingest(runner, folder, sheet).exit_code == 0
    changed, objects, [version] = _rows(app)
    assert changed[0].title == "Warta Borneo (1936)" and changed[0].version == 2
    assert (version.record_id, version.number, version.source, version.actor) == (
        records[0].id, 1, "cli", "cli"
    )  # fmt: skip
    assert len(changed) == 2 and objects == 2


def test_an_xlsx_sheet_with_errors_is_reported_whole_and_nothing_is_stored(app, runner, tmp_path):
    _partner(app)
    folder = _folder(tmp_path)
    book = Workbook()
    for row in (["files", "title", "type"], ["a.png", "", "peta"], ["b.png", "Surat", "xyz"]):
        book.active.append(row)
    book.save(folder / "metadata.xlsx")
    result = _ingest(runner, folder, folder / "metadata.xlsx")
    assert result.exit_code == 1
    assert "line 2: the title is empty (column title)" in result.output
    assert "line 3: type “xyz” is not one of" in result.output
    assert _rows(app) == ([], 0, [])

    book.active["B2"] = "Peta Sambas"
    book.active["C3"] = "buku"
    book.save(folder / "metadata.xlsx")
    result = _ingest(runner, folder, folder / "metadata.xlsx", "--draft")
    assert result.exit_code == 0, result.output
    records, objects, _ = _rows(app)
    assert [(r.title, r.type, r.draft, r.published_at) for r in records] == [
        ("Peta Sambas", "map", True, None),
        ("Surat", "book", True, None),
    ]
    assert objects == 2
