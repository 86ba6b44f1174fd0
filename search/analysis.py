"""Text analysis shared by indexing, queries and highlighting (pure functions).

A word is folded (Unicode compatibility decomposition, accents dropped, lower case), its
old spelling mapped to the modern form(s) (:mod:`search.spelling`), then stemmed twice:
Snowball Indonesian (the stemmer of Elasticsearch's ``indonesian`` analyzer; it serves
Malay too) and Snowball English. Each word therefore has three kinds of key:

* ``w``  — the modern, unstemmed form(s): phrases, prefixes, fuzzy matching, suggestions;
* ``id`` — the Indonesian/Malay stem(s) of the modern form(s);
* ``en`` — the English stem of the folded word (English is not respelled).

:class:`Analyzer` with ``plain=True`` skips stemming and respelling (the baseline of
``bench/relevance.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

import Stemmer

from search.spelling import modern_forms

WORD = re.compile(r"\w+(?:['’]\w+)*")
KINDS = ("w", "id", "en")
MAX_WORD = 60
MAX_CACHE = 500_000


def fold(text: str) -> str:
    """Lower-case ``text`` without accents (é→e, ĕ→e), compatibility forms unified."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclasses.dataclass(frozen=True)
class Word:
    """A word of a text: where it is (character offsets), its surface and keys."""

    start: int
    end: int
    surface: str
    keys: dict[str, tuple[str, ...]]

    def all_keys(self) -> set[tuple[str, str]]:
        return {(kind, key) for kind, values in self.keys.items() for key in values}


class Analyzer:
    """Turns text into per-word keys; caches per (word, language)."""

    def __init__(self, *, plain: bool = False) -> None:
        self.plain = plain
        self._id = Stemmer.Stemmer("indonesian")
        self._en = Stemmer.Stemmer("english")
        self.keys = functools.lru_cache(maxsize=200_000)(self._keys)
        self._entries: dict[str | None, dict[str, Entry]] = {}

    def entry(self, surface: str, lang: str | None) -> Entry:
        """The cached :class:`Entry` of a word as written (folding is the costly step)."""
        cache = self._entries.setdefault(lang, {})
        found = cache.get(surface)
        if found is None:
            keys = self.keys(fold(surface), lang)
            found = Entry(
                keys, tuple(keys[k][0] for k in KINDS), any(len(keys[k]) > 1 for k in KINDS)
            )
            if len(cache) >= MAX_CACHE:
                cache.clear()
            cache[surface] = found
        return found

    def _keys(self, folded: str, lang: str | None) -> dict[str, tuple[str, ...]]:
        """Keys of one folded word (see the module docstring)."""
        folded = folded.replace("’", "").replace("'", "")[:MAX_WORD]
        if self.plain:
            return {"w": (folded,), "id": (folded,), "en": (folded,)}
        forms = modern_forms(folded, lang)
        stems = tuple(dict.fromkeys(self._id.stemWord(f) for f in forms))
        return {"w": forms, "id": stems, "en": (self._en.stemWord(folded),)}

    def words(self, text: str, lang: str | None = None) -> Iterator[Word]:
        """The words of ``text`` with offsets into ``text`` and their keys."""
        for match in WORD.finditer(text or ""):
            surface = match.group()
            yield Word(match.start(), match.end(), surface, self.entry(surface, lang).keys)

    def query_keys(self, word: str) -> dict[str, tuple[str, ...]]:
        """Keys of a query word: every reading of an old spelling (language unknown)."""
        return self.keys(fold(word), None)

    def analyse(self, text: str, lang: str | None = None) -> Analysed:
        """The keys of every word of ``text``, ready to index (see :class:`Analysed`)."""
        words = WORD.findall(text or "")
        out = list(map(self._entries.setdefault(lang, {}).get, words))  # cached: C speed
        if None in out:
            out = [
                e if e is not None else self.entry(w, lang) for e, w in zip(out, words, strict=True)
            ]
        return Analysed(text, out)


class Entry(NamedTuple):
    """A word's keys, the first key of each kind, and whether any kind has several."""

    keys: dict[str, tuple[str, ...]]
    firsts: tuple[str, str, str]
    several: bool


@dataclasses.dataclass(frozen=True)
class Analysed:
    """A text with the :class:`Entry` of each of its words, in order."""

    text: str
    entries: list[Entry]
    _terms: dict[str, str | None] = dataclasses.field(default_factory=dict, compare=False)

    def terms(self, kind: str) -> str | None:
        """The ``kind`` keys as space-separated terms, one per word; None when some word
        has alternative forms (then use :meth:`tokens`, which keeps them at one position).
        Computed once per kind (a page's terms serve its page and its record)."""
        if kind not in self._terms:
            index = KINDS.index(kind)
            several = [e for e in self.entries if e.several]
            if any(len(e.keys[kind]) > 1 for e in several):
                self._terms[kind] = None
            else:
                self._terms[kind] = " ".join([e.firsts[index] for e in self.entries])
        return self._terms[kind]

    def tokens(self, kind: str) -> list[tuple[str, int, int, int]]:
        """``(term, position, start, end)`` for every key of ``kind``."""
        spans = [m.span() for m in WORD.finditer(self.text)]
        return [
            (term, position, start, end)
            for position, ((start, end), e) in enumerate(zip(spans, self.entries, strict=True))
            for term in e.keys[kind]
        ]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of two short strings, cut off at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def fuzzy_distance(word: str) -> int:
    """How many edits a query word of this length may have (OCR tolerance): 0, 1 or 2."""
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0
