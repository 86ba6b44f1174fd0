"""The content-addressed file store: atomic writes, deduplication, size caps."""

from __future__ import annotations

import hashlib
import io

import pytest

from catalog.errors import FileStoreError, NotFound


def test_put_and_read_back(file_store):
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100
    stored = file_store.put_bytes(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data) and stored.created
    assert file_store.read(stored.sha256) == data
    assert file_store.path(stored.sha256).relative_to(file_store.root).as_posix() == stored.relpath
    assert stored.relpath.startswith(f"{stored.sha256[:2]}/{stored.sha256[2:4]}/")


def test_duplicates_are_stored_once(file_store, tmp_path):
    source = tmp_path / "scan.tif"
    source.write_bytes(b"II*\x00" + b"x" * 5000)
    first = file_store.put_file(source)
    second = file_store.put_stream(io.BytesIO(source.read_bytes()))
    assert first.sha256 == second.sha256
    assert first.created and not second.created
    assert list(file_store.iter_checksums()) == [first.sha256]
    assert not list(file_store.root.glob(".incoming-*"))


def test_size_cap_keeps_nothing(file_store):
    with pytest.raises(FileStoreError, match="larger than the limit"):
        file_store.put_stream(io.BytesIO(b"x" * (3 << 20)), max_size=1 << 20)
    assert list(file_store.iter_checksums()) == []
    assert not list(file_store.root.glob(".incoming-*"))


def test_missing_and_malformed_checksums(file_store):
    with pytest.raises(NotFound):
        file_store.open("0" * 64)
    with pytest.raises(FileStoreError):
        file_store.path("../../etc/passwd")
