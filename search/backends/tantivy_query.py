"""Our query tree turned into tantivy queries over the pre-analysed token fields.

Every text field ``F`` is indexed as ``F_w``, the main key of each word (both stemmers
applied to its modern form) with positions, and ``F_x``, the other keys of the words
(modern forms, other readings, stems unlike the main key) without positions; see
:mod:`search.analysis`. A word matches when any of its keys is found in either, weighted
by the field's boost; its own modern form weighs most. Longer words also match within a
few edits (OCR noise) at a low weight. Phrases match the main keys in a row. Glossary
concepts match the words as typed or any alternative term.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tantivy

from search.analysis import Analyzer, fuzzy_distance
from search.query import And, Concept, Exact, Node, Not, Or, Phrase, Term, YearRange

Q = tantivy.Query
Occur = tantivy.Occur
FUZZY_WEIGHT = 0.15
ALTERNATIVE_WEIGHT = 0.8
OTHER_KEY_WEIGHT = 0.5  # a stem or another reading, not the modern form itself
FUZZY_FIELDS = ("title", "subject", "description", "text")
FUZZY_MAX_DF = 50  # documents (records and pages) holding the exact word


class QueryBuilder:
    """Builds tantivy queries for a schema; ``boosts`` says which text fields to search."""

    def __init__(
        self,
        schema: tantivy.Schema,
        analyzer: Analyzer,
        boosts: dict[str, float],
        *,
        fuzzy: bool = True,
        expand: bool = True,
        doc_freq: Callable[[str], int] | None = None,
    ) -> None:
        self.schema = schema
        self.doc_freq = doc_freq
        self.analyzer = analyzer
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

    def fuzzy_distance(self, word: str) -> int:
        """Edits allowed for a query word: none for short words and for words frequent in
        the corpus (a common word is no misreading; fuzzy over it is costly and adds little)."""
        distance = fuzzy_distance(word) if self.fuzzy else 0
        if distance and self.doc_freq is not None and self.doc_freq(word) >= FUZZY_MAX_DF:
            return 0
        return distance

    def term(
        self, node: Term, *, fuzzy: bool = True, kinds: tuple[str, ...] = ("w", "id", "en")
    ) -> tantivy.Query:
        keys = self.analyzer.query_keys(node.text)
        distance = self.fuzzy_distance(keys["w"][0]) if fuzzy and not node.prefix else 0
        own = set(keys["w"])  # the word itself weighs most
        wanted = list(dict.fromkeys(key for kind in kinds for key in keys[kind]))
        schema = self.schema
        alts = []  # one flat union: the same sums of scores as per-field groups, cheaper
        for field, boost in self.fields(node.field).items():
            parts = (f"{field}_w", f"{field}_x")
            if node.prefix:
                alts += [
                    Q.boost_query(Q.regex_query(schema, part, re.escape(w) + ".*"), boost)
                    for w in keys["w"]
                    for part in parts
                ]
                continue
            other = boost * OTHER_KEY_WEIGHT
            alts += [
                Q.boost_query(Q.term_query(schema, part, key), boost if key in own else other)
                for part in parts
                for key in wanted
            ]
            if distance and field in FUZZY_FIELDS:
                alts += [
                    Q.boost_query(
                        Q.fuzzy_term_query(schema, part, keys["w"][0], distance),
                        boost * FUZZY_WEIGHT,
                    )
                    for part in parts
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
        terms = [analyzer.main_key(analyzer.query_keys(w)) for w in words]
        clauses = [
            (Occur.Should, Q.boost_query(Q.phrase_query(self.schema, f"{name}_w", terms), boost))
            for name, boost in self.fields(field).items()
        ]
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
