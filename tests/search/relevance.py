"""Running the relevance set: recall@10 and nDCG@10 of a search service (binary gains)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from search.backends import open_backend
from search.glossary import Glossary
from search.service import SearchService
from search.types import SearchQuery
from tests.search.relevance_set import QUERIES

K = 10


def indexed_service(catalog, folder: Path, glossary: Glossary, *, plain: bool) -> SearchService:
    """A search service over ``catalog`` on a tantivy index built in ``folder``
    (``plain``: folding only, the baseline ours is compared with)."""
    backend = open_backend(f"tantivy://{folder}", glossary=glossary, plain=plain)
    service = SearchService(catalog, backend, glossary=glossary, max_results=10_000, page_hits=3)
    service.reindex()
    return service


def ranked(service, text: str) -> list[str]:
    """OAI identifiers (demo ids) of the top K results."""
    return [h.oai_identifier for h in service.search(SearchQuery(text, page_size=K)).hits]


def recall(found: list[str], relevant: set[str]) -> float:
    return len(set(found[:K]) & relevant) / min(len(relevant), K)


def ndcg(found: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, rid in enumerate(found[:K]) if rid in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return dcg / ideal


def evaluate(service) -> dict[str, dict[str, float]]:
    """Mean recall@10 and nDCG@10 per category and over all (key ``all``)."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for category, text, relevant in QUERIES:
        found = ranked(service, text)
        for key in (category, "all"):
            sums[key][0] += recall(found, relevant)
            sums[key][1] += ndcg(found, relevant)
            sums[key][2] += 1
    return {key: {"recall": r / n, "ndcg": g / n, "queries": n} for key, (r, g, n) in sums.items()}


def misses(service) -> list[tuple[str, set[str]]]:
    """Queries whose top 10 lacks a relevant record, with what is missing."""
    out = []
    for _, text, relevant in QUERIES:
        missing = relevant - set(ranked(service, text))
        if missing:
            out.append((text, missing))
    return out
