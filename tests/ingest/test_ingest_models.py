"""Tesseract models chosen from a record's language, the default path without one, the
models `warisan ocr` reports, and page-language labels that never guess outside the
detector's languages (real Tesseract, real CLI)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import DigitalObject, Page, Record
from ingest import ocr
from portal.services import get_services

from .conftest import ENGLISH, MALAY, render, save

pytestmark = pytest.mark.tesseract

JAVANESE = [
    "Ing sawijining dina ana bocah angon",
    "wedhus ing pinggiring alas kang peteng",
    "lan wong tuwane lagi nyambut gawe.",
]
BANJAR = [
    "Urang Banjar bahari tinggal di pinggir",
    "sungai wan bagawi di pahumaan sarta",
    "bajualan di pasar tarapung.",
]


def _batch(folder, rows):
    """Page images and a metadata sheet: ``rows`` are (name, lines, language)."""
    folder.mkdir()
    sheet = ["files,title,language,type"]
    for name, lines, language in rows:
        save(render(lines, size=(1400, 700)).image, folder / f"{name}.png", dpi=(300, 300))
        sheet.append(f"{name}.png,{name},{language},text")
    (folder / "metadata.csv").write_text("\n".join(sheet) + "\n", encoding="utf-8")
    return folder


def _labels(app) -> dict[str, tuple[str | None, str]]:
    """Record title → (page language, page status)."""
    with app.app_context(), get_services().catalog.session() as s:
        rows = s.execute(
            select(Record.title, Page.language, Page.ocr_status)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .join(Record, DigitalObject.record_id == Record.id)
        ).all()
    return {title: (language, status) for title, language, status in rows}


def _ingest_and_read(app, runner, folder) -> str:
    with app.app_context():
        get_services().catalog.add_partner("arsip-test", name="Arsip", country="ID")
    sheet = str(folder / "metadata.csv")
    intake = runner.invoke(args=["ingest", str(folder), "--partner", "arsip-test", "--csv", sheet])
    assert intake.exit_code == 0, intake.output
    result = runner.invoke(args=["ocr"])
    assert result.exit_code == 0, result.output
    return result.output


def test_models_follow_the_record_language_and_ocr_reports_them(app, runner, tmp_path):
    if not {"jav", "ind", "eng"} <= ocr.installed_models():
        pytest.skip("tesseract-ocr-jav is not installed")
    rows = [
        ("jawa", JAVANESE, "jav"),
        ("banjar", BANJAR, "bjn"),
        ("melayu", MALAY, ""),
        ("english", ENGLISH, ""),
    ]
    output = _ingest_and_read(app, runner, _batch(tmp_path / "batch", rows))
    # jav reads the Javanese page; Banjar has no model: ind; the pages without a hint
    # are read with ind alone, and read well: nothing is read again
    assert "Tesseract models used (pages): ind 3, jav 1." in output
    labels = _labels(app)
    assert {status for _, status in labels.values()} == {"done"}
    # the record's language, never the detector's ind for a Javanese or Banjar page
    assert labels["jawa"][0] == "jav" and labels["banjar"][0] == "bjn"
    # without a hint, the detector decides among its languages
    assert labels["melayu"][0] == "msa" and labels["english"][0] == "eng"


def test_an_unsure_english_page_without_a_hint_is_read_again_with_english(app, runner, tmp_path):
    app.config["OCR_REREAD_BELOW"] = 100.0  # every page is unsure
    rows = [("melayu", MALAY, ""), ("english", ENGLISH, ""), ("inggris", ENGLISH, "eng")]
    output = _ingest_and_read(app, runner, _batch(tmp_path / "batch", rows))
    # Malay reads with ind (the detector says msa: no second reading); the English page
    # without a hint is read again with eng+ind, more confidently; a hint is trusted
    assert "Tesseract models used (pages): eng 1, eng+ind 1, ind 1." in output
    assert _labels(app)["english"] == ("eng", "done")


def test_a_worker_refuses_to_start_without_the_default_path_s_models(app, runner):
    app.config["OCR_REREAD_LANGUAGES"] = "ind+xyz"
    result = runner.invoke(args=["ocr"])
    assert result.exit_code != 0
    assert "tesseract-ocr-xyz" in str(result.exception) + result.output
