"""The search package's own types: what goes into a search and what comes out.

Frozen dataclasses; every backend speaks these and nothing else crosses the package
boundary. Highlights are HTML-safe strings: the text is escaped first, then hits are
wrapped in ``<mark>…</mark>``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from catalog.pagetext import Word

FACET_FIELDS = (
    "partner",
    "country",
    "type",
    "language",
    "decade",
    "digitized",
    "rights",
    "subject",
)
"""Facets counted over all matches, in display order."""

SORTS = ("relevance", "date_asc", "date_desc", "title")
"""Accepted values of :attr:`SearchQuery.sort`."""


@dataclasses.dataclass(frozen=True)
class SearchQuery:
    """One search: user text, filters (facet field → accepted values, OR within a field,
    AND across fields), sort, paging and the user's interface language."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    lang: str | None = None
    facets: bool = True


@dataclasses.dataclass(frozen=True)
class PageHit:
    """A matching page of a record: its id and order, a highlighted snippet, and the hit
    words with their boxes (master-image pixels)."""

    page_id: int
    order: int
    snippet: str
    boxes: tuple[Word, ...] = ()


@dataclasses.dataclass(frozen=True)
class Hit:
    """One matching record."""

    record_id: int
    oai_identifier: str
    partner: str
    title: str
    score: float
    highlights: tuple[str, ...] = ()
    page_hits: tuple[PageHit, ...] = ()
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """The answer to a :class:`SearchQuery`: total matches, one page of hits, facet
    counts over all matches, and a "did you mean" suggestion when one helps."""

    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]] = dataclasses.field(default_factory=dict)
    suggestion: str | None = None
    took_ms: float = 0.0
