"""Schema, documents and facet counting of the tantivy backend."""

from __future__ import annotations

import json
from typing import Any

import tantivy

from search.analysis import Analyzer, fold
from search.backends.base import FIELD_BOOSTS, Plan
from search.backends.tantivy_query import Occur, Q, filters_query, text_field
from search.documents import RecordDoc
from search.types import FACET_FIELDS

TOKENIZER = "words"
MAX_TERM = 80  # bytes: longer "words" (OCR noise, runs of digits) are not indexed
PAGE_MARK = "p:"  # a page's stored data: "p:<page id> <record id> <order>" and its text


def build_schema() -> tantivy.Schema:
    """The schema (one for both indexes): ids, facet fields, sort keys, stored data, text."""
    b = tantivy.SchemaBuilder()
    b.add_integer_field("rid", stored=False, indexed=True, fast=True)
    b.add_integer_field("year", indexed=True, fast=True)
    for field in FACET_FIELDS:
        b.add_text_field(field, tokenizer_name="raw", fast=True)
    b.add_text_field("title_sort", tokenizer_name="raw", fast=True)
    b.add_bytes_field("data", stored=True)
    for field in FIELD_BOOSTS:  # the words as written, with positions (phrases)
        b.add_text_field(text_field(field), tokenizer_name=TOKENIZER, index_option="position")
    return b.build()


def word_analyzer() -> tantivy.TextAnalyzer:
    """Words as indexed: split at whatever is not a letter or digit, long ones dropped,
    lower case, accents folded (see :meth:`search.analysis.Analyzer.index_text`)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TERM))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def register(index: tantivy.Index) -> None:
    """Register the analyzer the text fields are declared with."""
    index.register_tokenizer(TOKENIZER, word_analyzer())


def documents(
    doc: RecordDoc, analyzer: Analyzer, words: set[str] | None = None
) -> list[tantivy.Document]:
    """The record's document followed by one document per page with text; ``words``, when
    given, collects the pieces of text indexed (for the vocabulary of an update)."""

    def add(document: tantivy.Document, field: str, text: str) -> None:
        document.add_text(text_field(field), text)
        if words is not None:
            words.update(text.split())

    record = tantivy.Document()
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
        "rights": [doc.rights] if doc.rights else [],
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
    prepared = [analyzer.index_text(p.searched, p.lang or lang) for p in pages]
    texts = {
        "title": [doc.title, *doc.titles],
        "subject": list(doc.subjects),
        "creator": list(doc.creators),
        "description": [doc.description],
    }
    for field, values in texts.items():
        for value in values:
            if value:
                add(record, field, analyzer.index_text(value, lang))
    if pages and doc.text == "\n".join([p.searched for p in pages]):  # prepared already
        record.add_text("text_t", "\n".join(prepared))  # the pages' words, collected below
    elif doc.text:
        add(record, "text", analyzer.index_text(doc.text, lang))
    out = [record]
    rid = doc.record_id
    for page, text in zip(pages, prepared, strict=True):
        document = tantivy.Document()
        document.add_integer("rid", rid)
        document.add_bytes(
            "data", f"{PAGE_MARK}{page.page_id} {rid} {page.order}\n{page.text}".encode()
        )
        add(document, "text", text)
        out.append(document)
    return out


def _stored(doc: RecordDoc) -> dict[str, Any]:
    return {"record_id": doc.record_id, **doc.stored()}


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


__all__ = [
    "Occur",
    "build_schema",
    "documents",
    "facet_counts",
    "register",
    "stored",
    "text_field",
]
