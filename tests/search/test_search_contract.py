"""The contract every SearchBackend keeps, run through SearchService on each engine."""

from __future__ import annotations

import pytest

from catalog.errors import InvalidInput
from search.types import SearchQuery


def titles(result):
    return [h.title for h in result.hits]


def search(service, text="", **kw):
    return service.search(SearchQuery(text, **kw))


def test_index_and_count(service):
    svc, ids = service
    assert svc.backend.count() == len(ids)
    assert search(svc).total == len(ids)


def test_words_match_and_hits_carry_identity(service):
    svc, ids = service
    result = search(svc, "Sambas")
    assert [h.record_id for h in result.hits] == [ids["oai:ak:2"]]
    hit = result.hits[0]
    assert hit.oai_identifier == "oai:ak:2" and hit.partner == "arsip-kalbar"
    assert hit.score > 0


def test_and_by_default_or_and_not(service):
    svc, _ = service
    assert titles(search(svc, "rumah Kapit")) == ["Rumah panjang Iban di Kapit"]
    assert search(svc, "rumah Pontianak").total == 0
    assert search(svc, "Kapit OR Pontianak").total == 2
    iban = search(svc, "Iban").total
    assert search(svc, "Iban NOT Kapit").total == iban - 1
    assert search(svc, "Iban -Kapit").total == iban - 1


def test_phrase_needs_adjacent_words(service):
    svc, _ = service
    assert search(svc, '"kota Pontianak"').total == 1
    assert search(svc, '"Pontianak kota"').total == 0


def test_fields(service):
    svc, ids = service
    assert [h.record_id for h in search(svc, "title:Brunei").hits] == [ids["oai:db:1"]]
    assert search(svc, "creator:Sandin").total == 1
    assert search(svc, "subject:Weaving").total == 1
    assert search(svc, "creator:Kapit").total == 0
    assert search(svc, "partner:dbp-brunei").total == 3
    assert {h.record_id for h in search(svc, "year:1950-1960").hits} == {
        ids["oai:ps:1"],
        ids["oai:ak:3"],
        ids["oai:db:3"],
    }


def test_trailing_star_is_a_prefix(service):
    svc, _ = service
    assert titles(search(svc, "Ponti*")) == ["Kota Pontianak tahun 1950"]


def test_title_outranks_description(service):
    svc, ids = service
    result = search(svc, "Brunei")
    assert result.hits[0].record_id == ids["oai:db:1"]  # title, before a description mention


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        "AND",
        "OR OR NOT",
        ":",
        "*",
        "title:",
        "a:b:c*",
        "((Iban",
        "Iban))",
        "year:abc",
        "partner:!!",
        "-",
        "x" * 10_000,
        "title:* AND :* OR",
        "\x00\u202e",
        "Iban " * 3000,
    ],
)
def test_hostile_input_never_errors(service, text):
    svc, _ = service
    result = search(svc, text)
    assert result.total >= 0


def test_facets_count_all_matches(service):
    svc, _ = service
    result = search(svc, "", page_size=1)
    counts = {f: {v.value: v.count for v in values} for f, values in result.facets.items()}
    assert counts["partner"] == {"pustaka-sarawak": 3, "arsip-kalbar": 3, "dbp-brunei": 3}
    assert counts["country"] == {"MY": 3, "ID": 3, "BN": 3}
    assert counts["type"]["book"] == 4
    assert counts["language"]["msa"] == 4
    assert counts["decade"]["1950"] == 3
    assert counts["digitized"] == {"yes": 2, "no": 7}
    assert counts["subject"]["Iban"] == 2


