"""The one indexer: it drains the catalogue's ``index_due`` marks into the index, clears
only the marks it looked at, and a rebuild leaves a record marked meanwhile due."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from catalog.models import DigitalObject, File, Page, Record, utcnow
from catalog.records import RecordData
from search import indexing
from search.service import SearchService
from search.types import SearchQuery

PARTNER = "arsip-kalbar"


@pytest.fixture
def search(catalog, backend, glossary):
    catalog.add_partner(PARTNER, name="Arsip Kalimantan Barat", country="ID")
    return SearchService(catalog, backend, glossary=glossary, max_results=100, page_hits=3)


def _upsert(catalog, *titles: str) -> list[int]:
    items = [RecordData(f"oai:ak:{title}", title=title) for title in titles]
    return [o.record_id for o in catalog.upsert_records(PARTNER, items)]


def _found(search: SearchService, text: str) -> set[int]:
    return {hit.record_id for hit in search.search(SearchQuery(text)).hits}


def _due(catalog) -> dict[int, dt.datetime]:
    with catalog.session() as s:
        return dict(s.execute(select(Record.id, Record.index_due)).all())


def test_drain_indexes_what_is_due_then_nothing(catalog, search):
    ids = _upsert(catalog, "Peta Pontianak", "Surat Sambas")
    assert set(indexing.due_records(catalog)) == set(ids)
    assert indexing.drain(catalog, search) == 2
    assert _found(search, "Pontianak") == {ids[0]}
    assert _due(catalog) == {ids[0]: None, ids[1]: None}
    assert indexing.drain(catalog, search) == 0


def test_hidden_and_deleted_records_leave_the_index_through_the_drain(catalog, search):
    ids = _upsert(catalog, "Peta Pontianak", "Peta Sintang")
    indexing.drain(catalog, search)
    catalog.set_hidden([ids[0]], True)
    catalog.mark_deleted(PARTNER, ["oai:ak:Peta Sintang"])
    indexing.drain(catalog, search)
    assert _found(search, "Peta") == set()


def test_a_record_with_pages_waiting_for_ocr_waits_too(catalog, search):
    [record_id] = _upsert(catalog, "Surat Sambas")
    with catalog.session() as s:
        s.add(File(sha256="0" * 64, media_type="image/png", size=1, path="00/00"))
        obj = DigitalObject(record_id=record_id, status="ingested")
        s.add(obj)
        s.flush()
        s.add(Page(object_id=obj.id, order=1, image_sha256="0" * 64, ocr_status="running"))
    assert indexing.due_records(catalog) == {}
    assert indexing.drain(catalog, search) == 0 and _found(search, "Sambas") == set()
    with catalog.session() as s:
        s.execute(update(Page).values(ocr_status="failed"))  # failed pages are settled
    assert indexing.drain(catalog, search) == 1 and _found(search, "Sambas") == {record_id}


def test_draft_scans_waiting_for_ocr_hold_back_nothing(catalog, search):
    """Scans added to a public record wait unpublished; their OCR does not delay a
    change of the record (a withdrawal must leave search at once)."""
    [record_id] = _upsert(catalog, "Surat Sambas")
    indexing.drain(catalog, search)
    with catalog.session() as s:
        s.add(File(sha256="0" * 64, media_type="image/png", size=1, path="00/00"))
        obj = DigitalObject(record_id=record_id, status="ingested", draft=True)
        s.add(obj)
        s.flush()
        s.add(Page(object_id=obj.id, order=1, image_sha256="0" * 64, ocr_status="pending"))
    catalog.set_hidden([record_id], True)
    assert set(indexing.due_records(catalog)) == {record_id}
    indexing.drain(catalog, search)
    assert _found(search, "Sambas") == set()


def test_only_the_marks_looked_at_are_cleared(catalog, search):
    first, second = _upsert(catalog, "Peta Pontianak", "Surat Sambas")
    looked = indexing.due_records(catalog)
    # A change whose transaction began before the look and committed after it: its mark
    # is older than the look, but not the mark that was looked at.
    earlier = looked[second] - dt.timedelta(seconds=1)
    with catalog.session() as s:
        s.execute(update(Record).where(Record.id == second).values(index_due=earlier))
    indexing.mark_indexed(catalog, looked)
    assert _due(catalog) == {first: None, second: earlier}


def test_a_rebuild_clears_the_marks_but_not_one_made_during_it(catalog, search):
    first, second = _upsert(catalog, "Peta Pontianak", "Surat Sambas")
    marked = []

    def mark_during_the_rebuild(done: int) -> None:
        if not marked:
            with catalog.session() as s:
                s.execute(update(Record).where(Record.id == second).values(index_due=utcnow()))
            marked.append(second)

    assert indexing.reindex(catalog, search, progress=mark_during_the_rebuild) == 2
    assert marked and _found(search, "Pontianak") == {first}
    due = _due(catalog)
    assert due[first] is None and due[second] is not None
    assert indexing.reindex(catalog, search, partner=PARTNER) == 2
    assert _due(catalog) == {first: None, second: None}
