"""Read-side queries of the public portal over the catalogue.

Views call these functions instead of writing SQL. Only live records are public: a
record that is deleted (a tombstone) or hidden is not shown, except that the OAI-PMH
provider reports it as deleted.
"""

from __future__ import annotations

import collections
import dataclasses
import time
from typing import Any

from sqlalchemy import func, select

from catalog.errors import NotFound
from catalog.models import DigitalObject, File, Page, Partner, Record
from catalog.store import Catalog


def live(query):
    """Restrict a select over :class:`Record` to public records."""
    return query.where(Record.deleted.is_(False), Record.hidden.is_(False))


def get_record(catalog: Catalog, record_id: int) -> Record:
    """A public record with its partner, objects and pages loaded, or :class:`NotFound`."""
    with catalog.session() as s:
        row = s.scalar(live(select(Record).where(Record.id == record_id)))
        if row is None:
            raise NotFound(f"no record {record_id}", record=record_id)
        for obj in row.objects:
            _ = obj.pages
        return row


def record_pages(record: Record) -> list[Page]:
    """Every page of a record that has an image, in object then page order."""
    return [page for obj in record.objects for page in obj.pages if page.image_sha256]


def get_page(record: Record, number: int) -> Page:
    """Page ``number`` (1-based, across the record's objects) or :class:`NotFound`."""
    pages = record_pages(record)
    if not 1 <= number <= len(pages):
        raise NotFound(f"record {record.id} has no page {number}", record=record.id, page=number)
    return pages[number - 1]


def get_object(catalog: Catalog, object_id: int) -> DigitalObject:
    """A digital object of a public record, with its record and pages, or :class:`NotFound`."""
    with catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is None or obj.record.deleted or obj.record.hidden:
            raise NotFound(f"no digital object {object_id}", object=object_id)
        _ = obj.record.partner, obj.pages
        return obj


def public_file(catalog: Catalog, sha256: str) -> File:
    """A file that is a page image (master, display or thumbnail) of a public record."""
    with catalog.session() as s:
        used = (
            select(Page.id)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .join(Record, DigitalObject.record_id == Record.id)
            .where(
                (Page.image_sha256 == sha256)
                | (Page.display_sha256 == sha256)
                | (Page.thumb_sha256 == sha256)
            )
            .limit(1)
        )
        row = s.get(File, sha256) if s.scalar(live(used)) is not None else None
        if row is None:
            raise NotFound(f"no public file {sha256}", sha256=sha256)
        return row


def public_master(catalog: Catalog, sha256: str) -> Page:
    """A page of a public record whose master is ``sha256`` and whose size is known."""
    with catalog.session() as s:
        query = (
            select(Page)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .join(Record, DigitalObject.record_id == Record.id)
            .where(Page.image_sha256 == sha256, Page.width > 0, Page.height > 0)
            .limit(1)
        )
        page = s.scalar(live(query))
        if page is None:
            raise NotFound(f"no zoomable page image {sha256}", sha256=sha256)
        return page


def media_types(catalog: Catalog, checksums: list[str]) -> dict[str, str]:
    """The media type of each stored file among ``checksums``."""
    if not checksums:
        return {}
    with catalog.session() as s:
        rows = s.execute(select(File.sha256, File.media_type).where(File.sha256.in_(checksums)))
        return dict(rows.all())


def thumbnails(catalog: Catalog, record_ids: list[int]) -> dict[int, str]:
    """The first page's thumbnail checksum of each record that has one."""
    if not record_ids:
        return {}
    with catalog.session() as s:
        rows = s.execute(
            select(DigitalObject.record_id, Page.thumb_sha256)
            .join(Page, Page.object_id == DigitalObject.id)
            .where(DigitalObject.record_id.in_(record_ids), Page.thumb_sha256.is_not(None))
            .order_by(DigitalObject.record_id, DigitalObject.id, Page.order)
        )
        found: dict[int, str] = {}
        for record_id, sha in rows:
            found.setdefault(record_id, sha)
        return found


def recent_records(catalog: Catalog, limit: int) -> list[Record]:
    """The most recently added or changed public records."""
    with catalog.session() as s:
        query = live(select(Record)).order_by(Record.last_changed.desc(), Record.id.desc())
        return list(s.scalars(query.limit(limit)))


