"""Text analysis shared by indexing, queries and highlighting (pure functions).

A word is folded (Unicode compatibility decomposition, accents dropped, lower case), its
old spelling mapped to the modern form(s) (:mod:`search.spelling`), then stemmed twice:
Snowball Indonesian (the stemmer of Elasticsearch's ``indonesian`` analyzer; it serves
Malay too) and Snowball English. Each word therefore has three kinds of key:

* ``w``  — the modern, unstemmed form(s): phrases, prefixes, fuzzy matching, suggestions;
* ``id`` — the Indonesian/Malay stem(s) of the modern form(s);
* ``en`` — the English stem of the folded word (English is not respelled).

For indexing, :meth:`Analyzer.analyse` gives each word a *main* key, both stemmers applied
to its first modern form (one per word, at the word's position, for phrases), and its
*other* keys, every key above unlike the main key, as space-separated terms.

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
        for stemmer in (self._id, self._en):  # we cache per word; theirs costs 8x a stem
            stemmer.maxCacheSize = 0
        self.keys = functools.lru_cache(maxsize=200_000)(self._keys)
        self._entry = functools.lru_cache(maxsize=200_000)(self._new_entry)
        self._pieces: dict[str, tuple[str, str]] = {}  # see _Cache.piece
        self._caches: dict[str | None, _Cache] = {}

    def _cache(self, lang: str | None) -> _Cache:
        found = self._caches.get(lang)
        if found is None:
            found = self._caches[lang] = _Cache(self, lang)
        return found

    def entry(self, surface: str, lang: str | None) -> Entry:
        """The cached :class:`Entry` of a word as written (folding is the costly step)."""
        cache = self._cache(lang)
        found = cache.entries.get(surface)
        if found is None:
            if len(cache.entries) >= MAX_CACHE:
                cache.clear()
            found = cache.add(surface)
        return found

    def _new_entry(self, folded: str, lang: str | None) -> Entry:
        keys = self.keys(folded, lang)
        main = self.main_key(keys)
        return Entry(keys, main, other_keys(keys, main))

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

    def main_key(self, keys: dict[str, tuple[str, ...]]) -> str:
        """The key a word is indexed under at its position: both stemmers applied to its
        first modern form, so that phrases tolerate Indonesian/Malay and English endings
        alike ("folk tales" ~ "folk tale", "rumah kerajaan" ~ "rumah raja")."""
        if self.plain:
            return keys["w"][0]
        return self._en.stemWord(keys["id"][0])

    def query_keys(self, word: str) -> dict[str, tuple[str, ...]]:
        """Keys of a query word: every reading of an old spelling (language unknown)."""
        return self.keys(fold(word), None)

    def analyse(self, text: str, lang: str | None = None) -> Analysed:
        """The keys of every word of ``text``, ready to index (see :class:`Analysed`).

        The text is split on white space (in C) and each distinct piece analysed once per
        language, then cached: its words (as :data:`WORD` finds them; "Sarawak," has one,
        "-" none, "Kapit/Sibu" two) with their main and other keys. The terms of a text
        are joined from the cache at C speed."""
        cache = self._caches.get(lang) or self._cache(lang)
        pieces = text.split() if text else []
        if len(cache.main) + len(pieces) > MAX_CACHE:
            cache.clear()  # before, not while, filling: every piece stays cached below
        main = " ".join(map(cache.main.__getitem__, pieces))  # fills cache.extra too
        return _new_analysed(Analysed, (main, " ".join(map(cache.extra.__getitem__, pieces))))


class Entry(NamedTuple):
    """A word's keys, its main key (see :meth:`Analyzer.main_key`) and its other keys."""

    keys: dict[str, tuple[str, ...]]
    main: str
    extra: str


def other_keys(keys: dict[str, tuple[str, ...]], main: str) -> str:
    """A word's distinct keys of every kind but its main key, space-separated."""
    others = dict.fromkeys(key for kind in KINDS for key in keys[kind])
    others.pop(main, None)
    return " ".join(others)


class _Pieces(dict):
    """Main keys of the words of white-space-separated pieces of text; a piece not seen
    yet is analysed on lookup (by :meth:`_Cache.piece`)."""

    __slots__ = ("cache",)

    def __init__(self, cache: _Cache) -> None:
        super().__init__()
        self.cache = cache

    def __missing__(self, piece: str) -> str:
        return self.cache.piece(piece)


class _Cache:
    """One language's analyses: entries of words as written, and per white-space piece of
    text the main keys and the other keys of its words, space-separated."""

    __slots__ = ("analyzer", "entries", "extra", "lang", "main")

    def __init__(self, analyzer: Analyzer, lang: str | None) -> None:
        self.analyzer = analyzer
        self.lang = lang
        self.entries: dict[str, Entry] = {}
        self.main: dict[str, str] = _Pieces(self)
        self.extra: dict[str, str] = {}

    def clear(self) -> None:
        self.entries.clear()
        self.main.clear()
        self.extra.clear()

    def add(self, surface: str) -> Entry:
        folded = fold(surface)
        lang = self.lang if _language_bound(folded) else None
        entry = self.entries[surface] = self.analyzer._entry(folded, lang)
        return entry

    def piece(self, piece: str) -> str:
        """Analyse a piece of text (see :class:`_Pieces`); the same in every language
        unless a word of it has an old "ch", so shared by the languages' caches."""
        shared = self.analyzer._pieces
        found = shared.get(piece)
        if found is None:
            if piece.isalnum():  # one word (most pieces)
                entry = self.entries.get(piece) or self.add(piece)
                found = (entry.main, entry.extra)
            else:
                entries = [self.entries.get(w) or self.add(w) for w in WORD.findall(piece)]
                found = (
                    " ".join([e.main for e in entries]),
                    " ".join([e.extra for e in entries if e.extra]),
                )
            if not _language_bound(fold(piece)):
                if len(shared) >= MAX_CACHE:
                    shared.clear()
                shared[piece] = found
        main, self.extra[piece] = found
        self.main[piece] = main
        return main


def _language_bound(folded: str) -> bool:
    """Whether the keys of a folded text depend on its language: only an old "ch" reads
    differently (kh in Indonesian, c in Malay; see :func:`search.spelling.modern_forms`)."""
    return "ch" in folded.replace("'", "").replace("’", "")


class Analysed(NamedTuple):
    """A text analysed for indexing: ``main``, the main key of every word in order (one
    position each, for phrases), and ``extra``, the other keys of the words (modern forms,
    readings and stems unlike the main key), order no matter; both space-separated."""

    main: str
    extra: str

    @property
    def empty(self) -> bool:
        """No words at all."""
        return not self.main or self.main.isspace()


_new_analysed = tuple.__new__  # Analysed(main, extra) without the Python-level __new__


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
