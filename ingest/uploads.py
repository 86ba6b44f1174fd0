"""Resumable uploads: the storage side of the tus 1.0 protocol (core, creation,
termination) over the :class:`~catalog.upload_models.Upload` table.

The HTTP side is ``portal/views/workspace/tus.py``; this module knows no HTTP and no
Flask. Its promises:

- :func:`create` refuses a length over :attr:`UploadSettings.max_bytes` or over the
  user's quota (:class:`UploadTooLarge`, HTTP 413) and asks the policy for
  :data:`~catalog.policy.Action.UPLOAD_SCANS` on the *batch's* partner;
- :func:`append` streams bytes from a file-like object to ``<directory>/<id>.part`` in
  chunks of :attr:`UploadSettings.chunk_bytes` (never a whole file in memory), only at
  the upload's current offset (else :class:`~catalog.errors.Conflict`, 409), never past
  its length, one writer at a time (a second one gets 409). Every chunk is handed to the
  operating system as it arrives, so bytes received before a crash or a dropped
  connection count: the ``.part`` file's size is the offset (:func:`get` reconciles the
  stored offset with it);
- when the offset reaches the length, the file is checked with
  :func:`ingest.intake.check_file` (type sniffed from the bytes, decompression bombs,
  truncated and empty files): the upload becomes ``complete`` (``media_type``,
  ``pages``) or ``rejected`` (``error``, the bytes deleted). Both are audited;
- only the user who created an upload sees it: another user's id is
  :class:`~catalog.errors.NotFound` (404), like an unknown one.

A complete upload waits for its batch to be confirmed (:mod:`ingest.batches`), which
stores its bytes (:func:`upload_path`) with :func:`ingest.objects.store_file` and calls
:func:`mark_used`. :func:`ingest.upload_cleaning.clean` removes abandoned and leftover
uploads.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import policy
from catalog.audit import Actor, record_audit
from catalog.errors import Conflict, IngestError, InvalidInput, NotFound
from catalog.models import utcnow
from catalog.policy import Action, Principal
from catalog.upload_models import BatchStatus, Upload, UploadBatch, UploadStatus
from ingest import intake
from ingest.upload_settings import UploadSettings

if TYPE_CHECKING:
    from catalog.store import Catalog

MAX_FILENAME = 255
"""Longest file name kept (characters); a longer one is cut."""
HOLDING = (UploadStatus.RECEIVING, UploadStatus.COMPLETE)
"""Statuses whose lengths count against a user's quota."""


class UploadTooLarge(InvalidInput):
    """A file larger than the cap, or more than the user's quota allows (HTTP 413).

    ``limit`` is the cap or the quota in bytes; ``kind`` is ``file`` or ``quota``."""

    status = 413


class UploadGone(NotFound):
    """An upload that was terminated, rejected or used: it takes no more bytes (410)."""

    status = 410


def upload_path(settings: UploadSettings, upload: Upload | str) -> Path:
    """Where an upload's bytes are (``<directory>/<id>.part``); for a ``complete``
    upload, the whole checked file."""
    upload_id = upload if isinstance(upload, str) else upload.id
    return settings.directory / f"{upload_id}.part"


# -- creation -----------------------------------------------------------------------


def create(
    catalog: Catalog,
    settings: UploadSettings,
    principal: Principal,
    batch_id: int,
    length: int,
    meta: Mapping[str, str],
) -> Upload:
    """A new upload of ``length`` bytes into batch ``batch_id`` for ``principal``.

    ``meta`` is the decoded ``Upload-Metadata``; its ``filename`` (or ``name``) names
    the file (reduced to its last path part; ``upload`` when absent). Raises
    :class:`NotFound` for an unknown batch, :class:`Forbidden` without
    ``UPLOAD_SCANS`` on the batch's partner, :class:`Conflict` when the batch is no
    longer open, :class:`InvalidInput` for a negative length and
    :class:`UploadTooLarge` over the cap or the quota. A zero-length upload is finished
    (and rejected as empty) at once.
    """
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise InvalidInput("the upload length must be a whole number of bytes", length=length)
    if length > settings.max_bytes:
        raise UploadTooLarge(
            f"the file has {length} bytes; the largest accepted is {settings.max_bytes}",
            limit=settings.max_bytes,
            kind="file",
        )
    settings.directory.mkdir(parents=True, exist_ok=True)
    with catalog.session() as s:
        batch = s.get(UploadBatch, batch_id)
        if batch is None:
            raise NotFound(f"batch {batch_id} does not exist", batch=batch_id)
        policy.require(principal, Action.UPLOAD_SCANS, batch.partner_id)
        if batch.status != BatchStatus.OPEN:
            raise Conflict(f"batch {batch_id} is {batch.status}: it takes no more files")
        holding = _holding(s, principal.user_id)
        if holding + length > settings.quota_bytes:
            raise UploadTooLarge(
                f"this file ({length} bytes) and your unfinished uploads ({holding} bytes) "
                f"are more than your quota of {settings.quota_bytes} bytes",
                limit=settings.quota_bytes,
                kind="quota",
            )
        upload = Upload(
            id=secrets.token_hex(16),
            user_id=principal.user_id,
            partner_id=batch.partner_id,
            batch_id=batch.id,
            filename=clean_filename(meta.get("filename") or meta.get("name") or ""),
            length=length,
            offset=0,
            meta=dict(meta),
            status=UploadStatus.RECEIVING,
        )
        s.add(upload)
    upload_path(settings, upload).touch()
    if length == 0:
        return _finish(catalog, settings, principal, upload.id)
    return upload


