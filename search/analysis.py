"""Text analysis shared by indexing, queries and highlighting (pure functions).

A word is folded (Unicode compatibility decomposition, accents dropped, lower case), its
old spelling mapped to the modern form(s) (:mod:`search.spelling`), then stemmed twice:
Snowball Indonesian (the stemmer of Elasticsearch's ``indonesian`` analyzer; it serves
Malay too) and Snowball English. Each word therefore has three kinds of key:

* ``w``  — the modern, unstemmed form(s): phrases, prefixes, fuzzy matching, suggestions;
* ``id`` — the Indonesian/Malay stem(s) of the modern form(s);
* ``en`` — the English stem of the folded word (English is not respelled).

A word's *main* key is both stemmers applied to its first modern form; phrases compare
words by it ("folk tales" ~ "folk tale").

The embedded engine indexes words as written (tantivy splits and folds them, after
:meth:`Analyzer.index_text` has joined what it would split wrongly) and analyses each
*distinct* indexed word once, into its vocabulary (:mod:`search.backends.tantivy_vocab`);
highlighting analyses the words of a shown text with :meth:`Analyzer.words`.

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

# A word: letters and digits, apostrophes inside; accents written as combining marks
# (decomposed text) stay inside the word they belong to.
WORD = re.compile(r"\w[\w\u0300-\u036f]*(?:['’]\w[\w\u0300-\u036f]*)*")
MAX_WORD = 60
MAX_CACHE = 500_000
APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
CH = re.compile("ch", re.IGNORECASE)


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
    """Turns words into keys (cached), and texts into what the embedded engine indexes."""

    def __init__(self, *, plain: bool = False) -> None:
        self.plain = plain
        self._id = Stemmer.Stemmer("indonesian")
        self._en = Stemmer.Stemmer("english")
        for stemmer in (self._id, self._en):  # we cache per word; theirs costs 8x a stem
            stemmer.maxCacheSize = 0
        self.keys = functools.lru_cache(maxsize=200_000)(self._keys)
        self._entry = functools.lru_cache(maxsize=200_000)(self._new_entry)
        self._entries: dict[str, Entry] = {}  # words as written whose keys need no language

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
        return Entry(keys, self.main_key(keys))

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
        """The key phrases compare a word by: both stemmers applied to its first modern
        form, so that phrases tolerate Indonesian/Malay and English endings alike
        ("folk tales" ~ "folk tale", "rumah kerajaan" ~ "rumah raja")."""
        if self.plain:
            return keys["w"][0]
        return self._en.stemWord(keys["id"][0])

    def query_keys(self, word: str) -> dict[str, tuple[str, ...]]:
        """Keys of a query word: every reading of an old spelling (language unknown)."""
        return self.keys(fold(word), None)

    def index_text(self, text: str, lang: str | None = None) -> str:
        """``text`` as the embedded engine's tokenizer should see it, which splits at every
        character that is not a letter or digit, lower-cases and folds accents (in Rust,
        at C speed). Python only undoes what that would get wrong, mostly with checks that
        find nothing: accents written as combining marks are dropped (they would split
        "Bandoe\u0301ng"), apostrophes inside words are dropped ("sja'ir" is one word, as
        :data:`WORD` reads it) and, in an Indonesian or Malay text, a word with an old "ch"
        is written in its modern form of that language (kh or c: the one thing the index's
        vocabulary cannot tell without the text's language)."""
        if not text:
            return ""
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text).translate(_combining())
        if "'" in text or "’" in text:
            text = APOSTROPHE.sub("", text)
        if lang in ("ind", "msa") and not self.plain and CH.search(text):
            text = self._respell_ch(text, lang)
        return text

    def _respell_ch(self, text: str, lang: str) -> str:
        out: list[str] = []
        last = 0
        for match in CH.finditer(text):
            start, end = match.start(), match.end()
            if start < last:  # a second "ch" of a word already respelled
                continue
            while start > last and text[start - 1].isalnum():
                start -= 1
            while end < len(text) and text[end].isalnum():
                end += 1
            out.append(text[last:start])
            out.append(self.entry(text[start:end], lang).keys["w"][0])
            last = end
        out.append(text[last:])
        return "".join(out)


class Entry(NamedTuple):
    """A word's keys and its main key (see :meth:`Analyzer.main_key`)."""

    keys: dict[str, tuple[str, ...]]
    main: str


def _language_bound(folded: str) -> bool:
    """Whether the keys of a folded text depend on its language: only an old "ch" reads
    differently (kh in Indonesian, c in Malay; see :func:`search.spelling.modern_forms`)."""
    return "ch" in folded.replace("'", "").replace("’", "")


@functools.cache
def _combining() -> dict[int, None]:
    """A :meth:`str.translate` table dropping every combining mark (as :func:`fold` does)."""
    return {code: None for code in range(0x300, 0x20000) if unicodedata.combining(chr(code))}


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
