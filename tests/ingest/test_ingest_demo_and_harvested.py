"""Demo scans (known word positions) through the pipeline, and harvested scans fetched
from a real OAI-PMH demo server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalog.models import DigitalObject, File, Page
from catalog.records import RecordData
from ingest import objects, pages
from portal.services import get_services

pytestmark = pytest.mark.tesseract


@pytest.fixture(scope="module")
def demo_scans(tmp_path_factory):
    scans = pytest.importorskip("demo.scans")
    folder = tmp_path_factory.mktemp("demo-scans")
    truths = scans.generate_scans(folder)
    return folder, truths


def _pick(truths):
    """One demo page per language."""
    chosen = {}
    for truth in truths:
        chosen.setdefault(truth.language, truth)
    return sorted(chosen.values(), key=lambda t: t.language)


def _iou(a, b) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area else 0.0


def test_demo_scan_words_are_boxed_at_their_known_positions(
    demo_scans, sqlite_catalog, file_store, make_object, settings
):
    folder, truths = demo_scans
    for truth in _pick(truths):
        object_id = make_object(folder / truth.file)
        outcome = objects.ingest_object(sqlite_catalog, file_store, object_id, settings)
        [page_id] = outcome.pages_to_ocr
        pages.ocr_page(sqlite_catalog, file_store, page_id, settings)
        with sqlite_catalog.session() as s:
            page = s.get(Page, page_id)
        assert (page.width, page.height) == (truth.width, truth.height)
        assert page.language == truth.language, truth.file
        found = 0
        for word in truth.words:
            for text, left, top, width, height, _conf, _line in page.words:
                box = (left, top, left + width, top + height)
                if text == word.text and _iou(box, word.box) >= 0.5:
                    found += 1
                    break
        assert found >= 0.9 * len(truth.words), (truth.file, found, len(truth.words))


def test_harvested_scans_are_fetched_ingested_and_ocrd(app, runner, demo_scans):
    server_mod = pytest.importorskip("demo.oai_server")
    folder, truths = demo_scans
    truth = truths[0]
    app.config.update(OCR_RETRIES=1, OCR_RETRY_DELAY=0.05)
    with server_mod.serve(scans_dir=folder) as server, app.app_context():
        catalog = get_services().catalog
        catalog.add_partner("perpustakaan-x", name="X", country="ID", scan_hosts=["127.0.0.1"])
        catalog.add_partner("perpustakaan-y", name="Y", country="MY", scan_hosts=["scans.example"])
        good = catalog.create_uploaded_record("perpustakaan-x", RecordData(oai_identifier="a"))
        other = catalog.create_uploaded_record("perpustakaan-y", RecordData(oai_identifier="b"))
        base = server.url.rstrip("/")
        urls = {
            "ok": (good, f"{base}/scans/{truth.file}"),
            "missing": (good, f"{base}/scans/no-such-page.png"),
            "not allowed": (other, f"{base}/scans/{truth.file}"),
        }
        ids = {}
        with catalog.session() as s:
            for name, (record_id, url) in urls.items():
                obj = DigitalObject(
                    record_id=record_id, origin="harvested", status="pending", source_url=url
                )
                s.add(obj)
                s.flush()
                ids[name] = obj.id
        result = runner.invoke(args=["ocr", "--pending"])
        assert "Queued 3 scan fetch(es)" in result.output, result.output
        with catalog.session() as s:
            state = {n: s.get(DigitalObject, i) for n, i in ids.items()}
            assert state["ok"].status == "ingested" and state["ok"].file_sha256
            assert s.get(File, state["ok"].file_sha256).media_type == "image/png"
            [page] = s.scalars(select(Page).where(Page.object_id == ids["ok"]))
            assert page.ocr_status == "done" and page.language == truth.language
            assert state["missing"].status == "failed" and "404" in state["missing"].error
            assert state["not allowed"].status == "failed"
            assert "not allowed" in state["not allowed"].error
        assert json.loads((folder / truth.file).with_suffix(".json").read_text())["file"]
