"""Our query tree turned into tantivy queries over the words as indexed.

Every text field ``F`` is indexed as ``F_t``, its words as written (folded, with
positions). A query word is looked up in the index's vocabulary
(:mod:`search.backends.tantivy_vocab`): it matches every indexed word sharing one of its
keys (modern forms, stems; :mod:`search.analysis`), weighted by the field's boost; words
with its own modern form weigh most. Longer words also match within a few edits (OCR
noise) at a low weight. Phrases match, position by position, the indexed words with the
same main key. Glossary concepts match the words as typed or any alternative term.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tantivy

from search.analysis import Analyzer, fuzzy_distance
from search.backends.tantivy_vocab import Vocabulary
from search.query import And, Concept, Exact, Node, Not, Or, Phrase, Term, YearRange

Q = tantivy.Query
Occur = tantivy.Occur
FUZZY_WEIGHT = 0.15
ALTERNATIVE_WEIGHT = 0.8
OTHER_KEY_WEIGHT = 0.5  # a stem or another reading, not the modern form itself
FUZZY_FIELDS = ("title", "subject", "description", "text")
FUZZY_MAX_DF = 50  # documents (records and pages) holding the exact word
MAX_PREFIX_WORDS = 200  # indexed words a trailing * expands to through the vocabulary


def text_field(field: str) -> str:
    """The index field holding a text field's words (``title`` → ``title_t``)."""
    return f"{field}_t"


