"""`SearchService`: searches, indexing from the catalogue, search inside a record.

The portal, the OCR worker and the CLI call this service, never a backend directly. It
parses and expands queries, asks the backend, and builds highlights, page hits, facets
and the "did you mean" suggestion in our own types.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

from sqlalchemy import select

from catalog.errors import InvalidInput
from catalog.models import Page, Record
from catalog.store import Catalog
from search import documents
from search.analysis import Analyzer
from search.backends import open_backend
from search.backends.base import Matches, Plan, SearchBackend
from search.expand import expand, relax
from search.glossary import Glossary
from search.glossary import load as load_glossary
from search.highlight import Matcher, boxes, highlight_value, query_words, snippet
from search.query import parse
from search.results import facet_values, page_hits_by_record
from search.settings import SearchSettings
from search.types import FACET_FIELDS, SORTS, Hit, PageHit, SearchQuery, SearchResult

MAX_PAGE_SIZE = 100


class _Original(NamedTuple):
    text: str
    words: list


class _PageText(NamedTuple):
    """What search inside reads of a page: its language, the words shown (corrected or
    OCR, ``Page.words`` rows) and, for a corrected page, the OCR as it was."""

    language: str | None
    shown_words: list
    original: _Original | None


SUGGEST_BELOW = 3


class SearchService:
    """Search over one catalogue through one backend."""

    def __init__(
        self,
        catalog: Catalog,
        backend: SearchBackend,
        *,
        glossary: Glossary | None = None,
        max_results: int,
        page_hits: int,
        batch: int = 200,
    ) -> None:
        """``max_results`` and ``page_hits`` as in :class:`search.settings.SearchSettings`
        (their defaults are the portal's config)."""
        self.catalog = catalog
        self.backend = backend
        self.analyzer: Analyzer = getattr(backend, "analyzer", None) or Analyzer()
        self.glossary = glossary if not self.analyzer.plain else None
        self.max_results = max_results
        self.page_hits = page_hits
        self.batch = batch

    @classmethod
    def from_settings(cls, catalog: Catalog, settings: SearchSettings) -> SearchService:
        """The service on the backend and glossary the settings name."""
        terms = load_glossary(settings.glossary)
        backend = open_backend(settings.target, glossary=terms)
        return cls(
            catalog,
            backend,
            glossary=terms,
            max_results=settings.max_results,
            page_hits=settings.page_hits,
        )

    # -- searching -----------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """One page of matching records with highlights, facet counts and a suggestion.

        Raises :class:`InvalidInput` for an unknown sort or facet, a bad page, or a page
        past ``max_results`` (deep paging is bounded; refine the search instead).
        """
        started = time.perf_counter()
        plan = self.plan(query)
        matches = self.backend.search(plan)
        hits = self._hits(matches, plan)
        suggestion = None
        if matches.total < SUGGEST_BELOW and plan.node is not None:
            suggestion = self._suggestion(query.text, plan)
        facets = facet_values(matches.facets, query.filters) if query.facets else {}
        took = (time.perf_counter() - started) * 1000
        return SearchResult(matches.total, hits, facets, suggestion, round(took, 2))

    def plan(self, query: SearchQuery) -> Plan:
        """Check a query and turn it into a backend plan."""
        if query.sort not in SORTS:
            raise InvalidInput(f"sort must be one of {', '.join(SORTS)}", argument="sort")
        unknown = sorted(set(query.filters) - set(FACET_FIELDS))
        if unknown:
            raise InvalidInput(f"cannot filter on {', '.join(unknown)}", filters=",".join(unknown))
        if query.page < 1:
            raise InvalidInput("page must be 1 or more", argument="page")
        if not 1 <= query.page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"page_size must be between 1 and {MAX_PAGE_SIZE}", argument="page_size"
            )
        offset = (query.page - 1) * query.page_size
        if offset + query.page_size > self.max_results:
            raise InvalidInput(
                f"only the first {self.max_results} results can be paged through; "
                "narrow the search with filters",
                argument="page",
                max_results=self.max_results,
            )
        filters = {k: tuple(str(v) for v in vs) for k, vs in query.filters.items() if vs}
        node = self.tree(query.text)
        return Plan(node, filters, query.sort, offset, query.page_size, query.facets)

    def tree(self, text: str):
        """The query tree of a text: parsed, glossary-expanded, function words relaxed."""
        node = expand(parse(text), self.glossary)
        return node if self.analyzer.plain else relax(node)

    def _hits(self, matches: Matches, plan: Plan) -> tuple[Hit, ...]:
        matcher = Matcher(plan.node, self.analyzer, expand=self.glossary is not None)
        ids = [m.record_id for m in matches.hits]
        pages = self.backend.pages(plan, ids, limit=max(50, 10 * len(ids))) if matcher else []
        by_record = page_hits_by_record(pages, matcher, self.page_hits)
        out = []
        for match in matches.hits:
            stored = match.stored
            page_hits = by_record.get(match.record_id, ())
            highlights = self._highlights(stored, matcher)
            if page_hits:
                highlights = (*highlights, page_hits[0].snippet)
            fields = {
                k: v for k, v in stored.items() if k not in ("oai_identifier", "partner", "title")
            }
            out.append(
                Hit(
                    match.record_id,
                    stored.get("oai_identifier", ""),
                    stored.get("partner", ""),
                    stored.get("title") or "",
                    match.score,
                    highlights,
                    page_hits,
                    fields,
                )
            )
        return tuple(out)

    def _highlights(self, stored: dict, matcher: Matcher) -> tuple[str, ...]:
        if not matcher:
            return ()
        out = []
        for value in [
            stored.get("title") or "",
            *stored.get("titles", ()),
            *stored.get("subjects", ()),
            *stored.get("creators", ()),
        ]:
            marked = highlight_value(value, matcher)
            if marked:
                out.append(marked)
        described = snippet(stored.get("description") or "", matcher)
        if described:
            out.append(described)
        return tuple(out)

    def _suggestion(self, text: str, plan: Plan) -> str | None:
        words = query_words(plan.node)
        keys = {w: self.analyzer.query_keys(w)["w"][0] for w in words}
        found = self.backend.suggest(sorted(set(keys.values())))
        if not found:
            return None
        fixed = text
        for word, key in keys.items():
            if key in found:
                fixed = re.sub(rf"(?i)\b{re.escape(word)}\b", found[key], fixed)
        return fixed if fixed.casefold() != text.casefold() else None

    def search_inside(
        self, record_id: int, text: str, lang: str | None = None
    ) -> tuple[PageHit, ...]:
        """Pages of one record matching ``text``, in page order, with snippets and hit boxes."""
        node = self.tree(text)
        if node is None:
            return ()
        plan = Plan(node, facets=False)
        matches = self.backend.pages(plan, [record_id], limit=10_000)
        matcher = Matcher(node, self.analyzer, expand=self.glossary is not None)
        texts = self._page_texts([m.page_id for m in matches])
        out = []
        for m in sorted(matches, key=lambda m: m.order):
            page = texts.get(m.page_id) or _PageText(None, [], None)
            page_lang = page.language or lang
            found = boxes(page.shown_words, matcher, page_lang)
            text_snippet = snippet(m.text, matcher, page_lang)
            if page.original is not None and not found:  # a word only the OCR read
                found = boxes(page.original.words, matcher, page_lang)
                text_snippet = text_snippet or snippet(page.original.text, matcher, page_lang)
            out.append(PageHit(m.page_id, m.order, text_snippet or "", found))
        return tuple(out)

    def _page_texts(self, page_ids: list[int]) -> dict[int, _PageText]:
        """The words of these pages: the corrected ones of a corrected page (its OCR as
        ``original``), else the OCR's."""
        if not page_ids:
            return {}
        columns = (Page.id, Page.language, Page.text, Page.words, Page.corrected_words)
        with self.catalog.session() as s:
            rows = s.execute(select(*columns).where(Page.id.in_(page_ids)))
            out = {}
            for pid, language, text, words, corrected in rows:
                if corrected is None:
                    out[pid] = _PageText(language, words or [], None)
                else:
                    out[pid] = _PageText(language, corrected, _Original(text or "", words or []))
            return out

    # -- indexing ------------------------------------------------------------------------

    def index_records(self, record_ids: Iterable[int]) -> int:
        """Index these records with their pages; deleted, hidden and unknown ones are
        removed from the index. Returns how many records were indexed."""
        ids = list(record_ids)
        done = 0
        for start in range(0, len(ids), self.batch):
            docs, gone = documents.load(self.catalog, ids[start : start + self.batch])
            done += self.backend.index(docs)
            self.backend.remove(gone)
        return done

    def remove_records(self, record_ids: Iterable[int]) -> None:
        """Remove records and their pages from the index."""
        self.backend.remove(list(record_ids))

    def reindex(
        self, partner: str | None = None, progress: Callable[[int], None] | None = None
    ) -> int:
        """Rebuild the index from the catalogue (all partners: a new index swapped in with
        no empty moment; one partner: its records re-indexed in place). Returns the count."""
        if partner is None:
            return self.backend.rebuild(documents.iter_all(self.catalog), progress)
        with self.catalog.session() as s:
            ids = list(s.scalars(select(Record.id).where(Record.partner_id == partner)))
        done = 0
        for start in range(0, len(ids), self.batch):
            chunk = ids[start : start + self.batch]
            done += self.index_records(chunk)
            if progress:
                progress(len(chunk))
        return done

    def count_to_index(self, partner: str | None = None) -> int:
        """How many records a reindex will go through (for progress bars)."""
        return documents.count_live(self.catalog, partner)
