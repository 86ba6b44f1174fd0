"""The bilingual heritage glossary: groups of equivalent terms across EN, ID and MS.

The data file (``search/data/glossary.tsv``) has one concept a line: three tab-separated
cells ``en``, ``id``, ``ms``, each holding one or more terms separated by ``;`` (``-``
when empty). Lines starting with ``#`` are comments (sources of each group). A query
word or word sequence that matches any term of a group — compared through the same
analysis as documents, so plurals, stems and old spellings match — is expanded to every
other term of the group (:func:`search.expand.expand`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from catalog.errors import ConfigError
from search.analysis import WORD, Analyzer

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "glossary.tsv"
LANGS = ("en", "id", "ms")
MAX_WORDS = 4


@dataclasses.dataclass(frozen=True)
class Group:
    """One concept: its terms (each a tuple of words) with their language."""

    terms: tuple[tuple[str, tuple[str, ...]], ...]

    def words(self) -> list[tuple[str, ...]]:
        return [words for _, words in self.terms]


class Glossary:
    """Groups of equivalent terms, looked up by analysed word sequences."""

    def __init__(self, groups: Iterable[Group], analyzer: Analyzer) -> None:
        self.groups = list(groups)
        self.analyzer = analyzer
        self._index: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for number, group in enumerate(self.groups):
            for _, words in group.terms:
                for key in self.keys(words):
                    bucket = self._index.setdefault(key, [])
                    if number not in bucket:
                        bucket.append(number)

    def keys(self, words: tuple[str, ...]) -> set[tuple[str, tuple[str, ...]]]:
        """Lookup keys of a word sequence: its modern forms and its stems, each kind apart."""
        per_word = [self.analyzer.query_keys(w) for w in words]
        return {(kind, tuple(k[kind][0] for k in per_word)) for kind in ("w", "id", "en")}

    def lookup(self, words: tuple[str, ...]) -> list[Group]:
        """Groups holding a term equal (after analysis) to ``words``."""
        found: list[int] = []
        for key in self.keys(words):
            for number in self._index.get(key, ()):
                if number not in found:
                    found.append(number)
        return [self.groups[n] for n in found]

    def alternatives(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Every other term of the groups matching ``words`` (nothing when none match)."""
        return tuple(term for _, term in self.alternatives_by_language(words))

    def alternatives_by_language(
        self, words: tuple[str, ...]
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Like :meth:`alternatives`, each term with its language (en, id or ms); a term
        listed under several languages comes once, with the first."""
        own = self.keys(words)
        out: dict[tuple[str, ...], str] = {}
        for group in self.lookup(words):
            for lang, term in group.terms:
                if term not in out and not (self.keys(term) & own):
                    out[term] = lang
        return tuple((lang, term) for term, lang in out.items())

    def synonym_rules(self) -> list[str]:
        """The groups as Elasticsearch ``synonym_graph`` rules (``a, b c, d``)."""
        rules = []
        for group in self.groups:
            terms = dict.fromkeys(" ".join(w).lower() for w in group.words())
            if len(terms) > 1:
                rules.append(", ".join(terms))
        return rules


def load(path: str | Path | None = None, analyzer: Analyzer | None = None) -> Glossary:
    """Read a glossary file; raises :class:`ConfigError` naming the file and line."""
    path = Path(path or DEFAULT_PATH)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read glossary {path}: {exc}", setting="SEARCH_GLOSSARY") from exc
    groups = [_group(line, path, number) for number, line in enumerate(lines, 1)]
    return Glossary([g for g in groups if g is not None], analyzer or Analyzer())


def _group(line: str, path: Path, number: int) -> Group | None:
    if not line.strip() or line.startswith("#"):
        return None
    cells = line.rstrip("\n").split("\t")
    if len(cells) != len(LANGS):
        raise ConfigError(
            f"{path.name} line {number}: expected {len(LANGS)} tab-separated cells (en, id, ms)",
            setting="SEARCH_GLOSSARY",
        )
    terms = []
    for lang, cell in zip(LANGS, cells, strict=True):
        for term in cell.split(";"):
            if term.strip() in ("", "-"):
                continue
            words = tuple(WORD.findall(term))
            if words:
                if len(words) > MAX_WORDS:
                    raise ConfigError(
                        f"{path.name} line {number}: terms have at most {MAX_WORDS} words",
                        setting="SEARCH_GLOSSARY",
                    )
                terms.append((lang, words))
    return Group(tuple(terms)) if len(terms) > 1 else None
