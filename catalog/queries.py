"""The read model: named queries over the catalogue.

The portal (pages, API, IIIF, OAI-PMH provider, status page) reads the catalogue only
through these and builds no SQL; the libraries use the shared rules here (visibility,
the latest run). Results are model objects or small frozen dataclasses. A record is
*visible* to the public when it is neither deleted (a tombstone), nor hidden, nor a
draft: :data:`VISIBLE` and :func:`is_visible` are that rule, for queries and for loaded
rows. The OAI-PMH provider alone reads invisible records too, to report them as deleted
(except drafts never published, which it does not know: :data:`EXPOSED`).

A visible record's *published* objects are public; its draft objects (scans added to a
public record, waiting for review) are not, anywhere: :data:`PUBLISHED_OBJECT`,
:func:`is_published` and :func:`published_objects` are that rule. A record loaded by
:func:`public_record` (or with :func:`published_objects`) has only its published objects
in ``record.objects``, so what reads it — record page, API, IIIF, search documents —
cannot show a draft object; the queries over pages and files here filter the same way,
so a draft object's files, tiles and manifest answer 404.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Load, defer, selectinload

from catalog import access
from catalog.errors import NotFound, Withdrawn
from catalog.models import AccessLevel, DigitalObject, File, HarvestRun, Page, Partner, Record
from catalog.pagetext import page_at

if TYPE_CHECKING:
    from catalog.store import Catalog

VISIBLE: ColumnElement[bool] = and_(
    Record.deleted.is_(False), Record.hidden.is_(False), Record.draft.is_(False)
)
"""The condition of a publicly visible record (not deleted, not hidden, not a draft)."""

EXPOSED: ColumnElement[bool] = or_(Record.draft.is_(False), Record.published_at.is_not(None))
"""The records the OAI-PMH provider knows: all but drafts that were never published."""

PUBLISHED_OBJECT: ColumnElement[bool] = DigitalObject.draft.is_(False)
"""The condition of a published digital object (not a draft waiting for review)."""

_Query = TypeVar("_Query", bound=Select)


def visible(query: _Query) -> _Query:
    """Restrict a select over :class:`Record` to publicly visible records."""
    return query.where(VISIBLE)


def is_visible(record: Record) -> bool:
    """Whether a loaded record is publicly visible (the same rule as :data:`VISIBLE`)."""
    return not (record.deleted or record.hidden or record.draft)


def is_exposed(record: Record) -> bool:
    """Whether the OAI-PMH provider knows a loaded record (the rule of :data:`EXPOSED`)."""
    return not record.draft or record.published_at is not None


def is_published(obj: DigitalObject) -> bool:
    """Whether a loaded object is published (the rule of :data:`PUBLISHED_OBJECT`); the
    public sees it only when its record is visible too."""
    return not obj.draft


def published_objects() -> Load:
    """The loader option that fills ``Record.objects`` with the published objects only
    (each with its pages): the one way public reads load a record's objects."""
    return selectinload(Record.objects.and_(PUBLISHED_OBJECT)).selectinload(DigitalObject.pages)


def record_counts(catalog: Catalog) -> dict[str, int]:
    """Visible records per partner id (partners without any are left out)."""
    with catalog.session() as s:
        rows = s.execute(
            visible(select(Record.partner_id, func.count())).group_by(Record.partner_id)
        )
        return {partner: count for partner, count in rows}


# -- public records, their pages and files -------------------------------------------


def public_record(catalog: Catalog, record_id: int) -> Record:
    """A visible record with its partner, published objects and pages loaded (its draft
    objects are left out of ``record.objects``: :func:`published_objects`).

    Raises :class:`Withdrawn` (410) for a record its partner withdrew (hidden) and
    :class:`NotFound` for an unknown id, a deleted record (a tombstone) or a draft.
    """
    with catalog.session() as s:
        row = s.get(Record, record_id, options=[published_objects()])
        if row is None or row.deleted or row.draft:
            raise NotFound(f"no record {record_id}", record=record_id)
        if row.hidden:
            raise Withdrawn(
                f"record {record_id} was withdrawn by {row.partner.name}",
                record=record_id,
                partner=row.partner.name,
                reason=row.hidden_reason,
            )
        for obj in row.objects:
            _ = obj.pages
        return row


def record_pages(record: Record) -> list[Page]:
    """Every page of a record's published objects that has an image, in object then page
    order."""
    return [
        page
        for obj in record.objects
        if is_published(obj)
        for page in obj.pages
        if page.image_sha256
    ]