class QueryBuilder:
    """Builds tantivy queries for a schema; ``boosts`` says which text fields to search."""

    def __init__(
        self,
        schema: tantivy.Schema,
        analyzer: Analyzer,
        vocabulary: Vocabulary,
        boosts: dict[str, float],
        *,
        fuzzy: bool = True,
        expand: bool = True,
        doc_freq: Callable[[str], int] | None = None,
    ) -> None:
        self.schema = schema
        self.doc_freq = doc_freq
        self.analyzer = analyzer
        self.vocabulary = vocabulary
        self.boosts = boosts
        self.fuzzy = fuzzy and not analyzer.plain
        self.expand = expand and not analyzer.plain

    def build(self, node: Node) -> tantivy.Query:
        """The tantivy query for a tree node."""
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Phrase):
            return self.phrase(node.words, node.field)
        if isinstance(node, Concept):
            return self.concept(node)
        if isinstance(node, Exact):
            return Q.term_query(self.schema, node.field, node.value)
        if isinstance(node, YearRange):
            return Q.range_query(
                self.schema,
                "year",
                tantivy.FieldType.Integer,
                lower_bound=node.low,
                upper_bound=node.high,
            )
        if isinstance(node, Not):
            return _bool([(Occur.Must, Q.all_query()), (Occur.MustNot, self.build(node.child))])
        if isinstance(node, And):
            return self.conjunction(node.children)
        if isinstance(node, Or):
            return _bool([(Occur.Should, self.build(c)) for c in node.children])
        raise TypeError(f"unknown query node {node!r}")

    def conjunction(self, children: tuple[Node, ...]) -> tantivy.Query:
        clauses = [
            (Occur.MustNot, self.build(c.child))
            if isinstance(c, Not)
            else (Occur.Must, self.build(c))
            for c in children
        ]
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, Q.all_query()))
        return _bool(clauses)

    def fields(self, field: str | None) -> dict[str, float]:
        if field is None:
            return self.boosts
        return {field: self.boosts[field]} if field in self.boosts else {}

    def fuzzy_distance(self, word: str, own: list[str]) -> int:
        """Edits allowed for a query word: none for short words and for words frequent in
        the corpus (a common word is no misreading; fuzzy over it is costly and adds little).
        ``own`` are the indexed words with the query word's own modern form."""
        distance = fuzzy_distance(word) if self.fuzzy else 0
        if distance and self.doc_freq is not None:
            frequency = 0
            for indexed in own:
                frequency += self.doc_freq(indexed)
                if frequency >= FUZZY_MAX_DF:
                    return 0
        return distance

    def term(
        self, node: Term, *, fuzzy: bool = True, kinds: tuple[str, ...] = ("w", "id", "en")
    ) -> tantivy.Query:
        keys = self.analyzer.query_keys(node.text)
        if node.prefix:
            return self.prefix(node, keys["w"])
        vocabulary = self.vocabulary
        wanted = dict.fromkeys(key for kind in kinds for key in keys[kind])
        own = set(keys["w"])  # words of the same modern form weigh most
        words = vocabulary.matching(wanted)
        forms = vocabulary.forms
        weighted = [(w, 1.0 if own.intersection(forms[w]) else OTHER_KEY_WEIGHT) for w in words]
        distance = 0
        if fuzzy:
            distance = self.fuzzy_distance(keys["w"][0], [w for w, x in weighted if x == 1.0])
        schema = self.schema
        alts = []  # one flat union: the same sums of scores as per-field groups, cheaper
        for field, boost in self.fields(node.field).items():
            name = text_field(field)
            alts += [
                Q.boost_query(Q.term_query(schema, name, word), boost * weight)
                for word, weight in weighted
            ]
            if distance and field in FUZZY_FIELDS:
                alts.append(
                    Q.boost_query(
                        Q.fuzzy_term_query(schema, name, keys["w"][0], distance),
                        boost * FUZZY_WEIGHT,
                    )
                )
        return _bool([(Occur.Should, a) for a in alts]) if alts else Q.empty_query()

    def prefix(self, node: Term, forms: tuple[str, ...]) -> tantivy.Query:
        """A trailing ``*``: indexed words starting so, and those of old spellings whose
        modern form starts so ("sejar*" finds "sedjarah")."""
        written = [f"{re.escape(form)}.*" for form in forms]
        respelled = {
            word
            for form in forms
            for word in self.vocabulary.with_prefix(form, MAX_PREFIX_WORDS)
            if not word.startswith(form)
        }
        alts = []
        for field, boost in self.fields(node.field).items():
            name = text_field(field)
            alts += [Q.boost_query(Q.regex_query(self.schema, name, r), boost) for r in written]
            alts += [
                Q.boost_query(Q.term_query(self.schema, name, word), boost)
                for word in sorted(respelled)
            ]
        return _bool([(Occur.Should, a) for a in alts]) if alts else Q.empty_query()

    def phrase(
        self,
        words: tuple[str, ...],
        field: str | None,
        *,
        fuzzy: bool = True,
        lang: str | None = None,
    ) -> tantivy.Query:
        """Words in a row (one word: a term); ``lang`` en or id/ms limits a single word's
        match to that language's keys (glossary alternatives are in a known language)."""
        if len(words) == 1:
            kinds = {"en": ("en",), "id": ("w", "id"), "ms": ("w", "id")}.get(
                lang or "", ("w", "id", "en")
            )
            return self.term(Term(words[0], field), fuzzy=fuzzy, kinds=kinds)
        analyzer = self.analyzer
        positions = [
            self.vocabulary.with_main(analyzer.main_key(analyzer.query_keys(w))) for w in words
        ]
        if not all(positions):  # a word the index does not hold: no phrase can match
            return Q.empty_query()
        clauses = []
        for name, boost in self.fields(field).items():
            if all(len(p) == 1 for p in positions):
                query = Q.phrase_query(self.schema, text_field(name), [p[0] for p in positions])
            else:
                query = Q.regex_phrase_query(
                    self.schema, text_field(name), ["|".join(map(re.escape, p)) for p in positions]
                )
            clauses.append((Occur.Should, Q.boost_query(query, boost)))
        return _bool(clauses) if clauses else Q.empty_query()

    def concept(self, node: Concept) -> tantivy.Query:
        clauses = [(Occur.Should, self.phrase(node.words, None))]
        if self.expand:
            languages = node.languages or (None,) * len(node.alternatives)
            for alternative, lang in zip(node.alternatives, languages, strict=True):
                query = self.phrase(alternative, None, fuzzy=False, lang=lang)
                clauses.append((Occur.Should, Q.boost_query(query, ALTERNATIVE_WEIGHT)))
        return _bool(clauses)


def _bool(clauses: list) -> tantivy.Query:
    return (
        clauses[0][1]
        if len(clauses) == 1 and clauses[0][0] == Occur.Should
        else Q.boolean_query(clauses)
    )


def filters_query(schema: tantivy.Schema, filters: dict[str, tuple[str, ...]]) -> list:
    """Must-clauses for facet filters: any value within a field, every field."""
    return [
        (Occur.Must, Q.term_set_query(schema, field, list(values)))
        for field, values in filters.items()
        if values
    ]
