"""Records whose pages changed are marked ``index_due`` in the same transaction, and one
index job takes every settled record that is due: durable across a killed worker, and a
record changed again while it was being indexed stays due."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from catalog.models import DigitalObject, Page, Record
from ingest import objects, work
from ingest.pages import mark_due
from portal.services import get_services
from search import indexing

from .conftest import MALAY, render, save
from .test_ingest_jobs import _pages, _partner, _scans


def _due(catalog, record_id):
    with catalog.session() as s:
        return s.get(Record, record_id).index_due


def test_new_pages_mark_the_record_due_and_only_settled_records_are_taken(
    sqlite_catalog, file_store, make_object, settings, tmp_path
):
    object_id = make_object(save(render(MALAY).image, tmp_path / "p.png", dpi=(300, 300)))
    outcome = objects.ingest_object(sqlite_catalog, file_store, object_id, settings)
    assert _due(sqlite_catalog, outcome.record_id) is not None
    assert indexing.due_records(sqlite_catalog) == {}  # its page still waits for OCR
    with sqlite_catalog.session() as s:
        s.execute(update(Page).values(ocr_status="done"))
    looked = indexing.due_records(sqlite_catalog)
    assert list(looked) == [outcome.record_id]
    assert work.pending_work(sqlite_catalog).ocr == []
    indexing.mark_indexed(sqlite_catalog, looked)
    assert _due(sqlite_catalog, outcome.record_id) is None
    assert indexing.due_records(sqlite_catalog) == {}


def test_a_record_marked_again_while_being_indexed_stays_due(
    sqlite_catalog, file_store, make_object, settings, tmp_path
):
    object_id = make_object(save(render(MALAY).image, tmp_path / "p.png", dpi=(300, 300)))
    record_id = objects.ingest_object(sqlite_catalog, file_store, object_id, settings).record_id
    with sqlite_catalog.session() as s:
        s.execute(update(Page).values(ocr_status="failed"))  # failed pages count as settled
    looked = indexing.due_records(sqlite_catalog)
    with sqlite_catalog.session() as s:  # a page result lands while those ids are indexed
        mark_due(s, record_id)
    indexing.mark_indexed(sqlite_catalog, looked)
    assert _due(sqlite_catalog, record_id) is not None
    assert list(indexing.due_records(sqlite_catalog)) == [record_id]


@pytest.mark.tesseract
def test_records_left_unindexed_by_a_killed_worker_are_indexed_on_resume(app, runner, tmp_path):
    pytest.importorskip("search.service")
    _partner(app)
    runner.invoke(args=["ingest", str(_scans(tmp_path / "s", 2)), "--partner", "arsip-test"])
    assert runner.invoke(args=["ocr"]).exit_code == 0
    pages = _pages(app)
    with app.app_context():
        services = get_services()
        with services.catalog.session() as s:
            record_ids = sorted(
                s.scalars(
                    select(DigitalObject.record_id).where(
                        DigitalObject.id.in_([p.object_id for p in pages])
                    )
                )
            )
            assert list(s.scalars(select(Record.index_due))) == [None, None]
        for record_id in record_ids:
            assert services.search.search_inside(record_id, "sekolah")
        # As after a worker killed between storing the OCR and indexing it:
        services.search.remove_records(record_ids)
        with services.catalog.session() as s:
            for record_id in record_ids:
                mark_due(s, record_id)
        assert not services.search.search_inside(record_ids[0], "sekolah")
    result = runner.invoke(args=["ocr", "--pending"])
    assert result.exit_code == 0, result.output
    assert "0 page(s) to OCR, 2 record(s) to index" in result.output
    with app.app_context():
        services = get_services()
        for record_id in record_ids:
            assert services.search.search_inside(record_id, "sekolah")
        with services.catalog.session() as s:
            assert list(s.scalars(select(Record.index_due))) == [None, None]
