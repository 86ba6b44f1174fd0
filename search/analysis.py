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
import operator
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

import Stemmer

from search.spelling import modern_forms

WORD = re.compile(r"\w+(?:['’]\w+)*")
PLAIN_WORD = re.compile(r"\w+")  # the same words in a text without apostrophes
KINDS = ("w", "id", "en")
UNPOSITIONED = frozenset({"w"})  # indexed without positions (no phrases over it)
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
        for stemmer in (self._id, self._en):  # we cache per word; theirs costs 8x a stem
            stemmer.maxCacheSize = 0
        self.keys = functools.lru_cache(maxsize=200_000)(self._keys)
        self._caches: dict[str | None, _Cache] = {}

    def _cache(self, lang: str | None) -> _Cache:
        found = self._caches.get(lang)
        if found is None:
            found = self._caches[lang] = _Cache()
        return found

    def entry(self, surface: str, lang: str | None) -> Entry:
        """The cached :class:`Entry` of a word as written (folding is the costly step)."""
        cache = self._cache(lang)
        found = cache.entries.get(surface)
        if found is None:
            if len(cache.entries) >= MAX_CACHE:
                cache.clear()
            found = cache.add(surface, self.keys(fold(surface), lang))
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
        """The keys of every word of ``text``, ready to index (see :class:`Analysed`).

        Each distinct word is analysed once per language (then cached); the terms of a
        text are joined from per-kind dictionaries of first keys, at C speed."""
        text = text or ""
        words = (WORD if "'" in text or "’" in text else PLAIN_WORD).findall(text)
        cache = self._cache(lang)
        if len(cache.entries) + len(words) > MAX_CACHE:
            cache.clear()  # before, not while, filling: every word stays cached below
        try:
            return _joined(text, words, cache)
        except KeyError:  # words not seen yet (most texts have none)
            for surface in set(words).difference(cache.entries):
                cache.add(surface, self.keys(fold(surface), lang))
            return _joined(text, words, cache)


def _joined(text: str, words: list[str], cache: _Cache) -> Analysed:
    """:class:`Analysed` of a text whose words are all cached (KeyError otherwise)."""
    terms: list[str | None] = []
    pick = operator.itemgetter(*words) if len(words) > 1 else None
    for index in range(len(KINDS)):
        several = cache.several[index]
        if several and not several.isdisjoint(words):
            terms.append(None)
        elif pick is not None:
            terms.append(" ".join(pick(cache.firsts[index])))
        else:
            terms.append(" ".join([cache.firsts[index][w] for w in words]))
    entries = None
    if None in terms:
        entries = list(map(cache.entries.__getitem__, words))
    return Analysed(text, len(words), tuple(terms), entries)


class Entry(NamedTuple):
    """A word's keys, the first key of each kind, and whether any kind has several."""

    keys: dict[str, tuple[str, ...]]
    firsts: tuple[str, str, str]
    several: bool


class _Cache:
    """Entries of the words seen in one language, and per kind: each word's first key,
    and the words with alternative keys."""

    __slots__ = ("entries", "firsts", "several")

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.firsts: tuple[dict[str, str], ...] = tuple({} for _ in KINDS)
        self.several: tuple[set[str], ...] = tuple(set() for _ in KINDS)

    def clear(self) -> None:
        self.entries.clear()
        for firsts, several in zip(self.firsts, self.several, strict=True):
            firsts.clear()
            several.clear()

    def add(self, surface: str, keys: dict[str, tuple[str, ...]]) -> Entry:
        firsts = tuple(keys[k][0] for k in KINDS)
        several = False
        for index, kind in enumerate(KINDS):
            if kind in UNPOSITIONED:  # order within a text is no matter: every key goes in
                self.firsts[index][surface] = " ".join(keys[kind])
                several = several or len(keys[kind]) > 1
                continue
            self.firsts[index][surface] = firsts[index]
            if len(keys[kind]) > 1:
                self.several[index].add(surface)
                several = True
        entry = self.entries[surface] = Entry(keys, firsts, several)  # type: ignore[arg-type]
        return entry


@dataclasses.dataclass(frozen=True)
class Analysed:
    """A text analysed for indexing: its word count, and per kind the keys as
    space-separated terms (one per word), or None when some word has alternative keys of
    that kind (then :meth:`tokens` keeps them at one position, from ``entries``)."""

    text: str
    count: int
    joined: tuple[str | None, ...]
    entries: list[Entry] | None = None
    memo: dict = dataclasses.field(default_factory=dict, compare=False)  # per-text results

    def terms(self, kind: str) -> str | None:
        """The ``kind`` keys as space-separated terms; None when some word has several."""
        return self.joined[KINDS.index(kind)]

    def tokens(self, kind: str) -> list[tuple[str, int, int, int]]:
        """``(term, position, start, end)`` for every key of ``kind`` (computed once)."""
        found = self.memo.get(kind)
        if found is None:
            entries = self.entries
            if entries is None:
                raise ValueError("tokens are only kept for texts with alternative keys")
            spans = [m.span() for m in WORD.finditer(self.text)]
            found = self.memo[kind] = [
                (term, position, start, end)
                for position, ((start, end), e) in enumerate(zip(spans, entries, strict=True))
                for term in e.keys[kind]
            ]
        return found


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
