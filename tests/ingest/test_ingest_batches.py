"""Several pages to one Tesseract process: the same readings and word boxes as page by
page, only pages read the same way taken along, identical images read once, one bad page
failing alone, and a process killed with SIGKILL mid-batch losing and repeating nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from catalog.models import Page
from ingest import objects, ocr, pages, work
from ingest.settings import IngestSettings

from .conftest import ENGLISH, INDONESIAN, MALAY, match_words, render, save

pytestmark = pytest.mark.tesseract


def _pages(catalog, ids):
    with catalog.session() as s:
        return [s.get(Page, page_id) for page_id in ids]


@pytest.fixture
def scan_pages(sqlite_catalog, file_store, make_object, tmp_path):
    """``scan_pages(folder, texts, languages=("msa",), **render_args)``: one object a text
    (full pages of 1400 x 700 unless ``size`` says otherwise), ingested into folder
    ``folder`` of the test's tmp_path; returns the page ids and what was drawn."""

    def scan(name, texts, languages=("msa",), **render_args):
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        render_args.setdefault("size", (1400, 700))
        ids, drawn = [], []
        for n, lines in enumerate(texts):
            rendered = render(lines, **render_args)
            path = save(rendered.image, folder / f"p{n}.png", dpi=(300, 300))
            outcome = objects.ingest_object(
                sqlite_catalog, file_store, make_object(path, languages), IngestSettings()
            )
            ids += outcome.pages_to_ocr
            drawn.append(rendered)
        return ids, drawn

    return scan


TEXTS = [[*MALAY, f"halaman nomor {n}"] for n in range(3)]


def test_a_batch_reads_each_page_as_a_run_on_it_alone_would(
    sqlite_catalog, file_store, scan_pages, settings
):
    ids, drawn = scan_pages("s", TEXTS)
    outcomes = pages.ocr_pages(sqlite_catalog, file_store, ids[0], settings, batch=8)
    assert [(o.page_id, o.action) for o in outcomes] == [(i, "ocr") for i in ids]
    for page, rendered in zip(_pages(sqlite_catalog, ids), drawn, strict=True):
        assert page.ocr_status == "done" and page.language == "msa"
        assert match_words(page.words, rendered.boxes) >= len(rendered.boxes) - 1
        alone = ocr.recognise(
            str(file_store.path(page.image_sha256)),
            "msa",
            psm=3,
            dpi=300,
            timeout=60,
            cmd="tesseract",
        )
        stored = alone.columns()
        assert (page.text, page.words, page.lines) == (
            stored["text"],
            stored["words"],
            stored["lines"],
        )
        assert page.mean_confidence == alone.mean_confidence
    later = [pages.ocr_pages(sqlite_catalog, file_store, i, settings, batch=8) for i in ids[1:]]
    assert [o[0].action for o in later] == ["skipped", "skipped"]


def test_recognise_many_splits_the_pages_of_one_run(tmp_path):
    drawn = [render(lines, size=(1400, 500)) for lines in (ENGLISH, INDONESIAN)]
    blank = render([], size=(600, 300))
    paths = [
        str(save(d.image, tmp_path / f"{n}.png", dpi=(300, 300)))
        for n, d in enumerate([drawn[0], blank, drawn[1]])
    ]
    readings = ocr.recognise_many(
        paths, "eng+ind", psm=6, dpi=300, timeout=60, cmd="tesseract", workdir=tmp_path
    )
    assert [bool(r.words) for r in readings] == [True, False, True]
    assert "government" in readings[0].text and "Pemerintah" in readings[2].text
    assert readings[1].mean_confidence is None
    for reading, rendered in zip([readings[0], readings[2]], drawn, strict=True):
        assert match_words(reading.words, rendered.boxes) >= len(rendered.boxes) - 1
    assert list(tmp_path.glob("*.txt")) == []  # the list file is gone
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(ocr.OcrError):
        ocr.recognise_many(
            [paths[0], str(tmp_path / "broken.png")],
            "eng",
            psm=6,
            dpi=300,
            timeout=60,
            cmd="tesseract",
            workdir=tmp_path,
        )


def test_only_pages_read_the_same_way_are_taken_along(
    sqlite_catalog, file_store, scan_pages, settings
):
    malay, _ = scan_pages("m", TEXTS[:2])
    english, _ = scan_pages("e", [ENGLISH], ("eng",))
    clipping, _ = scan_pages(
        "c",
        [MALAY[:1]],
        size=(900, 120),
        font_size=30,
        origin=(10, 30),
    )
    failed_before = TEXTS[2:]
    retried, _ = scan_pages("r", failed_before)
    with sqlite_catalog.session() as s:  # a page that failed once is read alone by its job
        s.get(Page, retried[0]).ocr_error = "OcrError: Tesseract failed"
    outcomes = pages.ocr_pages(sqlite_catalog, file_store, malay[0], settings, batch=8)
    assert [o.page_id for o in outcomes] == malay
    statuses = [p.ocr_status for p in _pages(sqlite_catalog, english + clipping + retried)]
    assert statuses == ["pending"] * 3