def record_page(record: Record, number: int) -> Page:
    """Page ``number`` (as :func:`catalog.pagetext.numbered` counts) or :class:`NotFound`."""
    page = page_at(record_pages(record), number)
    if page is None:
        raise NotFound(f"record {record.id} has no page {number}", record=record.id, page=number)
    return page


def public_object(catalog: Catalog, object_id: int) -> DigitalObject:
    """A published digital object of a visible record, with its record and pages, or
    :class:`NotFound` (a draft object is unknown to the public)."""
    with catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is None or not is_published(obj) or not is_visible(obj.record):
            raise NotFound(f"no digital object {object_id}", object=object_id)
        _ = obj.record.partner, obj.pages
        return obj


def _pages_of_visible_records(*columns) -> Select:
    return (
        select(*columns)
        .select_from(Page)
        .join(DigitalObject, Page.object_id == DigitalObject.id)
        .join(Record, DigitalObject.record_id == Record.id)
        .where(VISIBLE, PUBLISHED_OBJECT)
    )


_ACCESS_COLUMNS = (Page.object_id, DigitalObject.access, Record.access, Record.embargo_until)
"""What :func:`_first_open` needs at the end of each row."""


def _first_open(session, query: Select):
    """The first row of ``query`` (rows ending with :data:`_ACCESS_COLUMNS`) whose content
    is open (:func:`catalog.access.content_open`); None when the query has no rows; the
    :class:`~catalog.errors.ContentRestricted` 403 of the first row's object when every
    row's content is closed."""
    closed: int | None = None
    for row in session.execute(query):
        object_id, object_level, record_level, embargo_until = row[-4:]
        if access.levels_access(record_level, embargo_until, object_level) is AccessLevel.OPEN:
            return row
        closed = closed or object_id
    if closed is not None:
        obj = session.get(DigitalObject, closed)
        raise access.restriction(obj.record, obj)
    return None


def public_file(catalog: Catalog, sha256: str) -> File:
    """A file that is a page image (master, display or thumbnail) of a visible record
    whose content is open.

    A file that some open object's page uses is served, whatever other objects use it;
    one used only by closed objects' pages raises
    :class:`~catalog.errors.ContentRestricted` (403); any other is :class:`NotFound`.
    """
    used = _pages_of_visible_records(*_ACCESS_COLUMNS).where(
        (Page.image_sha256 == sha256)
        | (Page.display_sha256 == sha256)
        | (Page.thumb_sha256 == sha256)
    )
    with catalog.session() as s:
        found = _first_open(s, used) is not None
        row = s.get(File, sha256) if found else None
        if row is None:
            raise NotFound(f"no public file {sha256}", sha256=sha256)
        return row


def public_master(catalog: Catalog, sha256: str) -> Page:
    """A page of a visible record whose master is ``sha256``, whose size is known and
    whose content is open (else :class:`~catalog.errors.ContentRestricted` when only
    closed objects' pages have it, :class:`NotFound` when none)."""
    query = (
        _pages_of_visible_records(Page, *_ACCESS_COLUMNS)
        .where(Page.image_sha256 == sha256, Page.width > 0, Page.height > 0)
        .options(defer(Page.text), defer(Page.words), defer(Page.lines))
    )
    with catalog.session() as s:
        found = _first_open(s, query)
        if found is None:
            raise NotFound(f"no zoomable page image {sha256}", sha256=sha256)
        return found[0]


def media_types(catalog: Catalog, checksums: list[str]) -> dict[str, str]:
    """The media type of each stored file among ``checksums``."""
    if not checksums:
        return {}
    with catalog.session() as s:
        rows = s.execute(select(File.sha256, File.media_type).where(File.sha256.in_(checksums)))
        return dict(rows.all())


