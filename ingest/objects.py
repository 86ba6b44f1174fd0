"""A digital object's file split into stored pages (masters, derivatives, Page rows).

:func:`ingest_object` is idempotent: an object that already has pages is left as it is.
Page rows are written in one transaction; when a file is bad, the object is marked
``failed`` with the error and no page is stored.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import select

from catalog.errors import Conflict, IngestError, NotFound
from catalog.files import FileStore
from catalog.models import DigitalObject, File, ObjectStatus, OcrStatus, Page
from catalog.pagetext import PageText
from catalog.store import Catalog
from ingest import images, intake
from ingest.pages import mark_due, write_text
from ingest.settings import IngestSettings


@dataclasses.dataclass(frozen=True)
class ObjectOutcome:
    """What :func:`ingest_object` did: ``pages_to_ocr`` are the ids still needing OCR."""

    object_id: int
    record_id: int
    pages: int
    pages_to_ocr: list[int]
    created: bool


def store_file(catalog: Catalog, files: FileStore, path: Path, name: str | None) -> File:
    """Put a file into the store and make sure it has a ``File`` row."""
    stored = files.put_file(path)
    return ensure_file_row(
        catalog, stored.sha256, intake.sniff(path, name), stored.size, stored.relpath, name
    )


def ensure_file_row(
    catalog: Catalog, sha256: str, media_type: str, size: int, relpath: str, name: str | None
) -> File:
    """The ``File`` row of a stored file, created when missing."""
    with catalog.session() as s:
        row = s.get(File, sha256)
        if row is None:
            row = File(
                sha256=sha256, media_type=media_type, size=size, path=relpath, original_name=name
            )
            s.add(row)
        return row


def ingest_object(
    catalog: Catalog, files: FileStore, object_id: int, settings: IngestSettings
) -> ObjectOutcome:
    """Split the object's stored file into pages; returns the pages still needing OCR.

    Raises :class:`IngestError` (after marking the object failed) for a bad file, and
    :class:`NotFound` when the object or its file is missing.
    """
    obj, source = _load(catalog, files, object_id)
    if obj.pages:
        todo = [p.id for p in obj.pages if p.ocr_status != OcrStatus.DONE]
        return ObjectOutcome(obj.id, obj.record_id, len(obj.pages), todo, created=False)
    created: list[str] = []
    try:
        pages, new_files = _build_pages(files, source, settings, created)
        page_ids = _save(catalog, object_id, pages, new_files)
    except Conflict:  # another worker stored the pages first
        return ingest_object(catalog, files, object_id, settings)
    except IngestError as exc:
        _discard(catalog, files, created)
        mark_failed(catalog, object_id, exc.message)
        raise
    todo = [pid for pid, (_, layer) in zip(page_ids, pages, strict=True) if layer is None]
    return ObjectOutcome(obj.id, obj.record_id, len(page_ids), todo, created=True)


def mark_failed(catalog: Catalog, object_id: int, error: str) -> None:
    """Record that an object could not be ingested, with the error people will see."""
    with catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is not None:
            obj.status, obj.error = ObjectStatus.FAILED, error


def _load(catalog: Catalog, files: FileStore, object_id: int) -> tuple[DigitalObject, File]:
    with catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is None:
            raise NotFound(f"no digital object {object_id}", object=object_id)
        if not obj.file_sha256:
            raise NotFound(f"digital object {object_id} has no file yet", object=object_id)
        source = s.get(File, obj.file_sha256)
        if source is None or not files.exists(obj.file_sha256):
            raise NotFound(f"file of digital object {object_id} is missing", object=object_id)
        return obj, source


def _build_pages(
    files: FileStore, source: File, settings: IngestSettings, created: list[str]
) -> tuple[list[tuple[Page, PageText | None]], dict[str, File]]:
    """Store each page's master and derivatives; returns the new rows with their PDF text
    layers (None for a page to OCR) and the new ``File`` rows."""
    pages: list[tuple[Page, PageText | None]] = []
    new_files: dict[str, File] = {}

    def put(data: bytes, media: str) -> str:
        stored = files.put_bytes(data)
        if stored.created:
            created.append(stored.sha256)
        new_files.setdefault(
            stored.sha256,
            File(sha256=stored.sha256, media_type=media, size=stored.size, path=stored.relpath),
        )
        return stored.sha256

    path = files.path(source.sha256)
    for order, page in enumerate(intake.iter_pages(path, settings, source.original_name), 1):
        master = put(page.master, page.master_type) if page.master else source.sha256
        display, thumb = images.derivatives(
            page.image, settings.display_side, settings.thumb_side, settings.display_quality
        )
        row = Page(
            order=order,
            image_sha256=master,
            display_sha256=put(display, "image/jpeg"),
            thumb_sha256=put(thumb, "image/jpeg"),
            width=page.image.width,
            height=page.image.height,
            ocr_status=OcrStatus.PENDING,
        )
        pages.append((row, page.text_layer))
    return pages, new_files


def _save(
    catalog: Catalog,
    object_id: int,
    pages: list[tuple[Page, PageText | None]],
    new_files: dict[str, File],
) -> list[int]:
    with catalog.session() as s:
        known = set(s.scalars(select(File.sha256).where(File.sha256.in_(list(new_files)))))
        s.add_all(f for sha, f in new_files.items() if sha not in known)
        s.flush()
        obj = s.get(DigitalObject, object_id)
        rows = [row for row, _ in pages]
        for row in rows:
            row.object_id = object_id
        s.add_all(rows)
        obj.status, obj.error = ObjectStatus.INGESTED, None
        s.flush()
        for row, layer in pages:  # text layers index now; OCR'd pages mark it again
            if layer is not None:
                write_text(s, row.id, obj.record_id, layer)
        mark_due(s, obj.record_id)
        return [row.id for row in rows]


def _discard(catalog: Catalog, files: FileStore, created: list[str]) -> None:
    """Remove files this attempt added that no ``File`` row points at."""
    if not created:
        return
    with catalog.session() as s:
        referenced = set(s.scalars(select(File.sha256).where(File.sha256.in_(created))))
    for sha in created:
        if sha not in referenced:
            files.path(sha).unlink(missing_ok=True)
