"""One writer at a time: an exclusive lock file next to the index (POSIX ``flock``)."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

from catalog.errors import BackendUnavailable


@contextlib.contextmanager
def writer_lock(folder: Path, timeout: float) -> Iterator[None]:
    """Hold ``<folder>/writer.lock`` exclusively; :class:`BackendUnavailable` after ``timeout``."""
    path = Path(folder) / "writer.lock"
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BackendUnavailable(
                        f"another process is writing the search index {folder} "
                        f"(waited {timeout:.0f} s)",
                        setting="SEARCH_URL",
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