def test_identical_images_in_a_batch_are_read_once(
    sqlite_catalog, file_store, scan_pages, settings
):
    ids, _ = scan_pages("s", [TEXTS[0]] * 2 + [TEXTS[1]])
    outcomes = pages.ocr_pages(sqlite_catalog, file_store, ids[0], settings, batch=8)
    assert [o.action for o in outcomes] == ["ocr", "cached", "ocr"]
    first, twin, other = _pages(sqlite_catalog, ids)
    assert (first.ocr_key, first.words) == (twin.ocr_key, twin.words)
    assert other.ocr_key != first.ocr_key


def test_a_bad_page_fails_alone_and_the_batch_is_stored(
    sqlite_catalog, file_store, scan_pages, settings
):
    ids, _ = scan_pages("s", [*TEXTS, ENGLISH])
    unreadable, missing = _pages(sqlite_catalog, ids[1:3])
    master = file_store.path(unreadable.image_sha256)
    master.write_bytes(master.read_bytes()[:200])  # Pillow reads the header, Tesseract fails
    file_store.path(missing.image_sha256).unlink()
    outcomes = pages.ocr_pages(sqlite_catalog, file_store, ids[0], settings, batch=8)
    assert [o.action for o in outcomes] == ["ocr", "retry", "failed", "ocr"]
    assert isinstance(outcomes[1].error, ocr.OcrError)
    done, retry, failed, also_done = _pages(sqlite_catalog, ids)
    assert done.ocr_status == also_done.ocr_status == "done" and "halaman" in done.text
    assert (retry.ocr_status, retry.ocr_key) == ("pending", None)
    assert retry.ocr_error.startswith("OcrError: Tesseract failed")
    assert failed.ocr_status == "failed" and "missing" in failed.ocr_error
    assert work.pending_work(sqlite_catalog).ocr == [retry.id]


def test_a_bad_page_asked_for_first_is_given_back_without_its_error(
    sqlite_catalog, file_store, scan_pages, settings
):
    ids, _ = scan_pages("s", TEXTS[:2])
    [lead] = _pages(sqlite_catalog, ids[:1])
    master = file_store.path(lead.image_sha256)
    master.write_bytes(master.read_bytes()[:200])
    outcomes = pages.ocr_pages(sqlite_catalog, file_store, ids[0], settings, batch=8)
    assert [o.action for o in outcomes] == ["retry", "ocr"]
    lead, other = _pages(sqlite_catalog, ids)
    assert (lead.ocr_status, lead.ocr_key, lead.ocr_error) == ("pending", None, None)
    assert other.ocr_status == "done"
    with pytest.raises(ocr.OcrError):  # the one-page call raises it for its job to retry
        pages.ocr_page(sqlite_catalog, file_store, ids[0], settings)


CHILD = """
import sys
from catalog.files import FileStore
from catalog.store import Catalog
from ingest import pages
from ingest.settings import IngestSettings
catalog, files = Catalog(sys.argv[1]), FileStore(sys.argv[2])
settings = IngestSettings(tesseract_cmd=sys.argv[4])
pages.ocr_pages(catalog, files, int(sys.argv[3]), settings, batch=8)
"""


def test_a_process_killed_mid_batch_loses_nothing_and_repeats_nothing(
    sqlite_catalog, file_store, tmp_path, scan_pages, settings
):
    ids, _ = scan_pages("s", [*TEXTS, ENGLISH[:2]])
    pages.ocr_page(sqlite_catalog, file_store, ids[3], settings)  # done before the batch
    [before] = _pages(sqlite_catalog, ids[3:])
    started = tmp_path / "started"
    held = tmp_path / "held-tesseract"  # real Tesseract, its reading held back until the kill
    held.write_text(
        '#!/bin/sh\n[ "$1" = --list-langs ] && exec tesseract "$@"\n'
        f'touch "{started}"\nsleep 60\nexec tesseract "$@"\n'
    )
    held.chmod(0o755)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            sqlite_catalog.url,
            str(file_store.root),
            str(ids[0]),
            str(held),
        ],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            assert child.poll() is None, "the batch process ended early"
            time.sleep(0.02)
        claimed = _pages(sqlite_catalog, ids)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(10)
    assert [p.ocr_status for p in claimed] == ["running"] * 3 + ["done"]
    assert {p.ocr_key for p in claimed[:3]} == {pages.owner_token(child.pid)}
    todo = work.pending_work(sqlite_catalog).ocr
    assert todo == ids[:3]  # the dead process's claims are stale: all three come back
    actions = [pages.ocr_page(sqlite_catalog, file_store, i, settings).action for i in todo]
    assert actions == ["ocr"] * 3
    assert [p.ocr_status for p in _pages(sqlite_catalog, ids)] == ["done"] * 4
    assert _pages(sqlite_catalog, ids[3:])[0].ocr_at == before.ocr_at
    again = [pages.ocr_pages(sqlite_catalog, file_store, i, settings, batch=8) for i in ids]
    assert {o[0].action for o in again} == {"skipped"}
