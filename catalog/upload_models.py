"""The tables of the digitization workspace: resumable uploads, upload batches with
their metadata sheet, record versions and OCR corrections.

- :class:`Upload` is one file sent over tus (``portal/views/workspace/tus``): its bytes
  stream into ``uploads/<id>.part`` under the instance folder until ``offset`` reaches
  ``length``; then it is checked (type sniffed, pages read) and either ``complete`` or
  ``rejected`` with a message. Operations: :mod:`ingest.uploads`.
- :class:`UploadBatch` groups the uploads and the optional sheet (CSV or XLSX) of one
  batch; nothing is catalogued until the operator confirms its preview. Operations:
  :mod:`ingest.sheets` and :mod:`ingest.batches`.
- :class:`RecordVersion` keeps a record's fields as they were before a workspace change
  replaced them (a sheet uploaded again, an edit), so nothing is lost.
- :class:`PageCorrection` is one version of a page's corrected text; the page's original
  OCR (``Page.text``/``Page.words``) is never overwritten. Operations:
  :mod:`ingest.corrections`.

Imported by :mod:`catalog.models`, so Alembic and ``Base.metadata`` see them.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.base import Base, utcnow


class UploadStatus(enum.StrEnum):
    """Where an upload is."""

    RECEIVING = "receiving"
    """Created; bytes still coming (``offset < length``)."""
    COMPLETE = "complete"
    """Every byte received and the file checked: ready to be used by its batch."""
    REJECTED = "rejected"
    """Received but refused (``error`` says why); its bytes are removed."""
    USED = "used"
    """Stored in the file store and attached to a record (``file_sha256``)."""
    TERMINATED = "terminated"
    """Cancelled by the client (tus termination) or cleaned up when abandoned."""


class BatchStatus(enum.StrEnum):
    """Where an upload batch is."""

    OPEN = "open"
    """Receiving files and/or a sheet; nothing catalogued yet."""
    CONFIRMED = "confirmed"
    """The operator confirmed the preview: records and objects are made (as drafts)."""
    CANCELLED = "cancelled"


class RecordOrigin(enum.StrEnum):
    """How a record came into the catalogue; a harvest touches only ``HARVESTED`` ones."""

    HARVESTED = "harvested"
    UPLOADED = "uploaded"
    """Made for uploaded scans (a batch, ``warisan ingest``)."""
    CATALOGUED = "catalogued"
    """Described in the workspace (a sheet row without scans)."""


class CorrectionStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    """Shown and searched (a partner member's correction, or an approved suggestion)."""
    PENDING = "pending"
    """A registered researcher's suggestion waiting for the partner's approval."""
    REJECTED = "rejected"


class UploadBatch(Base):
    """One batch of files (and/or a metadata sheet) uploaded by one user for a partner.

    ``language`` is the batch's ISO 639-3 hint for records without their own.
    ``sheet`` is the uploaded sheet's parsed preview: ``{"name", "sha256", "rows":
    [...], "errors": [{"row", "column", "message"}]}`` (see :mod:`ingest.sheets`);
    ``report`` the outcome of confirming it (per row and file).
    """

    __tablename__ = "upload_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    label: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=BatchStatus.OPEN)
    sheet: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Upload(Base):
    """One file sent with the tus protocol.

    ``id`` is the random token in the upload's URL. ``length`` is the size announced at
    creation (``Upload-Length``), ``offset`` how many bytes are on disk; ``meta`` the
    decoded ``Upload-Metadata`` (``filename``, ``filetype``…, as sent: never trusted).
    ``media_type`` and ``pages`` are filled by the check once complete.
    """

    __tablename__ = "upload"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    partner_id: Mapped[str] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("upload_batch.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(500))
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.RECEIVING, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(100))
    pages: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RecordVersion(Base):
    """A record's mapped fields as they were before a workspace change replaced them.

    ``number`` is the record's ``version`` at the time; ``fields`` the mapped fields
    (the :class:`catalog.records.RecordData` field names); ``source`` what replaced
    them (``sheet:<batch id>``, ``edit``…).
    """

    __tablename__ = "record_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PageCorrection(Base):
    """One version of a page's corrected text.

    ``lines`` is ``[[line_no, corrected text], ...]`` for the lines this version changed;
    ``text`` and ``words`` the page's whole corrected text and word boxes after it (the
    shape of ``Page.words``), so any version can be shown again. ``number`` counts from
    1 per page.
    """

    __tablename__ = "page_correction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default=CorrectionStatus.ACCEPTED)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
