"""Backend matches turned into the contract types (facet values, page hits)."""

from __future__ import annotations

from collections.abc import Iterable

from search.backends.base import PageMatch
from search.highlight import Matcher, snippet
from search.types import FACET_FIELDS, FacetValue, PageHit


def facet_values(
    counts: dict[str, tuple[tuple[str, int], ...]], filters: dict[str, tuple[str, ...]]
) -> dict[str, tuple[FacetValue, ...]]:
    """Facets in display order; selected values always listed (with 0 when none match)."""
    out = {}
    for field in FACET_FIELDS:
        selected = set(filters.get(field, ()))
        values = [FacetValue(v, n, v in selected) for v, n in counts.get(field, ())]
        present = {v.value for v in values}
        values += [FacetValue(v, 0, True) for v in sorted(selected - present)]
        if field == "decade":
            values.sort(key=lambda v: v.value)
        out[field] = tuple(values)
    return out


def page_hits_by_record(
    pages: Iterable[PageMatch], matcher: Matcher, per_record: int
) -> dict[int, tuple[PageHit, ...]]:
    """Up to ``per_record`` best pages of each record, with marked snippets."""
    grouped: dict[int, list[PageHit]] = {}
    for page in pages:
        bucket = grouped.setdefault(page.record_id, [])
        if len(bucket) >= per_record:
            continue
        text = snippet(page.text, matcher)
        if text:
            bucket.append(PageHit(page.page_id, page.order, text))
    return {rid: tuple(hits) for rid, hits in grouped.items()}
