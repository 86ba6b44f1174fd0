"""The vocabulary of a tantivy index generation: every word as indexed, with its keys.

tantivy indexes the words of a text as written (see :data:`tantivy_docs.TOKENIZER`), at
the speed of its own tokenizer. What makes "Djakarta" meet "Jakarta", "kerajaan" meet
"raja" and "houses" meet "house" happens at query time: a query word's keys
(:mod:`search.analysis`) are looked up here, giving every indexed word that shares one,
and those words are searched. Python analysis thus costs once per distinct word of the
corpus, not once per occurrence.

The file, ``<generation>/vocabulary.tsv``, is append-only, one line per indexed word::

    word <TAB> modern forms <TAB> stems unlike them <TAB> main key

forms and stems space-separated, the main key empty when it is the first modern form.
A writer appends the words it adds before it commits (under the writer lock), so that a
reader noticing the commit finds them; a reader reads only what was appended since it
last looked. A rebuild writes a fresh file in its new generation.
Words of removed records stay until the next rebuild: searching them finds nothing.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable
from pathlib import Path

from search.analysis import Analyzer

FILE = "vocabulary.tsv"


class Vocabulary:
    """Indexed words and the lookups queries need: by key, by main key, by prefix."""

    def __init__(self, folder: Path, analyzer: Analyzer) -> None:
        self.path = folder / FILE
        self.analyzer = analyzer
        self.forms: dict[str, tuple[str, ...]] = {}  # indexed word → its modern forms
        self.by_key: dict[str, list[str]] = {}  # any key → the indexed words having it
        self.by_main: dict[str, list[str]] = {}  # main key → the indexed words having it
        self._offset = 0
        self._prefixes: list[tuple[str, str]] | None = None  # (modern form, word), sorted

    def __len__(self) -> int:
        return len(self.forms)

    def __contains__(self, word: str) -> bool:
        return word in self.forms

    # -- reading ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Learn the lines appended since the last look (complete lines only)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return
        end = data.rfind(b"\n") + 1
        if not end:
            return
        self._offset += end
        for line in data[:end].decode().splitlines():
            word, forms, stems, main = line.split("\t")
            forms = tuple(forms.split(" "))
            self._learn(word, forms, stems.split(" ") if stems else [], main or forms[0])

    def _learn(self, word: str, forms: tuple[str, ...], stems: list[str], main: str) -> None:
        if word in self.forms:
            return
        self.forms[word] = forms
        for key in dict.fromkeys((*forms, *stems, main)):
            self.by_key.setdefault(key, []).append(word)
        self.by_main.setdefault(main, []).append(word)
        self._prefixes = None

    # -- writing ---------------------------------------------------------------------

    def add(self, words: Iterable[str]) -> int:
        """Analyse the words not known yet, append them to the file and learn them; the
        caller holds the writer lock. Returns how many were new."""
        self.refresh()
        lines = []
        for word in dict.fromkeys(words):
            if not word or word in self.forms:
                continue
            forms, stems, main = self.line(word)
            self._learn(word, forms, stems, main)
            own = "" if main == forms[0] else main
            lines.append(f"{word}\t{' '.join(forms)}\t{' '.join(stems)}\t{own}\n")
        if lines:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write("".join(lines))
                handle.flush()
                os.fsync(handle.fileno())
                self._offset = handle.tell()
        return len(lines)

    def line(self, word: str) -> tuple[tuple[str, ...], list[str], str]:
        """A word's modern forms, its stems unlike them, and its main key."""
        keys = self.analyzer.query_keys(word)
        forms = keys["w"]
        stems = [k for k in dict.fromkeys((*keys["id"], *keys["en"])) if k not in forms]
        return forms, stems, self.analyzer.main_key(keys)

    # -- lookups ---------------------------------------------------------------------

    def matching(self, keys: Iterable[str]) -> list[str]:
        """Indexed words sharing any of ``keys``, in the order met."""
        found: dict[str, None] = {}
        for key in keys:
            for word in self.by_key.get(key, ()):
                found[word] = None
        return list(found)

    def with_main(self, main: str) -> list[str]:
        """Indexed words whose main key is ``main`` (one position of a phrase)."""
        return self.by_main.get(main, [])

    def with_prefix(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` indexed words one of whose modern forms starts with ``prefix``."""
        if self._prefixes is None:
            self._prefixes = sorted((f, w) for w, forms in self.forms.items() for f in forms)
        start = bisect.bisect_left(self._prefixes, (prefix, ""))
        out: dict[str, None] = {}
        for form, word in self._prefixes[start:]:
            if not form.startswith(prefix) or len(out) >= limit:
                break
            out[word] = None
        return list(out)