@dataclasses.dataclass(frozen=True)
class Overview:
    """Counts of public records for the home and browse pages."""

    partners: list[tuple[Partner, int]]
    countries: list[tuple[str, int]]
    types: list[tuple[str, int]]
    decades: list[tuple[str, int]]
    subjects: list[tuple[str, int]]
    collections: list[tuple[str, str, int]]
    set_labels: dict[tuple[str, str], str]
    total: int


def overview(catalog: Catalog, *, subjects: int = 60) -> Overview:
    """Record counts by partner, country, type, decade, subject and partner set."""
    with catalog.session() as s:
        per_partner = dict(
            s.execute(
                live(select(Record.partner_id, func.count())).group_by(Record.partner_id)
            ).all()
        )
        partners = list(s.scalars(select(Partner).order_by(Partner.country, Partner.name)))
        types = s.execute(live(select(Record.type, func.count())).group_by(Record.type)).all()
        decade = (Record.year_from // 10) * 10
        decades = s.execute(
            live(select(decade, func.count()).where(Record.year_from.is_not(None))).group_by(decade)
        ).all()
        listy = s.execute(live(select(Record.partner_id, Record.subjects, Record.sets)))
        subject_counts: collections.Counter[str] = collections.Counter()
        set_counts: collections.Counter[tuple[str, str]] = collections.Counter()
        for partner_id, subs, sets in listy:
            subject_counts.update(set(subs or ()))
            set_counts.update((partner_id, spec) for spec in set(sets or ()))
    countries: collections.Counter[str] = collections.Counter()
    for partner in partners:
        countries[partner.country] += per_partner.get(partner.id, 0)
    return Overview(
        partners=[(p, per_partner.get(p.id, 0)) for p in partners],
        countries=sorted(countries.items()),
        types=sorted(types, key=lambda row: -row[1]),
        decades=sorted((str(int(d)), n) for d, n in decades),
        subjects=subject_counts.most_common(subjects),
        collections=[(p, spec, n) for (p, spec), n in set_counts.most_common()],
        set_labels={(p.id, spec): name for p in partners for spec, name in set_names(p).items()},
        total=sum(per_partner.values()),
    )


_OVERVIEWS: dict[str, tuple[float, Overview]] = {}


def cached_overview(catalog: Catalog, max_age: float) -> Overview:
    """:func:`overview`, counted again at most every ``max_age`` seconds per process.

    Counting subjects and collections reads every record; the home and browse pages
    would otherwise pay that on each request.
    """
    now = time.monotonic()
    found = _OVERVIEWS.get(catalog.url)
    if found is None or now - found[0] > max_age:
        found = _OVERVIEWS[catalog.url] = (now, overview(catalog))
    return found[1]


_NAMES: dict[str, tuple[float, dict[str, str]]] = {}


def partner_names(catalog: Catalog, max_age: float) -> dict[str, str]:
    """Partner id → name, read again at most every ``max_age`` seconds per process."""
    now = time.monotonic()
    found = _NAMES.get(catalog.url)
    if found is None or now - found[0] > max_age:
        names = {p.id: p.name for p in catalog.list_partners()}
        found = _NAMES[catalog.url] = (now, names)
    return found[1]


def set_names(partner: Partner) -> dict[str, str]:
    """A partner's set specs mapped to their names (from its cached ListSets)."""
    names: dict[str, str] = {}
    for item in partner.set_list or []:
        if isinstance(item, dict) and item.get("spec"):
            names[str(item["spec"])] = str(item.get("name") or item["spec"])
    return names


def partner_status(catalog: Catalog, partner_id: str) -> dict[str, Any]:
    """A partner's latest harvest run summary (status, finished, counts) or an empty dict."""
    from catalog.models import HarvestRun

    with catalog.session() as s:
        run = s.scalar(
            select(HarvestRun)
            .where(HarvestRun.partner_id == partner_id)
            .order_by(HarvestRun.started_at.desc())
            .limit(1)
        )
        if run is None:
            return {}
        return {
            "status": run.status,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "counts": dict(run.counts or {}),
        }