def clean_filename(name: str) -> str:
    """A file name as sent, reduced to its last path part without control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_FILENAME] or "upload"


def _holding(s: Session, user_id: int | None) -> int:
    """Bytes of ``user_id``'s uploads that are arriving or waiting to be used."""
    total = s.scalar(
        select(func.coalesce(func.sum(Upload.length), 0)).where(
            Upload.user_id == user_id, Upload.status.in_([str(x) for x in HOLDING])
        )
    )
    return int(total or 0)


# -- reading and appending ----------------------------------------------------------


def get(catalog: Catalog, settings: UploadSettings, principal: Principal, upload_id: str) -> Upload:
    """The principal's own upload (for a tus ``HEAD``), its offset brought up to the
    bytes on disk. :class:`NotFound` for an unknown id or one of another user,
    :class:`UploadGone` for one that takes no more bytes (terminated, rejected, used)."""
    with catalog.session() as s:
        upload = _own(s, principal, upload_id)
        if upload.status == UploadStatus.RECEIVING:
            upload.offset = _on_disk(settings, upload)
        return upload


def append(
    catalog: Catalog,
    settings: UploadSettings,
    principal: Principal,
    upload_id: str,
    offset: int,
    stream: IO[bytes],
) -> Upload:
    """Write the bytes read from ``stream`` at ``offset`` (a tus ``PATCH``); returns the
    upload with its new offset, finished (complete or rejected) when every byte is in.

    ``offset`` must be the upload's current offset, else :class:`Conflict`; so must be
    the only writer. Bytes beyond the announced length are refused
    (:class:`UploadTooLarge`; this request's bytes are dropped). An error while reading
    ``stream`` (a dropped connection) keeps the bytes read before it and is raised.
    """
    with catalog.session() as s:
        upload = _own(s, principal, upload_id)
        if upload.status != UploadStatus.RECEIVING:
            raise Conflict(f"upload {upload_id} is {upload.status}", upload=upload_id)
        length = upload.length
    path = upload_path(settings, upload_id)
    with _locked(path, upload_id) as fd:
        written = os.fstat(fd).st_size
        if offset != written:
            _save_offset(catalog, upload_id, written)
            raise Conflict(
                f"the upload is at offset {written}, not {offset}",
                upload=upload_id,
                offset=written,
            )
        try:
            written = _copy(stream, fd, offset, length, settings.chunk_bytes)
        finally:
            _save_offset(catalog, upload_id, os.fstat(fd).st_size)
    if written == length:
        return _finish(catalog, settings, principal, upload_id)
    with catalog.session() as s:
        return _own(s, principal, upload_id)


def _copy(stream: IO[bytes], fd: int, offset: int, length: int, chunk: int) -> int:
    """Copy ``stream`` to ``fd`` from ``offset`` up to ``length``; the new offset."""
    os.lseek(fd, offset, os.SEEK_SET)
    position = offset
    while position < length:
        data = stream.read(min(chunk, length - position))
        if not data:
            break
        os.write(fd, data)
        position += len(data)
    if position == length and stream.read(1):
        os.ftruncate(fd, offset)
        raise UploadTooLarge(
            f"more bytes were sent than the {length} announced", limit=length, kind="file"
        )
    os.fsync(fd)
    return position


