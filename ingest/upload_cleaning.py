"""Removing abandoned and leftover uploads (:mod:`ingest.uploads`): the body of the
queue's hourly ``clean_uploads`` task and of ``warisan uploads clean``."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from catalog.models import utcnow
from catalog.upload_models import BatchStatus, Upload, UploadBatch, UploadStatus
from ingest.upload_settings import UploadSettings
from ingest.uploads import HOLDING, audit_upload

if TYPE_CHECKING:
    from catalog.store import Catalog

SYSTEM = "system"
"""The actor of :func:`clean` in the audit log."""


def clean(catalog: Catalog, settings: UploadSettings, now: dt.datetime | None = None) -> list[str]:
    """Remove abandoned and leftover uploads; returns the ids terminated.

    An upload ``receiving`` with nothing received for ``abandon_hours``, or a
    ``complete`` one left unused by its batch, closed (confirmed or cancelled) more
    than ``abandon_hours`` ago, is terminated (audited as ``system``) and its bytes
    deleted: neither counts against its user's quota any more. The ``.part`` files of
    rejected, terminated and used uploads, and files that belong to no upload and are
    older than ``abandon_hours``, are deleted too. Safe to run at any time, in any
    process.
    """
    now = now or utcnow()
    before = now - dt.timedelta(hours=settings.abandon_hours)
    ended: list[str] = []
    with catalog.session() as s:
        stale = s.scalars(
            select(Upload).where(
                Upload.status == UploadStatus.RECEIVING, Upload.updated_at < before
            )
        ).all()
        closed = s.scalars(
            select(Upload)
            .join(UploadBatch, UploadBatch.id == Upload.batch_id)
            .where(
                Upload.status == UploadStatus.COMPLETE,
                UploadBatch.status != BatchStatus.OPEN,
                UploadBatch.updated_at < before,
            )
        ).all()
        for upload in [*stale, *closed]:
            upload.status, upload.updated_at = UploadStatus.TERMINATED, now
            audit_upload(s, SYSTEM, "upload.abandon", upload, {"filename": upload.filename})
            ended.append(upload.id)
    _remove_leftovers(catalog, settings, before)
    return ended


def _remove_leftovers(catalog: Catalog, settings: UploadSettings, before: dt.datetime) -> None:
    if not settings.directory.is_dir():
        return
    files = {p.stem: p for p in settings.directory.glob("*.part")}
    with catalog.session() as s:
        keep = set(
            s.scalars(
                select(Upload.id).where(
                    Upload.id.in_(list(files)), Upload.status.in_([str(x) for x in HOLDING])
                )
            )
        )
        known = set(s.scalars(select(Upload.id).where(Upload.id.in_(list(files)))))
    cutoff = before.replace(tzinfo=dt.UTC).timestamp()
    for upload_id, path in files.items():
        if upload_id in keep:
            continue
        with contextlib.suppress(FileNotFoundError):
            if upload_id in known or path.stat().st_mtime < cutoff:
                path.unlink()
