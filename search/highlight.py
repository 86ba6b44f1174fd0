"""Highlights built in Python from stored text: escape first, then wrap hits in <mark>.

Neither engine can highlight through an Indonesian stem, an old spelling or a glossary
term, so a :class:`Matcher` holds the analysed keys of the query's positive words (and
of their glossary alternatives) and marks every original word whose keys meet them —
"Djakarta" is marked for the query "Jakarta", "tenunan" for "weaving".
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from catalog import pagetext
from search.analysis import Analyzer, Word, edit_distance, fold, fuzzy_distance
from search.query import Concept, Node, Phrase, Term, leaves

SNIPPET_CHARS = 240


class Matcher:
    """Decides whether a word of a document is a hit of the query."""

    def __init__(
        self, node: Node | None, analyzer: Analyzer, *, fuzzy: bool = True, expand: bool = True
    ) -> None:
        self.analyzer = analyzer
        self.keys: set[tuple[str, str]] = set()
        self.prefixes: list[str] = []
        self.fuzzy: list[tuple[str, int]] = []
        for leaf in leaves(node):
            self._add(leaf, fuzzy=fuzzy and not analyzer.plain, expand=expand)

    def _add(self, leaf: Node, *, fuzzy: bool, expand: bool) -> None:
        if isinstance(leaf, Term):
            keys = self.analyzer.query_keys(leaf.text)
            if leaf.prefix:
                self.prefixes.extend(keys["w"])
                return
            self.keys |= {(kind, key) for kind, values in keys.items() for key in values}
            distance = fuzzy_distance(keys["w"][0]) if fuzzy else 0
            if distance:
                self.fuzzy.append((keys["w"][0], distance))
        elif isinstance(leaf, Phrase):
            for word in leaf.words:
                self._add(Term(word), fuzzy=False, expand=expand)
        elif isinstance(leaf, Concept):
            terms = [leaf.words, *(leaf.alternatives if expand else ())]
            for words in terms:
                for word in words:
                    self._add(Term(word), fuzzy=False, expand=expand)

    def __bool__(self) -> bool:
        return bool(self.keys or self.prefixes or self.fuzzy)

    def hit(self, word: Word) -> bool:
        if word.all_keys() & self.keys:
            return True
        forms = word.keys["w"]
        if any(f.startswith(p) for p in self.prefixes for f in forms):
            return True
        return any(
            edit_distance(forms[0], q, d) <= d
            for q, d in self.fuzzy
            if abs(len(forms[0]) - len(q)) <= d and len(forms[0]) >= 4
        )

    def spans(self, text: str, lang: str | None = None) -> list[tuple[int, int]]:
        """Character spans of the hits in ``text``."""
        if not self or not text:
            return []
        return [(w.start, w.end) for w in self.analyzer.words(text, lang) if self.hit(w)]


def mark(
    text: str, spans: Sequence[tuple[int, int]], start: int = 0, end: int | None = None
) -> str:
    """``text[start:end]`` escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        out.append(html.escape(text[cursor:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        cursor = b
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def highlight_value(text: str, matcher: Matcher, lang: str | None = None) -> str | None:
    """The whole value marked, or None when it holds no hit."""
    spans = matcher.spans(text, lang)
    return mark(text, spans) if spans else None


def snippet(
    text: str, matcher: Matcher, lang: str | None = None, width: int = SNIPPET_CHARS
) -> str | None:
    """About ``width`` characters around the densest run of hits, marked; None if no hit."""
    spans = matcher.spans(text, lang)
    if not spans:
        return None
    best, best_count = spans[0][0], 0
    for i, (a, _) in enumerate(spans):
        count = sum(1 for s in spans[i:] if s[1] <= a + width)
        if count > best_count:
            best, best_count = a, count
    start = max(0, best - width // 4)
    start = _word_start(text, start)
    end = min(len(text), start + width)
    end = _word_end(text, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    body = mark(text, spans, start, end).replace("\n", " ")
    return f"{prefix}{body}{suffix}"


def _word_start(text: str, i: int) -> int:
    while 0 < i < len(text) and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


def boxes(
    words: Iterable[Sequence], matcher: Matcher, lang: str | None = None
) -> tuple[pagetext.Word, ...]:
    """The hit words of a page, from its stored ``Page.words`` rows (only the rows whose
    text is a hit are turned into :class:`catalog.pagetext.Word`)."""
    out = []
    for row in words or ():
        if len(row) < 5 or not isinstance(row[0], str):
            continue
        if any(matcher.hit(w) for w in matcher.analyzer.words(row[0], lang)):
            word = pagetext.Word.from_row(row)
            if word is not None:
                out.append(word)
    return tuple(out)


def query_words(node: Node | None) -> list[str]:
    """The folded plain words of a query (for "did you mean")."""
    out = []
    for leaf in leaves(node):
        if isinstance(leaf, Term) and not leaf.prefix:
            out.append(fold(leaf.text))
        elif isinstance(leaf, Concept | Phrase):
            out.extend(fold(w) for w in leaf.words)
    return out
