"""On every backend: the rights facet, and no page text of content that is not open."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from catalog.base import utcnow
from catalog.models import Record
from search.service import SearchService
from search.types import SearchQuery

INC = "http://rightsstatements.org/vocab/InC/1.0/"
BY = "https://creativecommons.org/licenses/by/4.0/"


def _set(catalog, ids, identifiers, **values) -> None:
    with catalog.session() as s:
        s.execute(
            update(Record).where(Record.id.in_([ids[i] for i in identifiers])).values(**values)
        )


def test_rights_facet_counts_and_filters(seeded, backend, glossary):
    catalog, ids = seeded
    _set(catalog, ids, ["oai:ps:1", "oai:ps:3"], rights_uri=INC)
    _set(catalog, ids, ["oai:ak:1"], rights_uri=BY)
    service = SearchService(catalog, backend, glossary=glossary, max_results=10_000, page_hits=3)
    service.index_records(ids.values())
    result = service.search(SearchQuery("", page_size=1))
    assert {v.value: v.count for v in result.facets["rights"]} == {INC: 2, BY: 1}
    narrowed = service.search(SearchQuery("", filters={"rights": (INC,)}))
    assert {h.record_id for h in narrowed.hits} == {ids["oai:ps:1"], ids["oai:ps:3"]}
    assert narrowed.hits[0].fields["rights"] == INC
    both = service.search(SearchQuery("", filters={"rights": (INC, BY)}))
    assert both.total == 3


def test_closed_content_gives_no_page_text(seeded, backend, glossary):
    """ "Soelaiman" is only in the OCR text of oai:ak:2's first page."""
    catalog, ids = seeded
    service = SearchService(catalog, backend, glossary=glossary, max_results=10_000, page_hits=3)
    service.index_records(ids.values())
    hit = service.search(SearchQuery("Soelaiman")).hits
    assert [h.record_id for h in hit] == [ids["oai:ak:2"]] and hit[0].page_hits
    assert service.search_inside(ids["oai:ak:2"], "Soelaiman")

    _set(catalog, ids, ["oai:ak:2"], embargo_until=utcnow() + dt.timedelta(days=30))
    service.index_records([ids["oai:ak:2"]])
    assert service.search(SearchQuery("Soelaiman")).total == 0
    assert not service.search_inside(ids["oai:ak:2"], "Soelaiman")
    titled = service.search(SearchQuery("Sambas")).hits  # its title is still found
    assert [h.record_id for h in titled] == [ids["oai:ak:2"]] and not titled[0].page_hits

    _set(catalog, ids, ["oai:ak:2"], embargo_until=None, access="onsite")
    service.index_records([ids["oai:ak:2"]])
    assert service.search(SearchQuery("Soelaiman")).total == 0

    _set(catalog, ids, ["oai:ak:2"], access="open")
    service.index_records([ids["oai:ak:2"]])
    assert service.search(SearchQuery("Soelaiman")).total == 1
