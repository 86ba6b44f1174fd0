"""The work still to do, read from the catalogue (the durable state behind the queue).

Queued jobs can be lost when a worker is killed; the catalogue cannot. A worker that
starts (and ``warisan ocr --pending``) asks these functions what is unfinished and queues
it again; the jobs themselves are idempotent, so queuing twice costs nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select, update

from catalog.models import DigitalObject, ObjectStatus, OcrStatus, Page
from catalog.store import Catalog
from ingest.pages import claim_is_stale

WAITING_OBJECT = (ObjectStatus.PENDING, ObjectStatus.STORED)


@dataclasses.dataclass(frozen=True)
class PendingWork:
    """Ids of harvested objects to fetch, objects to split into pages, pages to OCR, and
    (filled in by the caller that runs the indexer, :func:`search.indexing.due_records`)
    settled records whose search documents are stale."""

    fetch: list[int]
    ingest: list[int]
    ocr: list[int]
    index: list[int] = dataclasses.field(default_factory=list)

    def __len__(self) -> int:
        return len(self.fetch) + len(self.ingest) + len(self.ocr) + len(self.index)


def pending_work(
    catalog: Catalog,
    *,
    record_id: int | None = None,
    lease: dt.timedelta = dt.timedelta(minutes=15),
) -> PendingWork:
    """Everything unfinished (optionally of one record); running pages only when their
    claim is stale (owner gone or lease over)."""
    with catalog.session() as s:
        objects = select(
            DigitalObject.id, DigitalObject.file_sha256, DigitalObject.source_url
        ).where(DigitalObject.status.in_(WAITING_OBJECT))
        pages = (
            select(Page.id, Page.ocr_status, Page.ocr_key, Page.ocr_at)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .where(Page.ocr_status.in_((OcrStatus.PENDING, OcrStatus.RUNNING)))
        )
        if record_id is not None:
            objects = objects.where(DigitalObject.record_id == record_id)
            pages = pages.where(DigitalObject.record_id == record_id)
        fetch, ingest = [], []
        for oid, sha, url in s.execute(objects.order_by(DigitalObject.id)):
            if sha:
                ingest.append(oid)
            elif url:
                fetch.append(oid)
        ocr = [
            pid
            for pid, status, key, at in s.execute(pages.order_by(Page.id))
            if status == OcrStatus.PENDING or claim_is_stale(key, at, lease)
        ]
    return PendingWork(fetch, ingest, ocr)


def page_counts(catalog: Catalog, *, record_id: int | None = None) -> dict[str, int]:
    """Pages per OCR status (pending, running, done, failed), optionally of one record."""
    with catalog.session() as s:
        query = select(Page.ocr_status, func.count()).join(
            DigitalObject, Page.object_id == DigitalObject.id
        )
        if record_id is not None:
            query = query.where(DigitalObject.record_id == record_id)
        counts = dict(s.execute(query.group_by(Page.ocr_status)).all())
    return {str(status): counts.get(status, 0) for status in OcrStatus}


def failures(catalog: Catalog, *, limit: int = 50) -> list[dict]:
    """Failed objects and pages with their errors, newest first (for reports)."""
    with catalog.session() as s:
        objs = s.execute(
            select(DigitalObject.id, DigitalObject.record_id, DigitalObject.error)
            .where(DigitalObject.status == ObjectStatus.FAILED)
            .order_by(DigitalObject.id.desc())
            .limit(limit)
        ).all()
        pages = s.execute(
            select(Page.id, Page.object_id, Page.ocr_error)
            .where(Page.ocr_status == OcrStatus.FAILED)
            .order_by(Page.id.desc())
            .limit(limit)
        ).all()
    return [{"object": o, "record": r, "error": e} for o, r, e in objs] + [
        {"page": p, "object": o, "error": e} for p, o, e in pages
    ]


def retry_failed(catalog: Catalog, *, record_id: int | None = None) -> tuple[int, int]:
    """Put failed objects and pages (optionally of one record) back to be done again;
    returns ``(objects, pages)`` changed. Objects with a file go back to ``stored``,
    harvested ones without a file to ``pending`` (to be fetched)."""
    with catalog.session() as s:
        objects = select(DigitalObject.id).where(DigitalObject.status == ObjectStatus.FAILED)
        pages = (
            select(Page.id)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .where(Page.ocr_status == OcrStatus.FAILED)
        )
        if record_id is not None:
            objects = objects.where(DigitalObject.record_id == record_id)
            pages = pages.where(DigitalObject.record_id == record_id)
        object_ids, page_ids = list(s.scalars(objects)), list(s.scalars(pages))
        for has_file, status in ((True, ObjectStatus.STORED), (False, ObjectStatus.PENDING)):
            s.execute(
                update(DigitalObject)
                .where(
                    DigitalObject.id.in_(object_ids),
                    DigitalObject.file_sha256.isnot(None)
                    if has_file
                    else DigitalObject.file_sha256.is_(None),
                )
                .values(status=status, error=None)
            )
        s.execute(
            update(Page)
            .where(Page.id.in_(page_ids))
            .values(ocr_status=OcrStatus.PENDING, ocr_error=None)
        )
    return len(object_ids), len(page_ids)
