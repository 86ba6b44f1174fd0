"""JSON shapes of the API: records, pages and search results (plain dicts)."""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog import access
from catalog.models import Page, Record
from catalog.pagetext import box_json, numbered, words_of
from catalog.records import DESCRIPTIVE_FIELDS
from catalog.rights import statement
from ingest import corrections
from search.types import SearchQuery, SearchResult

RECORD_FIELDS = DESCRIPTIVE_FIELDS


def _time(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def record(row: Record, permalink: str, language: str = "en") -> dict[str, Any]:
    """A public record: its fields, rights statement (labelled in ``language``), access
    level, provenance and its pages (number, size, and whether its content is served)."""
    data: dict[str, Any] = {"id": row.id, "permalink": permalink}
    data.update({name: getattr(row, name) for name in RECORD_FIELDS})
    known = statement(row.rights_uri)
    data["rights_statement"] = (
        {"uri": known.uri, "code": known.code, "label": known.label(language)} if known else None
    )
    data["access"] = {
        "level": str(access.levels_access(row.access, None)),
        "embargo_until": _time(row.embargo_until) if access.under_embargo(row) else None,
    }
    data["partner"] = {
        "id": row.partner.id,
        "name": row.partner.name,
        "country": row.partner.country,
        "website": row.partner.website,
    }
    data["provenance"] = {
        "oai_identifier": row.oai_identifier,
        "origin": row.origin,
        "source_format": row.source_format,
        "datestamp": _time(row.datestamp),
        "first_harvested": _time(row.first_harvested),
        "last_changed": _time(row.last_changed),
    }
    opened = {obj.id for obj in access.open_objects(row)}
    pages = [page for obj in row.objects for page in obj.pages]
    data["pages"] = [
        {
            "number": number,
            "object_id": page.object_id,
            "width": page.width,
            "height": page.height,
            "open": page.object_id in opened,
            "corrected": page.corrected_text is not None,
        }
        for number, page in numbered(pages)
    ]
    data["corrections"] = dataclasses.asdict(
        corrections.progress(p for p in pages if p.object_id in opened)
    )
    return data


def page(row: Record, page_row: Page, number: int) -> dict[str, Any]:
    """A page's text and word boxes (master-image pixels): the corrected ones of a page
    its partner corrected (``corrected``), with what OCR read as ``original_text`` and
    ``original_words``."""
    corrected = page_row.corrected_text is not None
    shown = page_row.corrected_words if corrected else page_row.words
    out = {
        "record_id": row.id,
        "number": number,
        "width": page_row.width,
        "height": page_row.height,
        "language": page_row.language,
        "text": (page_row.corrected_text if corrected else page_row.text) or "",
        "mean_confidence": page_row.mean_confidence,
        "ocr_status": page_row.ocr_status,
        "words": _boxes(shown),
        "corrected": corrected,
        "corrected_at": _time(page_row.corrected_at) if corrected else None,
        "corrected_by": row.partner.name if corrected else None,
        "original_text": page_row.text or "",
    }
    if corrected:
        out["original_words"] = _boxes(page_row.words)
    return out


def _boxes(rows) -> list[dict[str, Any]]:
    return [box_json(word, reading=True) for word in words_of(rows)]


def _facet_value(field: str, value: str, count: int, selected: bool, language: str) -> dict:
    out: dict[str, Any] = {"value": value, "count": count, "selected": selected}
    if field == "rights":  # a URI: its statement's code and label go with it
        known = statement(value)
        if known:
            out.update(code=known.code, label=known.label(language))
    return out


def search_result(query: SearchQuery, result: SearchResult, language: str = "en") -> dict[str, Any]:
    """A search answer: total, hits with highlights, facets (rights values with their
    statement's code and label in ``language``) and the suggestion."""
    return {
        "query": {
            "q": query.text,
            "filters": {k: list(v) for k, v in query.filters.items()},
            "sort": query.sort,
            "page": query.page,
            "page_size": query.page_size,
        },
        "total": result.total,
        "suggestion": result.suggestion,
        "took_ms": result.took_ms,
        "hits": [
            {
                "id": hit.record_id,
                "title": hit.title,
                "partner": hit.partner,
                "score": hit.score,
                "highlights": list(hit.highlights),
                "pages": [{"order": p.order, "snippet": p.snippet} for p in hit.page_hits],
                "fields": hit.fields,
            }
            for hit in result.hits
        ],
        "facets": {
            name: [_facet_value(name, v.value, v.count, v.selected, language) for v in values]
            for name, values in result.facets.items()
        },
    }