@contextlib.contextmanager
def _locked(path: Path, upload_id: str) -> Iterator[int]:
    """The ``.part`` file open for writing, locked against a second writer."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError as exc:
        raise Conflict(f"upload {upload_id} cannot be written ({exc.strerror})") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Conflict("another request is writing this upload", upload=upload_id) from exc
        yield fd
    finally:
        os.close(fd)


def _on_disk(settings: UploadSettings, upload: Upload) -> int:
    try:
        size = upload_path(settings, upload).stat().st_size
    except FileNotFoundError:
        size = 0
    return min(size, upload.length)


def _save_offset(catalog: Catalog, upload_id: str, offset: int) -> None:
    with catalog.session() as s:
        upload = s.get(Upload, upload_id)
        if upload is not None and upload.status == UploadStatus.RECEIVING:
            upload.offset = min(offset, upload.length)
            upload.updated_at = utcnow()


def _own(s: Session, principal: Principal, upload_id: str) -> Upload:
    upload = s.get(Upload, upload_id) if upload_id else None
    if upload is None or principal.user_id is None or upload.user_id != principal.user_id:
        raise NotFound(f"upload {upload_id} does not exist", upload=upload_id)
    policy.require(principal, Action.UPLOAD_SCANS, upload.partner_id)
    if upload.status in (UploadStatus.TERMINATED, UploadStatus.REJECTED, UploadStatus.USED):
        raise UploadGone(f"upload {upload_id} is {upload.status}", upload=upload_id)
    return upload


# -- finishing ----------------------------------------------------------------------


def _finish(catalog: Catalog, settings: UploadSettings, actor: Principal, upload_id: str) -> Upload:
    """Check a fully received upload: ``complete`` or ``rejected``, audited."""
    with catalog.session() as s:
        upload = s.get(Upload, upload_id)
        name, status = upload.filename, upload.status
    if status != UploadStatus.RECEIVING:  # terminated meanwhile
        return upload
    path = upload_path(settings, upload_id)
    media: str | None = None
    pages: int | None = None
    error: str | None = None
    try:
        media = intake.sniff(path, name)
        pages = intake.check_file(path, settings.ingest, name)
    except IngestError as exc:
        error = exc.message
    with catalog.session() as s:
        upload = s.get(Upload, upload_id)
        upload.completed_at = upload.updated_at = utcnow()
        upload.offset = upload.length
        if error is None:
            upload.status, upload.media_type, upload.pages = UploadStatus.COMPLETE, media, pages
            after: dict[str, Any] = {"filename": name, "media_type": media, "pages": pages}
        else:
            upload.status, upload.error = UploadStatus.REJECTED, error
            after = {"filename": name, "error": error}
        after["length"] = upload.length
        action = "upload.complete" if error is None else "upload.reject"
        audit_upload(s, actor, action, upload, after)
    if error is not None:
        path.unlink(missing_ok=True)
    return upload


def audit_upload(s: Session, actor: Actor, action: str, upload: Upload, after: dict) -> None:
    """An audit event of ``action`` on ``upload`` in the caller's session."""
    after = {"batch": upload.batch_id, **after}
    record_audit(s, actor, action, ("upload", upload.id), None, after, partner_id=upload.partner_id)


# -- termination, use and cleaning ---------------------------------------------------


def terminate(
    catalog: Catalog, settings: UploadSettings, principal: Principal, upload_id: str
) -> None:
    """Cancel the principal's own upload (a tus ``DELETE``): its bytes are deleted and
    it is ``terminated`` (audited). An upload already used by its batch cannot be
    (:class:`UploadGone`, like a terminated or rejected one)."""
    with catalog.session() as s:
        upload = _own(s, principal, upload_id)
        upload.status, upload.updated_at = UploadStatus.TERMINATED, utcnow()
        audit_upload(s, principal, "upload.terminate", upload, {"filename": upload.filename})
    upload_path(settings, upload_id).unlink(missing_ok=True)


def mark_used(s: Session, upload_id: str, *, file_sha256: str, record_id: int) -> Upload:
    """Mark a ``complete`` upload ``used`` in the caller's session (the batch confirm's
    transaction), once its bytes are in the file store as ``file_sha256`` and attached
    to ``record_id``. Its ``.part`` file is left for :func:`clean` (removed only after
    the transaction commits). :class:`Conflict` unless the upload is complete."""
    upload = s.get(Upload, upload_id)
    if upload is None or upload.status != UploadStatus.COMPLETE:
        state = "missing" if upload is None else upload.status
        raise Conflict(f"upload {upload_id} is {state}, not complete", upload=upload_id)
    upload.status, upload.updated_at = UploadStatus.USED, utcnow()
    upload.file_sha256, upload.record_id = file_sha256, record_id
    return upload


def complete_uploads(catalog: Catalog, batch_id: int) -> list[Upload]:
    """The batch's ``complete`` uploads (checked, not yet used), by file name then
    creation. Their bytes are at :func:`upload_path`; a sheet row names its files by
    :attr:`Upload.filename`."""
    with catalog.session() as s:
        rows = s.scalars(
            select(Upload)
            .where(Upload.batch_id == batch_id, Upload.status == UploadStatus.COMPLETE)
            .order_by(Upload.filename, Upload.created_at)
        )
        return list(rows)


def batch_uploads(catalog: Catalog, batch_id: int) -> list[Upload]:
    """Every upload of a batch but the terminated ones, newest first (for its page)."""
    with catalog.session() as s:
        rows = s.scalars(
            select(Upload)
            .where(Upload.batch_id == batch_id, Upload.status != UploadStatus.TERMINATED)
            .order_by(Upload.created_at.desc(), Upload.filename)
        )
        return list(rows)
