"""Stemming, old spellings, glossary, fuzzy matching and suggestions on each engine.

tantivy always; Elasticsearch only against a real cluster (``ELASTICSEARCH_URL``): the
language analysis is Elasticsearch's own and emulators do not have it.
"""

from __future__ import annotations

import os

import pytest

from search.backends import open_backend
from search.service import SearchService
from search.types import SearchQuery


@pytest.fixture(
    params=[
        "tantivy",
        pytest.param(
            "elasticsearch",
            marks=[
                pytest.mark.elasticsearch,
                pytest.mark.real_elasticsearch,
                pytest.mark.skipif(
                    not os.environ.get("ELASTICSEARCH_URL"),
                    reason="language analysis needs a real Elasticsearch (ELASTICSEARCH_URL)",
                ),
            ],
        ),
    ]
)
def lang_service(request, seeded, glossary, tmp_path):
    if request.param == "tantivy":
        url = f"tantivy://{tmp_path / 'index'}"
    else:
        base = os.environ["ELASTICSEARCH_URL"].rstrip("/")
        url = f"{base}/?prefix=l{abs(hash(str(tmp_path))) % 10**8}"
    catalog, ids = seeded
    backend = open_backend(url, glossary=glossary)
    service = SearchService(catalog, backend, glossary=glossary, max_results=10_000, page_hits=3)
    service.index_records(ids.values())
    yield service, ids
    backend.clear()
    backend.close()


def found(service, text):
    return {h.oai_identifier for h in service.search(SearchQuery(text)).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jakarta", "oai:ak:1"),
        ("Surabaya", "oai:ak:1"),
        ("cerita rakyat", "oai:ak:1"),
        ("khabar", "oai:ak:1"),
        ("raja Sambas", "oai:ak:2"),
        ("sungai", "oai:ak:2"),
        ("hikayat", "oai:ak:2"),
    ],
)
def test_modern_query_finds_old_spelling(lang_service, query, expected):
    service, _ = lang_service
    assert expected in found(service, query)


def test_old_spelling_query_finds_modern_text(lang_service):
    service, _ = lang_service
    assert "oai:ps:1" in found(service, "soengai")  # page text: "sungai"
    assert "oai:db:1" in found(service, "tjerita")


def test_stems_in_both_languages(lang_service):
    service, _ = lang_service
    assert "oai:ps:2" in found(service, "weaver")  # "weavers"
    assert "oai:ps:2" in found(service, "photograph")  # "Photographs"
    assert "oai:ps:1" in found(service, "hidup")  # "kehidupan" (same stem)


def test_glossary_crosses_languages(lang_service):
    service, _ = lang_service
    assert "oai:ps:1" in found(service, "longhouse")
    assert "oai:ps:3" in found(service, "hornbill")
    assert "oai:ps:2" in found(service, "tenun")
    assert {"oai:db:1", "oai:db:2"} <= found(service, "folk tale")
    assert "oai:db:3" in found(service, "newspaper")


def test_highlights_mark_original_words(lang_service):
    service, _ = lang_service
    [hit] = service.search(SearchQuery("Jakarta")).hits
    assert "<mark>Djakarta</mark>" in hit.highlights[0]
    hits = service.search(SearchQuery("hornbill")).hits
    assert any("<mark>kenyalang</mark>" in h.lower() for hit in hits for h in hit.highlights)


def test_ocr_noise_and_did_you_mean(lang_service):
    service, _ = lang_service
    assert "oai:ak:3" in found(service, "Pontianek")  # one letter misread
    result = service.search(SearchQuery("pelabuhen"))
    assert result.suggestion == "pelabuhan"


def test_search_inside_marks_old_spelling_boxes(lang_service):
    service, ids = lang_service
    pages = service.search_inside(ids["oai:ak:2"], "sungai")
    assert [p.order for p in pages] == [2]
    assert [b.text for b in pages[0].boxes] == ["soengai,"]
