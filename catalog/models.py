"""The union catalogue's tables (SQLAlchemy 2 declarative models).

Times are stored as naive UTC datetimes (``catalog.models.utcnow``). Lists and small
structures (titles with language, creators, word boxes, quality flags…) are JSON
columns so the same schema runs on SQLite and PostgreSQL.

Vocabulary of ``Record.type``: see :data:`RECORD_TYPES`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.base import NAMING, Base, utcnow


class ObjectStatus(enum.StrEnum):
    """Where a digital object is: waiting for its file, file stored, split into pages, failed."""

    PENDING = "pending"
    STORED = "stored"
    INGESTED = "ingested"
    FAILED = "failed"


class OcrStatus(enum.StrEnum):
    """Where a page's reading is: waiting, claimed by a worker, read (or text layer), failed."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AccessLevel(enum.StrEnum):
    """Who may see a record's or an object's digital content (its metadata is public
    whenever the record is visible). Decided by the partner in the workspace; an
    embargo makes a record ``METADATA`` until it ends (see :mod:`catalog.access`)."""

    OPEN = "open"
    """Everybody: page images, files, tiles, IIIF, OCR text."""
    METADATA = "metadata"
    """The description only: no image, file or text of the pages."""
    ONSITE = "onsite"
    """Content only in the partner's reading room: online, as ``METADATA``."""


class RightsSource(enum.StrEnum):
    """Where a record's ``rights_uri`` came from."""

    HARVEST = "harvest"
    """Mapped from the harvested rights text (re-mapped on every harvest)."""
    WORKSPACE = "workspace"
    """Chosen by the partner in the workspace: a harvest never overwrites it."""


class RunStatus(enum.StrEnum):
    """How a harvest run stands or ended."""

    RUNNING = "running"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    PARTIAL = "partial"
    COMPLETED = "completed"
    NEEDS_CONFIRMATION = "needs_confirmation"
    """Finished, but its deletions are held until a run with ``confirm_deletions``."""


RECORD_TYPES = (
    "text",
    "book",
    "manuscript",
    "newspaper",
    "periodical",
    "map",
    "image",
    "audio",
    "video",
    "object",
    "dataset",
    "other",
)
"""The catalogue's controlled vocabulary for ``Record.type``."""

INSTITUTION_TYPES = (
    "library",
    "archive",
    "museum",
    "university",
    "government",
    "community",
    "other",
)
"""Kinds of partner institution."""


