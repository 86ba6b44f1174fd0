"""The embedded backend: a tantivy index in a folder, one writer at a time.

The folder holds generations of two indexes, records and pages
(:mod:`search.backends.tantivy_generations`); writes go through feeding threads
(:mod:`search.backends.tantivy_writer`). tantivy indexes the words of each text field as
written (``F_t``, split and folded by its own tokenizer); each generation keeps a
vocabulary of its distinct words with their keys (:mod:`search.backends.tantivy_vocab`),
through which queries reach old spellings, stems and other readings. Facet values are
raw fast fields counted with terms aggregations.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import tantivy

from catalog.errors import SearchError
from search.analysis import Analyzer
from search.backends import Engine
from search.backends import tantivy_docs as docs_mod
from search.backends import tantivy_writer as writing
from search.backends.base import (
    FIELD_BOOSTS,
    Matches,
    PageMatch,
    Plan,
    Progress,
    RecordMatch,
)
from search.backends.tantivy_generations import Generations
from search.backends.tantivy_query import Occur, Q, QueryBuilder, filters_query
from search.backends.tantivy_vocab import Vocabulary
from search.documents import RecordDoc
from search.glossary import Glossary
from search.suggest import nearest

SUGGEST_FIELDS = ("title", "subject", "description", "text")


class TantivyBackend:
    """A :class:`search.backends.base.SearchBackend` on an embedded tantivy index."""

    name = Engine.TANTIVY

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        glossary: Glossary | None = None,
        plain: bool = False,
        lock_timeout: float = 120.0,
    ) -> None:
        self.analyzer = Analyzer(plain=plain)
        self.glossary = glossary
        self.schema = docs_mod.build_schema()
        self.generations = Generations(Path(path), self.schema, self.analyzer, lock_timeout)
        self._words = docs_mod.word_analyzer()

    # -- writing -------------------------------------------------------------------------

    def index(self, docs: Iterable[RecordDoc]) -> int:
        generations = self.generations
        with generations.lock():
            indexes = generations.fresh()
            writers = writing.open_writers(indexes, writing.HEAP)
            words: set[str] = set()
            count = writing.add(writers, docs, self.analyzer, replace=True, words=words)
            # the words first: a reader that sees the commit finds them
            generations.vocabulary.add(self._indexed_words(words))
            writing.commit(writers, indexes)
            generations.committed()
        return count

    def _indexed_words(self, pieces: set[str]) -> list[str]:
        """The words tantivy makes of pieces of text (its own tokenizer: exactly those)."""
        return [token for piece in pieces for token in self._words.analyze(piece)]

    def remove(self, record_ids: Iterable[int]) -> None:
        ids = list(record_ids)
        if not ids:
            return
        with self.generations.lock():
            indexes = self.generations.fresh()
            writers = writing.open_writers(indexes, writing.HEAP)
            writing.delete(writers, ids)
            writing.commit(writers, indexes)

    def rebuild(self, docs: Iterable[RecordDoc], progress: Progress | None = None) -> int:
        generations = self.generations
        with generations.lock():
            new, indexes = generations.create_next()
            writers = writing.open_writers(indexes, writing.REBUILD_HEAP)
            count = writing.add(writers, docs, self.analyzer, progress=progress)
            writing.commit(writers, indexes)
            vocabulary = Vocabulary(generations.folder(new), self.analyzer)
            vocabulary.add(  # every word the new generation holds
                term
                for index in indexes
                for field in FIELD_BOOSTS
                for term, _ in index.searcher().terms_with_prefix(docs_mod.text_field(field), "")
            )
            if progress and count % 100:
                progress(count % 100)
            generations.switch(new, vocabulary)
        return count

    def clear(self) -> None:
        self.rebuild([])

    # -- reading -------------------------------------------------------------------------

    def _builder(self, plan: Plan, boosts: dict[str, float]) -> QueryBuilder:
        searchers = [index.searcher() for index in self.generations.fresh()]
        return QueryBuilder(
            self.schema,
            self.analyzer,
            self.generations.vocabulary,
            boosts,
            fuzzy=plan.fuzzy,
            expand=plan.expand,
            doc_freq=lambda word: sum(s.doc_freq("text_t", word) for s in searchers),
        )

    def _base(self, plan: Plan, boosts: dict[str, float]) -> list:
        """The must-clause of the plan's tree (filters apart); everything when it has none."""
        if plan.node is None:
            return [(Occur.Must, Q.all_query())]
        return [(Occur.Must, self._builder(plan, boosts).build(plan.node))]

    def search(self, plan: Plan) -> Matches:
        searcher = self.generations.fresh()[0].searcher()
        base = self._base(plan, FIELD_BOOSTS)
        query = Q.boolean_query(base + filters_query(self.schema, plan.filters))
        try:
            result = _run(searcher, query, plan)
        except ValueError as exc:
            raise SearchError(f"the search engine rejected the query: {exc}") from exc
        hits = []
        for score, address in result.hits:
            stored = docs_mod.stored(searcher.doc(address))
            hits.append(RecordMatch(int(stored.pop("record_id")), _score(score), stored))
        facets = docs_mod.facet_counts(searcher, self.schema, base, plan) if plan.facets else {}
        return Matches(result.count, tuple(hits), facets)

    def pages(self, plan: Plan, record_ids: Iterable[int], limit: int = 50) -> list[PageMatch]:
        ids = [int(i) for i in record_ids]
        if plan.node is None or not ids:
            return []
        searcher = self.generations.fresh()[1].searcher()
        clauses = self._base(plan, {"text": 1.0})
        clauses.append((Occur.Must, Q.term_set_query(self.schema, "rid", ids)))
        result = searcher.search(Q.boolean_query(clauses), limit, count=False)
        out = []
        for score, address in result.hits:
            data = docs_mod.stored(searcher.doc(address))
            out.append(
                PageMatch(
                    int(data["page_id"]),
                    int(data["record_id"]),
                    int(data["order"]),
                    _score(score),
                    data.get("text", ""),
                )
            )
        return out

    def suggest(self, words: list[str]) -> dict[str, str]:
        searcher = self.generations.fresh()[0].searcher()
        vocabulary = self.generations.vocabulary
        fields = [docs_mod.text_field(f) for f in SUGGEST_FIELDS]
        out = {}
        for word in words:
            keys = self.analyzer.query_keys(word)
            wanted = dict.fromkeys(k for kind in ("w", "id", "en") for k in keys[kind])
            if any(searcher.doc_freq(f, w) for w in vocabulary.matching(wanted) for f in fields):
                continue
            candidates: dict[str, int] = {}  # modern forms of the words as written
            for field in fields:
                for term, freq in searcher.terms_with_prefix(field, word[:1], limit=20000):
                    form = vocabulary.forms.get(term, (term,))[0]
                    candidates[form] = candidates.get(form, 0) + freq
            found = nearest(word, candidates, 1)
            if found:
                out[word] = found[0]
        return out

    def count(self) -> int:
        return self.generations.fresh()[0].searcher().num_docs

    def close(self) -> None:
        self.generations.close()


def _run(searcher: tantivy.Searcher, query: tantivy.Query, plan: Plan):
    if plan.sort == "title":
        return searcher.search(
            query,
            plan.limit,
            offset=plan.offset,
            order_by_field="title_sort",
            order=tantivy.Order.Asc,
        )
    if plan.sort in ("date_asc", "date_desc"):
        order = tantivy.Order.Asc if plan.sort == "date_asc" else tantivy.Order.Desc
        return searcher.search(
            query, plan.limit, offset=plan.offset, order_by_field="year", order=order
        )
    return searcher.search(query, plan.limit, offset=plan.offset)


def _score(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
