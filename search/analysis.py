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
import threading
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

import Stemmer

from search.spelling import modern_forms

# A word: letters and digits, apostrophes inside; accents written as combining marks
# (decomposed text) stay inside the word they belong to.
WORD = re.compile(r"\w[\w\u0300-\u036f]*(?:['’]\w[\w\u0300-\u036f]*)*")
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
    """Turns text into per-word keys; caches words and pieces of text once for every
    language, apart per language only where the language changes them (an old "ch")."""

    def __init__(self, *, plain: bool = False) -> None:
        self.plain = plain
        self._id = Stemmer.Stemmer("indonesian")
        self._en = Stemmer.Stemmer("english")
        for stemmer in (self._id, self._en):  # we cache per word; theirs costs 8x a stem
            stemmer.maxCacheSize = 0
        self.keys = functools.lru_cache(maxsize=200_000)(self._keys)
        self._entry = functools.lru_cache(maxsize=200_000)(self._new_entry)
        self._entries: dict[str, Entry] = {}  # words as written whose keys need no language
        # Pieces of text (see analyse): one pair of tables for every language, so that the
        # hot tables stay small (cache-friendly); a piece whose keys depend on the language
        # is kept per language apart, and found through the tables' __missing__.
        self._main = _Pieces(self, 0)
        self._extra = _Pieces(self, 1)
        self._bound: dict[str | None, dict[str, tuple[str, str]]] = {}
        self._local = threading.local()  # the language of the text being analysed

    def entry(self, surface: str, lang: str | None) -> Entry:
        """The cached :class:`Entry` of a word as written (folding is the costly step)."""
        found = self._entries.get(surface)
        if found is None:
            folded = fold(surface)
            if _language_bound(folded):
                return self._entry(folded, lang)
            if len(self._entries) >= MAX_CACHE:
                self._entries.clear()
            found = self._entries[surface] = self._entry(folded, None)
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
        stems = tuple(dict.fromkeys(map(self._id.stemWord, forms)))
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

        The text is split on white space (in C) and each distinct piece analysed once,
        then cached: its words (as :data:`WORD` finds them; "Sarawak," has one, "-" none,
        "Kapit/Sibu" two) with their main and other keys. The terms of a text are joined
        from the cache at C speed."""
        self._local.lang = lang
        pieces = text.split() if text else []
        main = " ".join(map(self._main.__getitem__, pieces))
        return Analysed(main, " ".join(map(self._extra.__getitem__, pieces)))

    def _piece(self, piece: str) -> tuple[str, str]:
        """The main keys and the other keys of the words of a piece not in the tables, in
        the language of the text being analysed; kept in the tables when the language
        does not matter to it (the tables are emptied when full: a lookup refills them)."""
        lang = getattr(self._local, "lang", None)
        bound = self._bound.get(lang)
        found = bound.get(piece) if bound is not None else None
        if found is not None:  # met before ("which", "such" in English: no folding again)
            return found
        if _language_bound(fold(piece)):
            if bound is None:
                bound = self._bound[lang] = {}
            elif len(bound) >= MAX_CACHE:
                bound.clear()
            found = bound[piece] = self._piece_keys(piece, lang)
            return found
        found = self._piece_keys(piece, None)
        if len(self._main) >= MAX_CACHE or len(self._extra) >= MAX_CACHE:
            self._main.clear()
            self._extra.clear()
        self._main[piece], self._extra[piece] = found
        return found

    def _piece_keys(self, piece: str, lang: str | None) -> tuple[str, str]:
        if piece.isalnum():  # one word (most pieces)
            entry = self.entry(piece, lang)
            return entry.main, entry.extra
        entries = [self.entry(word, lang) for word in WORD.findall(piece)]
        return " ".join([e.main for e in entries]), " ".join([e.extra for e in entries if e.extra])


class Entry(NamedTuple):
    """A word's keys, its main key (see :meth:`Analyzer.main_key`) and its other keys."""

    keys: dict[str, tuple[str, ...]]
    main: str
    extra: str


def other_keys(keys: dict[str, tuple[str, ...]], main: str) -> str:
    """A word's distinct keys of every kind but its main key, space-separated."""
    others = dict.fromkeys((*keys["w"], *keys["id"], *keys["en"]))
    others.pop(main, None)
    return " ".join(others)


class _Pieces(dict):
    """Piece of text → the main keys (``part`` 0) or the other keys (1) of its words,
    space-separated; a piece not in the table is analysed on lookup."""

    __slots__ = ("analyzer", "part")

    def __init__(self, analyzer: Analyzer, part: int) -> None:
        super().__init__()
        self.analyzer = analyzer
        self.part = part

    def __missing__(self, piece: str) -> str:
        return self.analyzer._piece(piece)[self.part]


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
