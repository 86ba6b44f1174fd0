"""Schema, documents and facet counting of the tantivy backend."""

from __future__ import annotations

import json
from typing import Any

import tantivy

from search.analysis import KINDS, UNPOSITIONED, Analysed, Analyzer, fold
from search.backends.base import FIELD_BOOSTS, Plan
from search.backends.tantivy_query import Occur, Q, filters_query
from search.documents import RecordDoc
from search.types import FACET_FIELDS

TOKENIZER = "whitespace"


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
    for field in FIELD_BOOSTS:
        for kind in KINDS:  # phrases use the stems: the plain forms need no positions
            option = "freq" if kind in UNPOSITIONED else "position"
            b.add_text_field(f"{field}_{kind}", tokenizer_name=TOKENIZER, index_option=option)
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
        _add_text(record, field, [v for v in values if v], lang, analyzer)
    if pages and doc.text == "\n".join(p.text for p in pages):
        _add_text(record, "text", [p.text for p in pages], lang, analyzer, analysed)
    elif doc.text:
        _add_text(record, "text", [doc.text], lang, analyzer)
    out = [record]
    for page, tokens in zip(pages, analysed, strict=True):
        document = tantivy.Document()
        document.add_text("kind", "page")
        document.add_integer("rid", doc.record_id)
        data = {
            "page_id": page.page_id,
            "record_id": doc.record_id,
            "order": page.order,
            "text": page.text,
        }
        document.add_bytes("data", json.dumps(data, ensure_ascii=False).encode())
        _add_text(document, "text", [page.text], page.lang or lang, analyzer, [tokens])
        out.append(document)
    return out


def _stored(doc: RecordDoc) -> dict[str, Any]:
    return {"record_id": doc.record_id, **doc.stored()}


def _add_text(
    document: tantivy.Document,
    field: str,
    values: list[str],
    lang: str | None,
    analyzer: Analyzer,
    analysed: list[Analysed] | None = None,
) -> None:
    """Index the values of a field; ``analysed`` reuses analyses already made for the
    values (page text serves the page and the record). A value whose words have one key
    each goes in as space-separated terms (tokenized in Rust); one with alternative forms
    of a word goes in pre-tokenized, the forms sharing a position."""
    for number, value in enumerate(values):
        result = analysed[number] if analysed else analyzer.analyse(value, lang)
        if not result.count:
            continue
        for kind in KINDS:
            name = f"{field}_{kind}"
            terms = result.terms(kind)
            if terms is not None:
                document.add_text(name, terms)
                continue
            pre = result.memo.get(("tantivy", kind))  # a page's serves its record too
            if pre is None:
                tokens = [tantivy.Token(t, pos, a, b) for t, pos, a, b in result.tokens(kind)]
                pre = result.memo[("tantivy", kind)] = tantivy.PreTokenizedString(value, tokens)
            document.add_pre_tokenized_text(name, pre)


def stored(document: tantivy.Document) -> dict[str, Any]:
    """The stored data of a hit."""
    data = document.get_first("data")
    return json.loads(bytes(data).decode()) if data else {}


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
