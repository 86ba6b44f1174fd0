"""The embedded backend: a tantivy index in a folder, one writer at a time.

Layout: ``<path>/CURRENT`` names the live generation folder ``<path>/g<N>``, which holds
two tantivy indexes, ``records`` (a document per record, searched for result lists and
facets) and ``pages`` (a document per page, for search inside and hit boxes), and the
generation's vocabulary. Each kind thus has its postings to itself (no record query steps
over pages), and each index has its own writer thread. A rebuild writes ``g<N+1>``
beside it and switches ``CURRENT`` atomically, so searches never see an empty index;
readers notice the switch on their next search. Writers (the worker,
``warisan reindex``) take an exclusive lock on ``<path>/writer.lock``; a reader reloads
as soon as a ``meta.json`` of the generation changed (another process committed).

tantivy indexes the words of each text field as written (``F_t``, split and folded by its
own tokenizer); each generation keeps a vocabulary of its distinct words with their keys
(:mod:`search.backends.tantivy_vocab`), through which queries reach old spellings, stems
and other readings. Facet values are raw fast fields counted with terms aggregations.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from catalog.errors import BackendUnavailable, SearchError
from search.analysis import Analyzer
from search.backends import tantivy_docs as docs_mod
from search.backends.base import (
    FIELD_BOOSTS,
    Matches,
    PageMatch,
    Plan,
    Progress,
    RecordMatch,
)
from search.backends.locking import writer_lock
from search.backends.tantivy_query import Occur, Q, QueryBuilder, filters_query
from search.backends.tantivy_vocab import Vocabulary
from search.documents import RecordDoc
from search.glossary import Glossary
from search.suggest import nearest

HEAP = 64_000_000
PARTS = ("records", "pages")  # the two indexes of a generation
FEED_BATCH = 500  # documents handed to the feeding thread at once
FEED_QUEUE = 20  # batches waiting for tantivy at most (then the analysis waits)
SUGGEST_FIELDS = ("title", "subject", "description", "text")


class TantivyBackend:
    """A :class:`search.backends.base.SearchBackend` on an embedded tantivy index."""

    name = "tantivy"

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        glossary: Glossary | None = None,
        plain: bool = False,
        lock_timeout: float = 120.0,
    ) -> None:
        self.root = Path(path)
        self.analyzer = Analyzer(plain=plain)
        self.glossary = glossary
        self.lock_timeout = lock_timeout
        self.schema = docs_mod.build_schema()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackendUnavailable(
                f"cannot create the index folder {self.root}: {exc}", setting="SEARCH_URL"
            ) from exc
        self._generation: str | None = None
        self._stamp: int | None = None
        self._meta: tuple | None = None
        self._index: tuple[tantivy.Index, tantivy.Index] | None = None  # records, pages
        self._vocabulary: Vocabulary | None = None
        self._words = docs_mod.word_analyzer()
        self._error: BackendUnavailable | None = None
        self._open_current()

    # -- opening and generations ---------------------------------------------------------

    def _pointer(self) -> Path:
        return self.root / "CURRENT"

    def _open_current(self, built: Vocabulary | None = None) -> None:
        """Open the generation ``CURRENT`` names (``built``: its vocabulary, just written)."""
        pointer = self._pointer()
        if not pointer.exists():
            with writer_lock(self.root, self.lock_timeout):
                if not pointer.exists():
                    self._open_generation("g1", create=True)
                    _write_pointer(pointer, "g1")
        name = pointer.read_text().strip()
        self._stamp = pointer.stat().st_mtime_ns
        if name != self._generation or self._index is None:
            try:
                self._open_generation(name, create=False, built=built)
                self._error = None
            except BackendUnavailable as exc:  # e.g. built by another tantivy version or
                self._index, self._generation = None, name  # schema: a rebuild still works
                self._error = exc

    def _open_generation(self, name: str, *, create: bool, built: Vocabulary | None = None) -> None:
        folder = self.root / name
        indexes = []
        for part in PARTS:
            path = folder / part
            if not create and not (path / "meta.json").exists():
                raise BackendUnavailable(
                    f"the search index in {folder} has no {part} index (an earlier layout, "
                    "or not built); run `warisan reindex`",
                    setting="SEARCH_URL",
                )
            try:
                index = tantivy.Index(self.schema, path=str(_mkdir(path)), reuse=not create)
            except (OSError, ValueError) as exc:
                raise BackendUnavailable(
                    f"cannot open the tantivy index in {path} ({exc}); run `warisan reindex`",
                    setting="SEARCH_URL",
                ) from exc
            docs_mod.register(index)
            indexes.append(index)
        self._index, self._generation = (indexes[0], indexes[1]), name
        if built is None or built.path.parent != folder:
            built = Vocabulary(folder, self.analyzer)
        self._vocabulary = built
        built.refresh()
        self._meta = self._meta_stamp()

    def _fresh(self) -> tuple[tantivy.Index, tantivy.Index]:
        """The live indexes (records, pages), reopened when another process switched
        generations; raises :class:`BackendUnavailable` (run ``warisan reindex``) when it
        cannot be read."""
        try:
            stamp = self._pointer().stat().st_mtime_ns
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._open_current()
        if self._index is None:
            raise self._error or BackendUnavailable(
                "the search index is closed", setting="SEARCH_URL"
            )
        meta = self._meta_stamp()
        if meta != self._meta:  # another process committed: see it now, not after a delay
            for index in self._index:
                index.reload()
            self.vocabulary.refresh()
            self._meta = meta
        return self._index

    @property
    def vocabulary(self) -> Vocabulary:
        """The live generation's vocabulary (see :meth:`_fresh`)."""
        if self._vocabulary is None:
            raise BackendUnavailable("the search index is closed", setting="SEARCH_URL")
        return self._vocabulary

    def _meta_stamp(self) -> tuple | None:
        """Identity of the generation's meta.json files (tantivy replaces one at every
        commit of its index)."""
        try:
            folder = self.root / (self._generation or "")
            stats = [(folder / part / "meta.json").stat() for part in PARTS]
        except OSError:
            return None
        return tuple((st.st_ino, st.st_mtime_ns, st.st_size) for st in stats)

    # -- writing -------------------------------------------------------------------------

    def index(self, docs: Iterable[RecordDoc]) -> int:
        with writer_lock(self.root, self.lock_timeout):
            indexes = self._fresh()
            writers = [_writer(index, HEAP) for index in indexes]
            words: set[str] = set()
            count = self._add(writers, docs, replace=True, words=words)
            # the words first: a reader that sees the commit finds them
            self.vocabulary.add(self._indexed_words(words))
            _commit(writers, indexes)
            self._meta = self._meta_stamp()
        return count

    def _indexed_words(self, pieces: set[str]) -> list[str]:
        """The words tantivy makes of pieces of text (its own tokenizer: exactly those)."""
        return [token for piece in pieces for token in self._words.analyze(piece)]

    def remove(self, record_ids: Iterable[int]) -> None:
        ids = list(record_ids)
        if not ids:
            return
        with writer_lock(self.root, self.lock_timeout):
            indexes = self._fresh()
            writers = [_writer(index, HEAP) for index in indexes]
            for writer in writers:
                for record_id in ids:
                    writer.delete_documents_by_term("rid", int(record_id))
            _commit(writers, indexes)

    def rebuild(self, docs: Iterable[RecordDoc], progress: Progress | None = None) -> int:
        with writer_lock(self.root, self.lock_timeout):
            if self._pointer().exists():
                self._open_current()  # only to learn the live generation's name
            old = self._generation or "g0"
            new = f"g{int(old[1:]) + 1}"
            shutil.rmtree(self.root / new, ignore_errors=True)
            indexes = []
            for part in PARTS:
                index = tantivy.Index(self.schema, path=str(_mkdir(self.root / new / part)))
                docs_mod.register(index)
                indexes.append(index)
            writers = [_writer(index, 2 * HEAP) for index in indexes]
            count = self._add(writers, docs, progress=progress)
            _commit(writers, indexes)
            vocabulary = Vocabulary(self.root / new, self.analyzer)
            vocabulary.add(  # every word the new generation holds
                term
                for index in indexes
                for field in FIELD_BOOSTS
                for term, _ in index.searcher().terms_with_prefix(docs_mod.text_field(field), "")
            )
            if progress and count % 100:
                progress(count % 100)
            _write_pointer(self._pointer(), new)
            self._open_current(built=vocabulary)
            for folder in self.root.glob("g*"):
                if folder.name != new and folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)
        return count

    def _add(
        self,
        writers: list[tantivy.IndexWriter],
        docs: Iterable[RecordDoc],
        *,
        replace: bool = False,
        progress: Progress | None = None,
        words: set[str] | None = None,
    ) -> int:
        """Add the documents of records (replacing earlier ones): the record's to the
        records index, its pages' to the pages index, each handed over from a thread of its
        own (see :class:`_Feeder`). ``words`` collects the pieces of text indexed (for the
        vocabulary of an update)."""
        records: list[tantivy.Document | int] = []  # documents, and record ids to delete first
        pages: list[tantivy.Document | int] = []
        count = 0
        feeders = [_Feeder(writer) for writer in writers]
        try:
            for doc in docs:
                if replace:
                    records.append(doc.record_id)
                    pages.append(doc.record_id)
                record, *more = docs_mod.documents(doc, self.analyzer, words)
                records.append(record)
                pages += more
                if len(pages) >= FEED_BATCH or len(records) >= FEED_BATCH:
                    feeders[0].put(records)
                    feeders[1].put(pages)
                    records, pages = [], []
                count += 1
                if progress and count % 100 == 0:
                    progress(100)
            feeders[0].put(records)
            feeders[1].put(pages)
        finally:
            errors = []
            for feeder in feeders:
                try:
                    feeder.close()
                except BaseException as exc:  # the first writer's error is raised
                    errors.append(exc)
            if errors:
                raise errors[0]
        return count

    def clear(self) -> None:
        self.rebuild([])

    # -- reading -------------------------------------------------------------------------

    def _builder(self, plan: Plan, boosts: dict[str, float]) -> QueryBuilder:
        searchers = [index.searcher() for index in self._fresh()]
        return QueryBuilder(
            self.schema,
            self.analyzer,
            self.vocabulary,
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
        searcher = self._fresh()[0].searcher()
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
        searcher = self._fresh()[1].searcher()
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
        searcher = self._fresh()[0].searcher()
        vocabulary = self.vocabulary
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
        return self._fresh()[0].searcher().num_docs

    def close(self) -> None:
        self._index = None
        self._vocabulary = None
        self._generation = None
        self._stamp = None


class _Feeder:
    """Hands documents to a tantivy writer, in order, from a thread of its own: analysis of
    the next records goes on in Python while tantivy indexes the previous ones (its
    ``add_document`` waits without holding the GIL when its pipeline is full). An int in
    a batch deletes that record's documents first."""

    def __init__(self, writer: tantivy.IndexWriter) -> None:
        self.writer = writer
        self.queue: queue.Queue[list | None] = queue.Queue(FEED_QUEUE)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="tantivy-feed", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        writer = self.writer
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain: the error is raised in the caller's thread
            try:
                for item in batch:
                    if isinstance(item, int):
                        writer.delete_documents_by_term("rid", item)
                    else:
                        writer.add_document(item)
            except BaseException as exc:  # handed over to the caller's thread
                self.error = exc

    def put(self, items: list) -> None:
        """Queue documents (and ids to delete), in order; waits while the queue is full."""
        for start in range(0, len(items), FEED_BATCH):
            if self.error is not None:
                raise self.error
            self.queue.put(items[start : start + FEED_BATCH])

    def close(self) -> None:
        """Wait until every document is handed over; raise what the writer raised."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


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


def _writer(index: tantivy.Index, heap: int) -> tantivy.IndexWriter:
    try:
        return index.writer(heap, 1)
    except ValueError as exc:
        raise BackendUnavailable(f"the tantivy index is locked by another writer: {exc}") from exc


def _commit(writers: list[tantivy.IndexWriter], indexes) -> None:
    """Commit the pages first, then the records (a record found has its pages), and
    reload both."""
    for writer in reversed(writers):
        writer.commit()
    for writer in writers:
        writer.wait_merging_threads()
    for index in indexes:
        index.reload()


def _mkdir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_pointer(pointer: Path, name: str) -> None:
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(name + "\n")
    os.replace(tmp, pointer)
