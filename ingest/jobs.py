"""The ingest pipeline's jobs: split an object into pages, OCR a page (and a few taken
along), with the bookkeeping of failures and retries.

Jobs are plain functions of ``(catalog, files, settings, id)``; a queue (the portal
registers them with huey) runs them and queues what they hand back. The catalogue is
the durable state: every job is idempotent, so running one twice costs nothing, and a
job killed half-way is found again by :func:`ingest.work.pending_work`.

Errors are sorted in two: what trying again cannot mend (a bad file, a missing object)
marks the object or page ``failed`` with the error at once; anything else is written
on the object or page and raised for the queue to try again, and marks it ``failed``
on the ``last_try``.
"""

from __future__ import annotations

import dataclasses

from catalog.errors import IngestError, NotFound, OcrError, WarisanError
from catalog.files import FileStore
from catalog.models import DigitalObject, ObjectStatus, OcrStatus
from catalog.store import Catalog
from ingest import objects, pages, work
from ingest.settings import IngestSettings

TRANSIENT = (WarisanError, OSError)
"""Errors a job raises for the queue to try it again (after the permanent ones are sorted out)."""


@dataclasses.dataclass(frozen=True)
class Next:
    """What a job leaves to other jobs: pages to OCR, each in its own job, and whether
    records are settled (the indexer should run). ``retry``: an error to raise once
    these are queued, so that the queue tries the job again. ``models``: the Tesseract
    language string of each page Tesseract read in this job (for reports)."""

    ocr: tuple[int, ...] = ()
    index: bool = False
    retry: Exception | None = None
    result: str = ""
    models: tuple[str, ...] = ()


def ingest_object(
    catalog: Catalog,
    files: FileStore,
    settings: IngestSettings,
    object_id: int,
    *,
    last_try: bool = True,
) -> Next:
    """Split an object's stored file into pages (:func:`ingest.objects.ingest_object`);
    next, its pages to OCR, or the indexer when none needs OCR (a PDF text layer)."""
    try:
        outcome = objects.ingest_object(catalog, files, object_id, settings)
    except (IngestError, NotFound) as exc:
        objects.mark_failed(catalog, object_id, str(exc))
        return Next()
    except TRANSIENT as exc:
        note_failure(catalog, exc, object_id=object_id, last_try=last_try)
        raise
    return Next(ocr=tuple(outcome.pages_to_ocr), index=not outcome.pages_to_ocr)


def ocr_page(
    catalog: Catalog,
    files: FileStore,
    settings: IngestSettings,
    page_id: int,
    *,
    last_try: bool = True,
) -> Next:
    """OCR a page and a few pending pages read the same way, in one Tesseract process
    (:func:`ingest.pages.ocr_pages`); the jobs of the pages taken along find them done.

    Next: the pages taken along whose reading failed, each to be queued again on its
    own; the indexer when a record whose pages were read is settled. ``result`` is the
    page's action (``ocr``, ``cached``, ``skipped``, …, ``missing``, ``failed``). When
    Tesseract failed on the page itself, ``retry`` holds the error to raise.
    """
    try:
        outcomes = pages.ocr_pages(
            catalog,
            files,
            page_id,
            settings,
            batch=settings.ocr_batch,
            share=settings.processes,
        )
    except NotFound:
        return Next(result="missing")
    except TRANSIENT as exc:
        note_failure(catalog, exc, page_id=page_id, last_try=last_try)
        raise
    lead, others = outcomes[0], outcomes[1:]
    again = tuple(o.page_id for o in others if o.action == "retry")
    read = dict.fromkeys(o.record_id for o in outcomes if o.action in ("ocr", "cached"))
    index = any(record_settled(catalog, record_id) for record_id in read)
    models = tuple(o.models for o in outcomes if o.action == "ocr" and o.models)
    if isinstance(lead.error, OcrError):  # Tesseract failed: the queue tries again
        note_failure(catalog, lead.error, page_id=page_id, last_try=last_try)
        return Next(again, index, retry=lead.error, result=lead.action, models=models)
    if lead.error is not None:  # an unreadable master: trying again cannot help
        pages.release(catalog, page_id, None, OcrStatus.FAILED, str(lead.error))
        return Next(again, index, result="failed", models=models)
    return Next(again, index, result=lead.action, models=models)


def record_settled(catalog: Catalog, record_id: int) -> bool:
    """True when no page of the record waits for OCR or is being read."""
    counts = work.page_counts(catalog, record_id=record_id)
    return counts[OcrStatus.PENDING] == 0 and counts[OcrStatus.RUNNING] == 0


def note_failure(
    catalog: Catalog,
    exc: BaseException,
    *,
    object_id: int | None = None,
    page_id: int | None = None,
    last_try: bool,
) -> None:
    """Before the queue tries a job again: keep the error visible on the page or object;
    on the last try mark it ``failed``."""
    message = f"{type(exc).__name__}: {exc}"
    if page_id is not None:
        status = OcrStatus.FAILED if last_try else OcrStatus.PENDING
        pages.release(catalog, page_id, None, status, message)
    if object_id is not None:
        with catalog.session() as s:
            obj = s.get(DigitalObject, object_id)
            if obj is not None:
                obj.error = message
                if last_try:
                    obj.status = ObjectStatus.FAILED


__all__ = ["TRANSIENT", "Next", "ingest_object", "note_failure", "ocr_page", "record_settled"]