def test_filters_and_multi_select_within_a_facet(service):
    svc, _ = service
    one = search(svc, "", filters={"partner": ("dbp-brunei",)})
    assert one.total == 3
    partner = {v.value: (v.count, v.selected) for v in one.facets["partner"]}
    assert partner["dbp-brunei"] == (3, True)
    assert partner["arsip-kalbar"] == (3, False)  # other values still counted for OR
    two = search(svc, "", filters={"partner": ("dbp-brunei", "arsip-kalbar")})
    assert two.total == 6
    both = search(svc, "", filters={"partner": ("dbp-brunei",), "type": ("newspaper",)})
    assert titles(both) == ["Surat khabar lama"]
    assert search(svc, "", filters={"decade": ("1920",), "country": ("ID",)}).total == 1
    assert search(svc, "", filters={"digitized": ("yes",)}).total == 2


def test_sorts(service):
    svc, _ = service
    by_title = titles(search(svc, "", sort="title"))
    assert by_title == sorted(by_title, key=str.casefold)
    years = [h.fields["year"] for h in search(svc, "", sort="date_asc").hits]
    assert years == sorted(years)
    years = [h.fields["year"] for h in search(svc, "", sort="date_desc").hits]
    assert years == sorted(years, reverse=True)


def test_paging_is_bounded(service):
    svc, _ = service
    first = search(svc, "", page_size=4, sort="title")
    second = search(svc, "", page=2, page_size=4, sort="title")
    assert not set(titles(first)) & set(titles(second))
    assert len(titles(first)) + len(titles(second)) == 8
    with pytest.raises(InvalidInput):
        search(svc, "", page=10_000, page_size=100)
    with pytest.raises(InvalidInput):
        search(svc, "", sort="random")
    with pytest.raises(InvalidInput):
        search(svc, "", filters={"colour": ("red",)})


def test_highlights_are_escaped_and_marked(seeded, backend, glossary):
    from search.service import SearchService
    from tests.search import corpus

    catalog, _ = seeded
    [outcome] = catalog.upsert_records(
        "dbp-brunei",
        [
            corpus.RecordData(
                "oai:db:x", title="<script>alert(1)</script> Kampung & air", languages=("msa",)
            )
        ],
    )
    svc = SearchService(catalog, backend, glossary=glossary, max_results=10_000, page_hits=3)
    svc.index_records([outcome.record_id])
    [hit] = search(svc, "kampung script").hits
    assert hit.highlights[0] == (
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; "
        "<mark>Kampung</mark> &amp; air"
    )


def test_deleted_and_hidden_records_leave_the_index(service):
    from catalog.models import Record

    svc, ids = service
    svc.catalog.mark_deleted("arsip-kalbar", ["oai:ak:3"])
    with svc.catalog.session() as s:
        s.get(Record, ids["oai:db:2"]).hidden = True
    assert svc.index_records([ids["oai:ak:3"], ids["oai:db:2"], 999_999]) == 0
    assert search(svc, "Pontianak").total == 0
    assert search(svc, "Borneo folk").total == 0
    assert svc.backend.count() == len(ids) - 2
    svc.remove_records([ids["oai:ak:1"]])
    assert search(svc, "Djakarta").total == 0


def test_reindex_rebuilds_from_the_catalogue(service):
    svc, ids = service
    seen = []
    assert svc.reindex(progress=seen.append) == len(ids)
    assert sum(seen) == len(ids)
    assert search(svc, "Sambas").total == 1
    assert svc.reindex(partner="dbp-brunei") == 3
    assert svc.backend.count() == len(ids)


def test_page_hits_and_search_inside(service):
    svc, ids = service
    result = search(svc, "berladang")
    [hit] = result.hits
    assert hit.page_hits and hit.page_hits[0].order == 2
    assert "<mark>berladang</mark>" in hit.page_hits[0].snippet
    pages = svc.search_inside(ids["oai:ak:2"], "negeri OR radja")
    assert [p.order for p in pages] == [1, 2]
    assert [b.text for b in pages[0].boxes] == ["radja"]
    box = pages[0].boxes[0]
    assert (box.w, box.h) == (50, 18) and box.x > 10
    assert svc.search_inside(ids["oai:ak:2"], "zzz") == ()
    assert svc.search_inside(ids["oai:ak:2"], "") == ()
