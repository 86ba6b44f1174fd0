"""The read model: named queries over the catalogue.

The portal (pages, API, IIIF, OAI-PMH provider, status page) reads the catalogue only
through these and builds no SQL; the libraries use the shared rules here (visibility,
the latest run). Results are model objects or small frozen dataclasses. A record is
*visible* to the public when it is neither deleted (a tombstone), nor hidden, nor a
draft: :data:`VISIBLE` and :func:`is_visible` are that rule, for queries and for loaded
rows. The OAI-PMH provider alone reads invisible records too, to report them as deleted
(except drafts never published, which it does not know: :data:`EXPOSED`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import defer

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


def record_counts(catalog: Catalog) -> dict[str, int]:
    """Visible records per partner id (partners without any are left out)."""
    with catalog.session() as s:
        rows = s.execute(
            visible(select(Record.partner_id, func.count())).group_by(Record.partner_id)
        )
        return {partner: count for partner, count in rows}


# -- public records, their pages and files -------------------------------------------


def public_record(catalog: Catalog, record_id: int) -> Record:
    """A visible record with its partner, objects and pages loaded.

    Raises :class:`Withdrawn` (410) for a record its partner withdrew (hidden) and
    :class:`NotFound` for an unknown id, a deleted record (a tombstone) or a draft.
    """
    with catalog.session() as s:
        row = s.get(Record, record_id)
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
    """Every page of a record that has an image, in object then page order."""
    return [page for obj in record.objects for page in obj.pages if page.image_sha256]


def record_page(record: Record, number: int) -> Page:
    """Page ``number`` (as :func:`catalog.pagetext.numbered` counts) or :class:`NotFound`."""
    page = page_at(record_pages(record), number)
    if page is None:
        raise NotFound(f"record {record.id} has no page {number}", record=record.id, page=number)
    return page


def public_object(catalog: Catalog, object_id: int) -> DigitalObject:
    """A digital object of a visible record, with its record and pages, or :class:`NotFound`."""
    with catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is None or not is_visible(obj.record):
            raise NotFound(f"no digital object {object_id}", object=object_id)
        _ = obj.record.partner, obj.pages
        return obj


def _pages_of_visible_records(*columns) -> Select:
    return (
        select(*columns)
        .select_from(Page)
        .join(DigitalObject, Page.object_id == DigitalObject.id)
        .join(Record, DigitalObject.record_id == Record.id)
        .where(VISIBLE)
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
    """The first open page's thumbnail checksum of each record that has one (pages of
    objects whose content is closed, :mod:`catalog.access`, give none)."""
    if not record_ids:
        return {}
    with catalog.session() as s:
        rows = s.execute(
            select(
                DigitalObject.record_id,
                Page.thumb_sha256,
                DigitalObject.access,
                Record.access,
                Record.embargo_until,
            )
            .join(Page, Page.object_id == DigitalObject.id)
            .join(Record, Record.id == DigitalObject.record_id)
            .where(DigitalObject.record_id.in_(record_ids), Page.thumb_sha256.is_not(None))
            .order_by(DigitalObject.record_id, DigitalObject.id, Page.order)
        )
        found: dict[int, str] = {}
        for record_id, sha, object_level, record_level, embargo_until in rows:
            level = access.levels_access(record_level, embargo_until, object_level)
            if record_id not in found and level is AccessLevel.OPEN:
                found[record_id] = sha
        return found


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
