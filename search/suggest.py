""" "Did you mean": the closest frequent word of the corpus's own vocabulary."""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from search.analysis import edit_distance

MIN_FREQUENCY = 1


def closest(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The vocabulary word nearest to ``word`` (≤ 1 edit under 6 letters, else ≤ 2),
    the most frequent among equally near ones; None when nothing is near enough."""
    found = nearest(word, vocabulary, 1)
    return found[0] if found else None


def nearest(word: str, vocabulary: Mapping[str, int], count: int) -> list[str]:
    """Up to ``count`` vocabulary words near ``word`` (see :func:`closest`), best first."""
    if len(word) < 3 or not word.isalpha():
        return []
    limit = 1 if len(word) < 6 else 2
    ranked: list[tuple[int, int, str]] = []
    for term, freq in vocabulary.items():
        if term == word or freq < MIN_FREQUENCY or abs(len(term) - len(word)) > limit:
            continue
        distance = edit_distance(word, term, limit)
        if distance <= limit:
            ranked.append((distance, -freq, term))
    return [term for _, _, term in heapq.nsmallest(count, ranked)]
