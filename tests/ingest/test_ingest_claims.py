"""Exactly-once OCR on SQLite and PostgreSQL: a page claimed by a live worker is left
alone, a claim whose owner died is taken over, and finished pages are never redone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from catalog.files import FileStore
from catalog.models import DigitalObject, File, OcrStatus, Page, utcnow
from catalog.records import RecordData
from ingest import pages, work
from ingest.pages import owner_token


@pytest.fixture
def page_ids(catalog):
    catalog.add_partner("arsip-claims", name="Arsip", country="BN")
    record_id = catalog.create_uploaded_record("arsip-claims", RecordData(oai_identifier=""))
    sha = "a" * 64
    with catalog.session() as s:
        s.add(File(sha256=sha, media_type="image/png", size=1, path="aa/aa/" + sha))
        s.flush()
        obj = DigitalObject(record_id=record_id, file_sha256=sha, status="ingested")
        s.add(obj)
        s.flush()
        rows = [Page(object_id=obj.id, order=n, image_sha256=sha) for n in range(1, 5)]
        s.add_all(rows)
        s.flush()
        return [p.id for p in rows]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _set(catalog, page_id, **values):
    with catalog.session() as s:
        page = s.get(Page, page_id)
        for key, value in values.items():
            setattr(page, key, value)


def test_pending_work_skips_live_claims_and_takes_over_dead_ones(catalog, page_ids):
    live, dead, old, done = page_ids
    _set(catalog, live, ocr_status="running", ocr_key=owner_token(), ocr_at=utcnow())
    _set(catalog, dead, ocr_status="running", ocr_key=owner_token(_dead_pid()), ocr_at=utcnow())
    _set(
        catalog,
        old,
        ocr_status="running",
        ocr_key="run:elsewhere:1",
        ocr_at=utcnow() - dt.timedelta(hours=2),
    )
    _set(catalog, done, ocr_status="done", ocr_key="b" * 64, ocr_at=utcnow())
    todo = work.pending_work(catalog)
    assert todo.ocr == [dead, old]
    assert work.page_counts(catalog) == {"pending": 0, "running": 3, "done": 1, "failed": 0}


def test_a_page_claimed_by_a_live_worker_is_skipped(catalog, page_ids, settings):
    page_id = page_ids[0]
    _set(catalog, page_id, ocr_status="running", ocr_key=owner_token(os.getppid()), ocr_at=utcnow())
    outcome = pages.ocr_page(catalog, None, page_id, settings)
    assert outcome.action == "skipped"
    with catalog.session() as s:
        assert s.get(Page, page_id).ocr_key == owner_token(os.getppid())


def test_release_gives_back_only_the_owners_claim(catalog, page_ids):
    page_id = page_ids[0]
    _set(catalog, page_id, ocr_status="running", ocr_key=owner_token(), ocr_at=utcnow())
    pages.release(catalog, page_id, "run:someone-else:7", OcrStatus.PENDING, None)
    with catalog.session() as s:
        assert s.get(Page, page_id).ocr_status == "running"
    pages.release(catalog, page_id, owner_token(), OcrStatus.FAILED, "Tesseract failed: boom")
    with catalog.session() as s:
        page = s.get(Page, page_id)
        assert (page.ocr_status, page.ocr_error, page.ocr_key) == (
            "failed",
            "Tesseract failed: boom",
            None,
        )


def test_a_batch_takes_along_only_free_pending_pages(catalog, page_ids, settings, tmp_path):
    lead, held, failed_once, free = page_ids
    for page_id in page_ids:
        _set(catalog, page_id, width=1400, height=700)
    _set(catalog, held, ocr_status="running", ocr_key=owner_token(os.getppid()), ocr_at=utcnow())
    _set(catalog, failed_once, ocr_error="OcrError: Tesseract failed")
    files = FileStore(tmp_path / "files")  # no masters: each page taken ends on its own error
    outcomes = pages.ocr_pages(catalog, files, lead, settings, batch=8)
    assert [(o.page_id, o.action) for o in outcomes] == [(lead, "retry"), (free, "failed")]
    with catalog.session() as s:
        rows = {p.id: p for p in s.scalars(select(Page).where(Page.id.in_(page_ids)))}
    assert (rows[lead].ocr_status, rows[lead].ocr_key, rows[lead].ocr_error) == (
        "pending",
        None,
        None,
    )
    assert (rows[held].ocr_status, rows[held].ocr_key) == ("running", owner_token(os.getppid()))
    assert (rows[failed_once].ocr_status, rows[failed_once].ocr_key) == ("pending", None)
    assert rows[free].ocr_status == "failed" and "missing" in rows[free].ocr_error
