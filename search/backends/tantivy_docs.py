"""Schema, documents and facet counting of the tantivy backend."""

from __future__ import annotations

import json
from typing import Any

import tantivy

from search.analysis import Analysed, Analyzer, fold
from search.backends.base import FIELD_BOOSTS, Plan
from search.backends.tantivy_query import Occur, Q, filters_query
from search.documents import RecordDoc
from search.types import FACET_FIELDS

TOKENIZER = "whitespace"
PAGE_MARK = "p:"  # a page's stored data: "p:<page id> <record id> <order>" and its text


def build_schema() -> tantivy.Schema:
    """The schema: kind, ids, facet fields, sort keys, stored data, analysed text fields."""
    b = tantivy.SchemaBuilder()
    b.add_text_field("kind", tokenizer_name="raw", fast=True)
    b.add_integer_field("rid", stored=False, indexed=True, fast=True)
    b.add_integer_field("year", indexed=True, fast=True)
    for field in FACET_FIELDS:
        b.add_text_field(field, tokenizer_name="raw", fast=True)
    b.add_text_field("title_sort", tokenizer_name="raw", fast=True)
    b.add_bytes_field("data", stored=True)
    for field in FIELD_BOOSTS:  # main keys in order; the other keys need no positions
        b.add_text_field(f"{field}_w", tokenizer_name=TOKENIZER, index_option="position")
        b.add_text_field(f"{field}_x", tokenizer_name=TOKENIZER, index_option="freq")
    return b.build()


def register(index: tantivy.Index) -> None:
    """Register the whitespace analyzer the pre-tokenized fields are declared with."""
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer(TOKENIZER, analyzer)


def documents(doc: RecordDoc, analyzer: Analyzer) -> list[tantivy.Document]:
    """The record's document followed by one document per page with text."""
    record = tantivy.Document()
    record.add_text("kind", "record")
    record.add_integer("rid", doc.record_id)
    if doc.year is not None:
        record.add_integer("year", doc.year)
    facets = {
        "partner": [doc.partner],
        "country": [doc.country],
        "type": [doc.type],
        "language": list(doc.languages),
        "decade": [doc.decade] if doc.decade else [],
        "digitized": ["yes" if doc.digitized else "no"],
        "subject": list(doc.subjects),
    }
    for field, values in facets.items():
        for value in dict.fromkeys(values):
            if value:
                record.add_text(field, value)
    record.add_text("title_sort", fold(doc.title or "")[:200])
    record.add_bytes("data", json.dumps(_stored(doc), ensure_ascii=False).encode())
    lang = doc.lang
    pages = [p for p in doc.pages if p.text]
    analysed = [analyzer.analyse(p.text, p.lang or lang) for p in pages]
    texts = {
        "title": [doc.title, *doc.titles],
        "subject": list(doc.subjects),
        "creator": list(doc.creators),
        "description": [doc.description],
    }
    for field, values in texts.items():
        for value in values:
            if value:
                _add_text(record, field, analyzer.analyse(value, lang))
    if pages and doc.text == "\n".join([p.text for p in pages]):  # the pages' analyses serve
        _add_text(record, "text", _concatenated(analysed))
    elif doc.text:
        _add_text(record, "text", analyzer.analyse(doc.text, lang))
    out = [record]
    rid = doc.record_id
    for page, result in zip(pages, analysed, strict=True):
        document = tantivy.Document()
        document.add_text("kind", "page")
        document.add_integer("rid", rid)
        document.add_bytes(
            "data", f"{PAGE_MARK}{page.page_id} {rid} {page.order}\n{page.text}".encode()
        )
        _add_text(document, "text", result)
        out.append(document)
    return out


def _stored(doc: RecordDoc) -> dict[str, Any]:
    return {"record_id": doc.record_id, **doc.stored()}


def _concatenated(parts: list[Analysed]) -> Analysed:
    """One analysis of texts joined in order (the pages of a record)."""
    return Analysed("\n".join([p.main for p in parts]), " ".join([p.extra for p in parts]))


def _add_text(document: tantivy.Document, field: str, result: Analysed) -> None:
    """Index an analysed value: ``F_w`` the main keys (split on spaces by tantivy, one
    position per word), ``F_x`` the other keys of the words (when any)."""
    main, extra = result
    if main and not main.isspace():
        document.add_text(f"{field}_w", main)
        if extra and not extra.isspace():
            document.add_text(f"{field}_x", extra)


def stored(document: tantivy.Document) -> dict[str, Any]:
    """The stored data of a hit: a record's JSON, or a page's ids line and text."""
    data = document.get_first("data")
    if not data:
        return {}
    text = bytes(data).decode()
    if not text.startswith(PAGE_MARK):
        return json.loads(text)
    head, _, body = text.partition("\n")
    page_id, record_id, order = head[len(PAGE_MARK) :].split()
    return {"page_id": int(page_id), "record_id": int(record_id), "order": int(order), "text": body}


def facet_counts(
    searcher: tantivy.Searcher, schema: tantivy.Schema, base: list, plan: Plan
) -> dict[str, tuple[tuple[str, int], ...]]:
    """Counts per facet over all matches; a facet's own selection does not narrow it."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for field in FACET_FIELDS:
        others = tuple(sorted(f for f in plan.filters if f != field and plan.filters[f]))
        groups.setdefault(others, []).append(field)
    out: dict[str, tuple[tuple[str, int], ...]] = {}
    for others, fields in groups.items():
        clauses = base + filters_query(schema, {f: plan.filters[f] for f in others})
        aggs = {f: {"terms": {"field": f, "size": _size(f, plan)}} for f in fields}
        result = searcher.aggregate(Q.boolean_query(clauses), aggs)
        for field in fields:
            buckets = result.get(field, {}).get("buckets", [])
            out[field] = tuple((str(b["key"]), int(b["doc_count"])) for b in buckets)
    return out


def _size(field: str, plan: Plan) -> int:
    return plan.facet_size if field == "subject" else 1000


__all__ = ["Occur", "build_schema", "documents", "facet_counts", "register", "stored"]