class Partner(Base):
    """A partner institution and how to harvest it."""

    __tablename__ = "partner"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(200))
    institution_type: Mapped[str] = mapped_column(String(32), default="library")
    oai_url: Mapped[str | None] = mapped_column(String(1000))
    metadata_prefix: Mapped[str] = mapped_column(String(64), default="oai_dc")
    sets: Mapped[list[Any]] = mapped_column(default=list)
    scan_hosts: Mapped[list[Any]] = mapped_column(default=list)
    politeness_delay: Mapped[float] = mapped_column(Float, default=1.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    website: Mapped[str | None] = mapped_column(String(1000))
    # First contact, cached (Identify, ListMetadataFormats, ListSets) and when it was fetched.
    identify: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    formats: Mapped[list[Any] | None] = mapped_column(JSON)
    set_list: Mapped[list[Any] | None] = mapped_column(JSON)
    contacted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The public profile, edited by the partner in the workspace (catalog.profiles):
    # {"names": {lang: text}, "description": {lang: text}, "contacts": [...],
    #  "services": {lang: text}, "access_conditions": {lang: text}}; ``name`` stays the
    # catalogue's name of record. The logo is a validated, re-encoded image in the file
    # store (no foreign key: adding one would make SQLite rebuild this table, and its
    # ON DELETE CASCADE would take every record with it).
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    profile_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    records: Mapped[list[Record]] = relationship(back_populates="partner", lazy="raise")


class RawXml(Base):
    """The raw XML a record was mapped from, stored once by checksum."""

    __tablename__ = "raw_xml"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Record(Base):
    """One catalogue record: a partner's description of one heritage item.

    A deleted record stays as a tombstone (``deleted=True``) so the OAI-PMH provider can
    report persistent deletes. ``content_hash`` is the checksum of the mapped fields; an
    upsert whose identifier, datestamp and content are unchanged changes nothing.
    """

    __tablename__ = "record"
    __table_args__ = (
        UniqueConstraint("partner_id", "oai_identifier", name="uq_record_partner_oai_identifier"),
        Index("ix_record_changed", "last_changed"),
        Index("uq_record_partner_local_id", "partner_id", "local_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    oai_identifier: Mapped[str] = mapped_column(String(500))
    datestamp: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why and when the partner hid (withdrew) the record; kept while hidden, cleared on
    # restore. A harvest never touches ``hidden`` or these.
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The partner's control over the content (catalog.access): the access level, and an
    # embargo that keeps the record metadata-only until the given UTC time (released by
    # a scheduled job, which then clears it). A harvest never touches these.
    access: Mapped[str] = mapped_column(String(16), default=AccessLevel.OPEN)
    embargo_until: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    # How the record came (catalog.upload_models.RecordOrigin): a harvest touches only
    # records it brought ("harvested").
    origin: Mapped[str] = mapped_column(String(16), default="harvested")
    # A draft (an upload under review) is invisible to the public, search and OAI-PMH
    # until published; ``published_at`` is when it was first published (None: never,
    # so OAI-PMH does not even report it as deleted while it is a draft again).
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The partner's own identifier from a metadata sheet (``local_id`` column): the same
    # sheet uploaded again updates these records instead of adding new ones.
    local_id: Mapped[str | None] = mapped_column(String(200))
    # The upload batch that made the record, and the page shown as its cover (plain ids:
    # a foreign key added here would make SQLite rebuild the table, see Partner).
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
    cover_page_id: Mapped[int | None] = mapped_column(Integer)
    sets: Mapped[list[Any]] = mapped_column(default=list)

    title: Mapped[str | None] = mapped_column(Text)
    titles: Mapped[list[Any]] = mapped_column(default=list)
    creators: Mapped[list[Any]] = mapped_column(default=list)
    subjects: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str | None] = mapped_column(Text)
    date_original: Mapped[str | None] = mapped_column(String(300))
    # Not indexed: no query selects by it alone (the browse page counts decades over
    # visible records, the search index filters by year), and an index on it would cost
    # every harvested page writes.
    year_from: Mapped[int | None] = mapped_column(Integer)
    year_to: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32), default="other")
    languages: Mapped[list[Any]] = mapped_column(default=list)
    rights: Mapped[str | None] = mapped_column(Text)
    # The rights statement as a rightsstatements.org or Creative Commons URI (catalog.rights):
    # mapped from ``rights`` when it maps unambiguously, or chosen in the workspace
    # (``rights_source`` says which; a workspace choice survives every harvest).
    rights_uri: Mapped[str | None] = mapped_column(String(300), index=True)
    rights_source: Mapped[str | None] = mapped_column(String(16))
    identifiers: Mapped[list[Any]] = mapped_column(default=list)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    scan_urls: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    source_format: Mapped[str | None] = mapped_column(String(64))
    raw_xml_id: Mapped[int | None] = mapped_column(ForeignKey("raw_xml.id"))
    quality_flags: Mapped[list[Any]] = mapped_column(default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    first_harvested: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_changed: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # When the record's search documents became stale: set in the same transaction as
    # any change the index must see (upsert, tombstone, hide, pages stored, OCR results
    # written); None once they are indexed. Durable, so a process killed before indexing
    # loses nothing, and records settled together are indexed together (one index
    # commit for many records).
    index_due: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)

    partner: Mapped[Partner] = relationship(back_populates="records", lazy="joined")
    objects: Mapped[list[DigitalObject]] = relationship(
        back_populates="record", order_by="DigitalObject.id", lazy="selectin"
    )


