"""Corrected OCR in search (search.documents, search.service): a corrected page is found
by its corrected words and by the words the OCR read, on both engines; the snippet shows
the corrected text and a hit on a corrected word is boxed where the corrected word is."""

from __future__ import annotations

from sqlalchemy import select

from catalog import accounts
from catalog.models import DigitalObject, Page
from ingest import corrections
from search.types import SearchQuery


def _admin(catalog):
    user = accounts.find_user_by_email(catalog, "admin@warisan.example")
    if user is None:
        user = accounts.create_user(
            catalog, "admin@warisan.example", "correct horse battery staple", actor="test"
        )
        accounts.add_membership(catalog, user.id, "consortium-admin", None, actor="test")
    return accounts.principal(catalog, user)


def _correct(catalog, record_id, changes):
    """Correct the record's first page as a consortium admin; returns the page id."""
    principal = _admin(catalog)
    with catalog.session() as s:
        page_id = s.scalar(
            select(Page.id)
            .join(DigitalObject)
            .where(DigitalObject.record_id == record_id)
            .order_by(Page.order)
        )
    corrections.correct(catalog, principal, page_id, changes)
    return page_id


def test_corrected_and_original_words_both_find_the_page(service):
    svc, ids = service
    record = ids["oai:ps:1"]  # "Rumah panjang itu didiami oleh tiga puluh keluarga Iban ..."
    _correct(
        svc.catalog,
        record,
        {0: "Rumah panjang itu dihuni oleh tiga puluh keluarga Iban di tepi Batang Rajang."},
    )
    assert svc.search(SearchQuery("dihuni")).total == 0  # not indexed yet
    svc.index_records([record])
    for word in ("Rajang", "dihuni", "didiami"):  # corrected, and only in the OCR
        result = svc.search(SearchQuery(word))
        assert [h.record_id for h in result.hits] == [record], word
    [hit] = svc.search(SearchQuery("Rajang")).hits
    assert "<mark>Rajang</mark>" in hit.page_hits[0].snippet
    assert "didiami" not in hit.page_hits[0].snippet  # the shown text is the corrected one


def test_a_corrected_word_is_boxed_from_the_corrected_words(service):
    svc, ids = service
    record = ids["oai:ak:2"]  # page 1: "Alkisah maka terseboetlah perkataan seorang radja ..."
    with svc.catalog.session() as s:
        page = s.scalars(
            select(Page).join(DigitalObject).where(DigitalObject.record_id == record)
        ).first()
        original = page.text
    text = original.replace("Raden Soelaiman.", "Pangeran Anom Soelaiman bin Omar.")
    page_id = _correct(svc.catalog, record, {0: text})
    svc.index_records([record])
    [hit] = svc.search_inside(record, "Pangeran")
    assert hit.page_id == page_id and "<mark>Pangeran</mark>" in hit.snippet
    [box] = hit.boxes
    with svc.catalog.session() as s:
        stored = s.get(Page, page_id).corrected_words
    [row] = [w for w in stored if w[0] == "Pangeran"]
    assert (box.text, *box.xywh) == ("Pangeran", *row[1:5])
    ocr = next(w for w in page.words if w[0] == "Raden")
    assert box.x != ocr[1] or box.w != ocr[3]  # the line's box shared out anew
    # a word only the OCR read still finds the page, boxed where the OCR read it
    [old] = svc.search_inside(record, "Raden")
    assert [(b.text, *b.xywh) for b in old.boxes] == [tuple(ocr[:5])]
    assert "<mark>Raden</mark>" in old.snippet


def test_a_page_reverted_to_its_ocr_indexes_the_ocr_alone(service):
    svc, ids = service
    record = ids["oai:ps:1"]
    page_id = _correct(svc.catalog, record, {0: "Rumah panjang itu dihuni"})
    corrections.revert(svc.catalog, _admin(svc.catalog), page_id, corrections.ORIGINAL)
    svc.index_records([record])
    assert svc.search(SearchQuery("dihuni")).total == 0
    assert svc.search(SearchQuery("didiami")).total == 1
