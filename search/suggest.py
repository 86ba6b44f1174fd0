""" "Did you mean": the closest frequent word of the corpus's own vocabulary."""

from __future__ import annotations

from collections.abc import Mapping

from search.analysis import edit_distance

MIN_FREQUENCY = 1


def closest(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The vocabulary word nearest to ``word`` (≤ 1 edit under 6 letters, else ≤ 2),
    the most frequent among equally near ones; None when nothing is near enough."""
    if len(word) < 3 or not word.isalpha():
        return None
    limit = 1 if len(word) < 6 else 2
    best: tuple[int, int, str] | None = None
    for term, freq in vocabulary.items():
        if term == word or freq < MIN_FREQUENCY or abs(len(term) - len(word)) > limit:
            continue
        distance = edit_distance(word, term, limit)
        if distance > limit:
            continue
        key = (distance, -freq, term)
        if best is None or key < best:
            best = key
    return best[2] if best else None
