"""The `SearchBackend` protocol every engine implements, and what crosses it.

A backend stores :class:`search.documents.RecordDoc` (with their pages) and answers a
:class:`Plan` — the parsed query tree plus filters, sort and paging — with our own
:class:`Matches`; no engine object leaves a backend. Snippets and highlights are built
by :mod:`search.highlight` from the stored text the backend returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

from search.documents import RecordDoc
from search.query import Node

FIELD_BOOSTS = {"title": 5.0, "subject": 3.0, "creator": 2.5, "description": 1.5, "text": 1.0}
"""Weights of the text fields: title > subject > creator > description > full text."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """One search for a backend: tree (None = everything), filters, sort, window."""

    node: Node | None
    filters: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    facet_size: int = 20
    fuzzy: bool = True
    expand: bool = True


@dataclasses.dataclass(frozen=True)
class RecordMatch:
    record_id: int
    score: float
    stored: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class PageMatch:
    page_id: int
    record_id: int
    order: int
    score: float
    text: str


@dataclasses.dataclass(frozen=True)
class Matches:
    """Total matching records, the requested window, facet counts over all matches."""

    total: int
    hits: tuple[RecordMatch, ...]
    facets: dict[str, tuple[tuple[str, int], ...]] = dataclasses.field(default_factory=dict)


Progress = Callable[[int], None]


@runtime_checkable
class SearchBackend(Protocol):
    """What the search service needs from an engine."""

    name: str

    def index(self, docs: Iterable[RecordDoc]) -> int:
        """Add or replace records (and their pages); visible to searches on return."""

    def remove(self, record_ids: Iterable[int]) -> None:
        """Remove records and their pages (unknown ids are fine)."""

    def rebuild(self, docs: Iterable[RecordDoc], progress: Progress | None = None) -> int:
        """Replace the whole index by ``docs`` with no moment of an empty index."""

    def search(self, plan: Plan) -> Matches:
        """Records matching the plan."""

    def pages(self, plan: Plan, record_ids: Iterable[int], limit: int = 50) -> list[PageMatch]:
        """Pages of these records matching the plan's tree, best first."""

    def suggest(self, words: list[str]) -> dict[str, str]:
        """For query words absent from the corpus, the closest frequent corpus word."""

    def count(self) -> int:
        """Number of records indexed."""

    def clear(self) -> None:
        """Remove everything (tests, `reindex` of an empty catalogue)."""

    def close(self) -> None:
        """Release files and connections."""
