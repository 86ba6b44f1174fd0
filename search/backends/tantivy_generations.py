"""The folder of an embedded index: its generations and the pointer to the live one.

Layout: ``<root>/CURRENT`` names the live generation folder ``<root>/g<N>``, which holds
two tantivy indexes, ``records`` (a document per record, searched for result lists and
facets) and ``pages`` (a document per page, for search inside and hit boxes), and the
generation's vocabulary (:mod:`search.backends.tantivy_vocab`). A rebuild writes
``g<N+1>`` beside it and switches ``CURRENT`` atomically, so searches never see an empty
index; readers notice the switch on their next search, and reload as soon as a
``meta.json`` of the live generation changed (another process committed). Writers take
the exclusive lock :meth:`Generations.lock` (``<root>/writer.lock``).

A generation this code cannot read (an earlier layout, another tantivy version or
schema) does not stop the portal: reading it raises :class:`BackendUnavailable` saying
to run ``warisan reindex``, whose rebuild repairs it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import tantivy

from catalog.errors import BackendUnavailable
from search.analysis import Analyzer
from search.backends import tantivy_docs as docs_mod
from search.backends.locking import writer_lock
from search.backends.tantivy_vocab import Vocabulary

PARTS = ("records", "pages")  # the two indexes of a generation
POINTER = "CURRENT"

Indexes = tuple[tantivy.Index, tantivy.Index]  # records, pages


class Generations:
    """The live generation of the index in ``root``, opened (and reopened) on demand."""

    def __init__(
        self, root: Path, schema: tantivy.Schema, analyzer: Analyzer, lock_timeout: float
    ) -> None:
        self.root = root
        self.schema = schema
        self.analyzer = analyzer
        self.lock_timeout = lock_timeout
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackendUnavailable(
                f"cannot create the index folder {self.root}: {exc}", setting="SEARCH_URL"
            ) from exc
        self.name: str | None = None  # of the generation open (or found unreadable)
        self._stamp: int | None = None  # the pointer's mtime when it was read
        self._meta: tuple | None = None  # the generation's meta.json files when opened
        self._indexes: Indexes | None = None
        self._vocabulary: Vocabulary | None = None
        self._error: BackendUnavailable | None = None
        self.open_current()

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The writer lock: one writing process at a time."""
        return writer_lock(self.root, self.lock_timeout)

    def open_current(self, built: Vocabulary | None = None) -> None:
        """Open the generation ``CURRENT`` names, creating ``g1`` in an empty folder
        (``built``: its vocabulary, just written by a rebuild)."""
        if not self.pointer.exists():
            with self.lock():
                if not self.pointer.exists():
                    self._open("g1", create=True)
                    _write_pointer(self.pointer, "g1")
        name = self.pointer.read_text().strip()
        self._stamp = self.pointer.stat().st_mtime_ns
        if name != self.name or self._indexes is None:
            try:
                self._open(name, create=False, built=built)
                self._error = None
            except BackendUnavailable as exc:
                self._indexes, self.name = None, name
                self._error = exc

    def _open(self, name: str, *, create: bool, built: Vocabulary | None = None) -> None:
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
        self._indexes, self.name = (indexes[0], indexes[1]), name
        if built is None or built.path.parent != folder:
            built = Vocabulary(folder, self.analyzer)
        self._vocabulary = built
        built.refresh()
        self._meta = self._meta_stamp()

    def fresh(self) -> Indexes:
        """The live indexes (records, pages), reopened when another process switched
        generations and reloaded when it committed; raises :class:`BackendUnavailable`
        (run ``warisan reindex``) when they cannot be read."""
        try:
            stamp = self.pointer.stat().st_mtime_ns
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self.open_current()
        if self._indexes is None:
            raise self._error or BackendUnavailable(
                "the search index is closed", setting="SEARCH_URL"
            )
        meta = self._meta_stamp()
        if meta != self._meta:  # another process committed: see it now, not after a delay
            for index in self._indexes:
                index.reload()
            self.vocabulary.refresh()
            self._meta = meta
        return self._indexes

    @property
    def vocabulary(self) -> Vocabulary:
        """The live generation's vocabulary (see :meth:`fresh`)."""
        if self._vocabulary is None:
            raise BackendUnavailable("the search index is closed", setting="SEARCH_URL")
        return self._vocabulary

    def committed(self) -> None:
        """Note our own commit, so that :meth:`fresh` does not reload for it."""
        self._meta = self._meta_stamp()

    def create_next(self) -> tuple[str, Indexes]:
        """A new, empty generation beside the live one (under the writer lock): its name
        and indexes, to fill and then :meth:`switch` to."""
        if self.pointer.exists():
            self.open_current()  # only to learn the live generation's name
        old = self.name or "g0"
        new = f"g{int(old[1:]) + 1}"
        shutil.rmtree(self.root / new, ignore_errors=True)
        indexes = []
        for part in PARTS:
            index = tantivy.Index(self.schema, path=str(_mkdir(self.root / new / part)))
            docs_mod.register(index)
            indexes.append(index)
        return new, (indexes[0], indexes[1])

    def switch(self, name: str, vocabulary: Vocabulary) -> None:
        """Make generation ``name`` the live one (one atomic rename), open it with the
        vocabulary just written for it, and remove the others."""
        _write_pointer(self.pointer, name)
        self.open_current(built=vocabulary)
        for folder in self.root.glob("g*"):
            if folder.name != name and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)

    def folder(self, name: str) -> Path:
        return self.root / name

    def close(self) -> None:
        self._indexes = None
        self._vocabulary = None
        self.name = None
        self._stamp = None

    def _meta_stamp(self) -> tuple | None:
        """Identity of the generation's meta.json files (tantivy replaces one at every
        commit of its index)."""
        try:
            folder = self.root / (self.name or "")
            stats = [(folder / part / "meta.json").stat() for part in PARTS]
        except OSError:
            return None
        return tuple((st.st_ino, st.st_mtime_ns, st.st_size) for st in stats)


def _mkdir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_pointer(pointer: Path, name: str) -> None:
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(name + "\n")
    os.replace(tmp, pointer)