def thumbnails(catalog: Catalog, record_ids: list[int]) -> dict[int, str]:
    """The thumbnail checksum of each record that has one: its cover page's
    (``Record.cover_page_id``) when that page is public and open, else its first open
    page's. Pages of draft objects, and of objects whose content is closed
    (:mod:`catalog.access`), give none."""
    if not record_ids:
        return {}
    with catalog.session() as s:
        rows = s.execute(
            select(
                DigitalObject.record_id,
                Page.id,
                Page.thumb_sha256,
                Record.cover_page_id,
                DigitalObject.access,
                Record.access,
                Record.embargo_until,
            )
            .join(Page, Page.object_id == DigitalObject.id)
            .join(Record, Record.id == DigitalObject.record_id)
            .where(
                DigitalObject.record_id.in_(record_ids),
                Page.thumb_sha256.is_not(None),
                PUBLISHED_OBJECT,
            )
            .order_by(DigitalObject.record_id, DigitalObject.id, Page.order)
        )
        first: dict[int, str] = {}
        covers: dict[int, str] = {}
        for record_id, page_id, sha, cover, *levels in rows:
            if access.levels_access(levels[1], levels[2], levels[0]) is not AccessLevel.OPEN:
                continue
            first.setdefault(record_id, sha)
            if page_id == cover:
                covers[record_id] = sha
        return first | covers


def cover_page(record: Record, pages: list[Page]) -> Page | None:
    """The page among ``pages`` (a record's public pages) that shows the record: its
    cover (``Record.cover_page_id``) when among them, else the first; None for none."""
    return next((p for p in pages if p.id == record.cover_page_id), pages[0] if pages else None)


def recent_records(catalog: Catalog, limit: int) -> list[Record]:
    """The most recently added or changed visible records."""
    with catalog.session() as s:
        query = visible(select(Record)).order_by(Record.last_changed.desc(), Record.id.desc())
        return list(s.scalars(query.limit(limit)))


# -- harvest runs ----------------------------------------------------------------------

_NEWEST_RUN_FIRST = (HarvestRun.started_at.desc(), HarvestRun.id.desc())


def latest_run(catalog: Catalog, partner_id: str) -> HarvestRun | None:
    """The partner's newest harvest run (finished or not), or None before its first."""
    with catalog.session() as s:
        return s.scalar(
            select(HarvestRun)
            .where(HarvestRun.partner_id == partner_id)
            .order_by(*_NEWEST_RUN_FIRST)
            .limit(1)
        )


def recent_runs(catalog: Catalog, limit: int) -> list[tuple[HarvestRun, str]]:
    """The newest harvest runs of every partner, each with its partner's name."""
    with catalog.session() as s:
        rows = s.execute(
            select(HarvestRun, Partner.name)
            .join(Partner, Partner.id == HarvestRun.partner_id)
            .order_by(*_NEWEST_RUN_FIRST)
            .limit(limit)
        )
        return [(run, name) for run, name in rows]


# -- changes, for the OAI-PMH provider ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Changes:
    """Records of one partner or country (or all) changed in ``[start, end)``, tombstones
    and hidden records included; a record's change time is ``Record.last_changed``."""

    partner_id: str | None = None
    country: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _changed(query: _Query, changes: Changes) -> _Query:
    query = query.where(EXPOSED)
    if changes.partner_id is not None:
        query = query.where(Record.partner_id == changes.partner_id)
    if changes.country is not None:
        partners = select(Partner.id).where(Partner.country == changes.country)
        query = query.where(Record.partner_id.in_(partners))
    if changes.start is not None:
        query = query.where(Record.last_changed >= changes.start)
    if changes.end is not None:
        query = query.where(Record.last_changed < changes.end)
    return query


def count_changes(catalog: Catalog, changes: Changes) -> int:
    """How many records the changes hold."""
    with catalog.session() as s:
        return s.scalar(_changed(select(func.count(Record.id)), changes)) or 0


def changes_after(
    catalog: Catalog, changes: Changes, after: tuple[dt.datetime, int] | None, limit: int
) -> list[Record]:
    """Up to ``limit`` records of the changes in (change time, id) order, after the keyset
    position ``after``."""
    query = _changed(select(Record), changes)
    if after is not None:
        changed, last_id = after
        query = query.where(
            or_(
                Record.last_changed > changed,
                and_(Record.last_changed == changed, Record.id > last_id),
            )
        )
    query = query.order_by(Record.last_changed, Record.id).limit(limit)
    with catalog.session() as s:
        return list(s.scalars(query))


def any_record(catalog: Catalog, record_id: int) -> Record | None:
    """The record with this id, tombstones and hidden records included, or None (also
    for a draft never published: see :data:`EXPOSED`)."""
    with catalog.session() as s:
        row = s.get(Record, record_id)
        return row if row is not None and is_exposed(row) else None


def earliest_change(catalog: Catalog) -> dt.datetime | None:
    """The oldest change time of any record."""
    with catalog.session() as s:
        return s.scalar(select(func.min(Record.last_changed)).where(EXPOSED))
