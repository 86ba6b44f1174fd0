"""Content-addressed file store for masters and derivatives.

Files live under ``root/ab/cd/<sha256>``. Every write goes to a temporary file in the
same folder, is flushed and fsynced, then renamed into place, so a crash never leaves a
half-written file under a final name. The same content is stored once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from catalog.errors import FileStoreError, NotFound

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """A file in the store: its checksum, size, path relative to the root, and whether
    this write added it (False when the content was already there)."""

    sha256: str
    size: int
    relpath: str
    created: bool


class FileStore:
    """A folder of files named by their sha256."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def relpath(self, sha256: str) -> str:
        """The path of a checksum relative to the root (``ab/cd/abcd…``)."""
        if not SHA256.match(sha256):
            raise FileStoreError(f"not a sha256 checksum: {sha256!r}")
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, sha256: str) -> Path:
        """The absolute path where the file with this checksum lives (or would)."""
        return self.root / self.relpath(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored file for reading, or raise :class:`NotFound`."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise NotFound(f"no file {sha256} in the file store", sha256=sha256) from exc

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def put_bytes(self, data: bytes) -> StoredFile:
        """Store ``data``; returns where it is."""
        return self._put_chunks(iter((data,)), max_size=None)

    def put_stream(self, stream: BinaryIO, *, max_size: int | None = None) -> StoredFile:
        """Store what ``stream`` yields, reading it once in chunks.

        Raises :class:`FileStoreError` when more than ``max_size`` bytes come; nothing is
        kept in that case.
        """
        return self._put_chunks(iter(lambda: stream.read(CHUNK), b""), max_size=max_size)

    def put_file(self, path: str | os.PathLike[str]) -> StoredFile:
        """Store a copy of a file on disk."""
        with open(path, "rb") as fh:
            return self.put_stream(fh)

    def iter_checksums(self) -> Iterator[str]:
        """Every checksum in the store (temporary files excluded)."""
        for path in self.root.glob("??/??/*"):
            if SHA256.match(path.name):
                yield path.name

    def _put_chunks(self, chunks: Iterator[bytes], *, max_size: int | None) -> StoredFile:
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise FileStoreError(
                            f"file is larger than the limit of {max_size} bytes", limit=max_size
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            if final.is_file():
                os.unlink(tmp_name)
                return StoredFile(sha, size, self.relpath(sha), created=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
            return StoredFile(sha, size, self.relpath(sha), created=True)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise

    def clean_incoming(self) -> int:
        """Remove temporary files left by a crash; returns how many were removed."""
        removed = 0
        for path in self.root.glob(".incoming-*"):
            path.unlink(missing_ok=True)
            removed += 1
        return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