class File(Base):
    """A file in the content-addressed file store (masters and derivatives)."""

    __tablename__ = "file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(300))
    original_name: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DigitalObject(Base):
    """A scan set of a record: harvested from a partner or uploaded by a digitization team."""

    __tablename__ = "digital_object"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(String(16), default="harvested")
    source_url: Mapped[str | None] = mapped_column(String(2000))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("file.sha256"))
    label: Mapped[str | None] = mapped_column(String(500))
    # The object's own access level, None to follow its record's (catalog.access).
    access: Mapped[str | None] = mapped_column(String(16))
    # Scans uploaded to a record that is already public wait here, invisible, until
    # published from the review screen (a draft record's objects are invisible anyway).
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=ObjectStatus.PENDING)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    record: Mapped[Record] = relationship(back_populates="objects")
    pages: Mapped[list[Page]] = relationship(
        back_populates="object", order_by="Page.order", lazy="selectin"
    )


class Page(Base):
    """One page image of a digital object and what OCR read on it.

    ``words`` is a list of ``[text, left, top, width, height, confidence, line_no]`` in the
    master image's pixel coordinates; ``lines`` a list of ``[left, top, width, height]``.
    """

    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("object_id", "order", name="uq_page_object_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("digital_object.id", ondelete="CASCADE"))
    order: Mapped[int] = mapped_column(Integer)
    image_sha256: Mapped[str] = mapped_column(ForeignKey("file.sha256"))
    display_sha256: Mapped[str | None] = mapped_column(ForeignKey("file.sha256"))
    thumb_sha256: Mapped[str | None] = mapped_column(ForeignKey("file.sha256"))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    words: Mapped[list[Any]] = mapped_column(default=list)
    lines: Mapped[list[Any]] = mapped_column(default=list)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(8))
    text_source: Mapped[str | None] = mapped_column(String(16))
    # (both indexed: the OCR cache finds a page read before by its key, and the queue's
    # recovery and status counts select by status; without them each is a table scan)
    ocr_status: Mapped[str] = mapped_column(String(16), default=OcrStatus.PENDING, index=True)
    ocr_key: Mapped[str | None] = mapped_column(String(64), index=True)
    ocr_error: Mapped[str | None] = mapped_column(Text)
    ocr_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The current accepted correction (catalog.upload_models.PageCorrection): the whole
    # corrected text and word boxes, searched and shown beside the original OCR above,
    # which is never overwritten; ``corrections`` counts the accepted versions.
    corrected_text: Mapped[str | None] = mapped_column(Text)
    corrected_words: Mapped[list[Any] | None] = mapped_column(JSON)
    corrected_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    corrections: Mapped[int] = mapped_column(Integer, default=0)

    object: Mapped[DigitalObject] = relationship(back_populates="pages")


class HarvestRun(Base):
    """One harvest of one partner: status, counts, checkpoint and report."""

    __tablename__ = "harvest_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(16), default="incremental")
    status: Mapped[str] = mapped_column(String(24), default=RunStatus.RUNNING)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    from_date: Mapped[str | None] = mapped_column(String(32))
    highest_datestamp: Mapped[str | None] = mapped_column(String(32))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Quarantine(Base):
    """A response page or record that could not be used, kept with its raw bytes."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_run.id", ondelete="CASCADE"))
    partner_id: Mapped[str] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    identifier: Mapped[str | None] = mapped_column(String(2000))
    error: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# The account tables (users, memberships, audit log) live in their own module; importing
# it here registers them on Base.metadata wherever the models are loaded (Alembic too).
from catalog.account_models import AuditEvent, Invitation, Membership, Role, User  # noqa: E402
from catalog.upload_models import (  # noqa: E402
    BatchStatus,
    CorrectionStatus,
    PageCorrection,
    RecordOrigin,
    RecordVersion,
    Upload,
    UploadBatch,
    UploadStatus,
)

__all__ = [
    "INSTITUTION_TYPES",
    "NAMING",
    "RECORD_TYPES",
    "AccessLevel",
    "AuditEvent",
    "Base",
    "BatchStatus",
    "CorrectionStatus",
    "DigitalObject",
    "File",
    "HarvestRun",
    "Invitation",
    "Membership",
    "ObjectStatus",
    "OcrStatus",
    "Page",
    "PageCorrection",
    "Partner",
    "Quarantine",
    "RawXml",
    "Record",
    "RecordOrigin",
    "RecordVersion",
    "RightsSource",
    "Role",
    "RunStatus",
    "Upload",
    "UploadBatch",
    "UploadStatus",
    "User",
    "utcnow",
]
