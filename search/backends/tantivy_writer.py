"""Writing a generation's two indexes: feeding threads, deletes and commits.

Each index (records, pages) has its own tantivy writer, and each writer is fed from a
thread of its own (:class:`Feeder`), so Python analyses the next records while tantivy
indexes the previous ones. Callers hold the writer lock (:meth:`Generations.lock`).

The tuning below is measured with ``bench/search.py`` (figures in ``bench/README.md``,
section "search"); each value has its reason beside it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable

import tantivy

from catalog.errors import BackendUnavailable
from search.analysis import Analyzer
from search.backends import tantivy_docs as docs_mod
from search.backends.base import Progress
from search.documents import RecordDoc

# -- tuning (measured: bench/search.py) ----------------------------------------------------
HEAP = 64_000_000  # bytes of indexing memory per writer of an update
REBUILD_HEAP = 2 * HEAP  # a rebuild writes the whole corpus at once: fewer segments to merge
FEED_BATCH = 500  # documents handed to a feeding thread at once: few queue hand-overs
FEED_QUEUE = 20  # batches waiting for tantivy at most: then the analysis waits (bounded memory)


def open_writers(indexes: Iterable[tantivy.Index], heap: int) -> list[tantivy.IndexWriter]:
    """One single-threaded writer per index; :class:`BackendUnavailable` when one is
    locked by another writer."""
    writers = []
    for index in indexes:
        try:
            writers.append(index.writer(heap, 1))
        except ValueError as exc:
            raise BackendUnavailable(
                f"the tantivy index is locked by another writer: {exc}"
            ) from exc
    return writers


def add(
    writers: list[tantivy.IndexWriter],
    docs: Iterable[RecordDoc],
    analyzer: Analyzer,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    words: set[str] | None = None,
) -> int:
    """Add the documents of records (``replace``: deleting earlier ones first): the
    record's to the records writer, its pages' to the pages writer, each handed over by a
    :class:`Feeder`. ``words`` collects the pieces of text indexed (for the vocabulary of
    an update). Returns how many records were added."""
    records: list[tantivy.Document | int] = []  # documents, and record ids to delete first
    pages: list[tantivy.Document | int] = []
    count = 0
    feeders = [Feeder(writer) for writer in writers]
    try:
        for doc in docs:
            if replace:
                records.append(doc.record_id)
                pages.append(doc.record_id)
            record, *more = docs_mod.documents(doc, analyzer, words)
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


def delete(writers: list[tantivy.IndexWriter], record_ids: list[int]) -> None:
    """Delete the documents of these records from every index."""
    for writer in writers:
        for record_id in record_ids:
            writer.delete_documents_by_term("rid", int(record_id))


def commit(writers: list[tantivy.IndexWriter], indexes: Iterable[tantivy.Index]) -> None:
    """Commit the pages first, then the records (a record found has its pages), and
    reload both."""
    for writer in reversed(writers):
        writer.commit()
    for writer in writers:
        writer.wait_merging_threads()
    for index in indexes:
        index.reload()


class Feeder:
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
