"""The review screen's read model and its page operations that need no image work:
reorder, move, delete, choose the cover (rotating and replacing a page make new files:
:mod:`ingest.review`).

A page is *in review* when its record is a draft or its object is (scans added to a
public record, :func:`catalog.drafts.reviewable`); every operation asks
:func:`catalog.drafts.review_target` / :func:`~catalog.drafts.review_record`, which check
the policy (``REVIEW_SCANS`` on the record's own partner) and refuse a public record's
published pages with :class:`~catalog.drafts.NotReviewable`. Each operation writes one
audit event in the same transaction and returns whether something changed. None of them
touches what the public sees (the pages are drafts), so none marks the record due; the
record's ``version`` moves when it is published.

Order: a record's pages are read in object then ``Page.order`` order
(:func:`catalog.queries.record_pages`). Reordering rewrites the order of the pages in
review across their objects: each object keeps its number of pages and the new
sequence fills them in turn, so a page may move to another object of the review.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, lazyload, load_only

from catalog import drafts
from catalog.errors import InvalidInput, NotFound
from catalog.models import DigitalObject, Page, Record
from catalog.policy import Principal

if TYPE_CHECKING:
    from catalog.store import Catalog


@dataclasses.dataclass(frozen=True)
class ReviewPage:
    """One page as the review screen shows it. ``number`` is its place in the record's
    whole page sequence (1-based); ``in_review`` whether it may be changed."""

    id: int
    object_id: int
    number: int
    thumb_sha256: str | None
    display_sha256: str | None
    width: int | None
    height: int | None
    mean_confidence: float | None
    ocr_status: str
    in_review: bool
    cover: bool


@dataclasses.dataclass(frozen=True)
class ReviewObject:
    """One object of the record: its state (``status``, ``error``), whether it is a
    draft, and how many ``pages`` it has (0 while it is being split, or when it failed)."""

    id: int
    label: str | None
    status: str
    error: str | None
    draft: bool
    pages: int


@dataclasses.dataclass(frozen=True)
class Review:
    """A record (partner loaded) with its objects and pages, for the review screen."""

    record: Record
    objects: tuple[ReviewObject, ...]
    pages: tuple[ReviewPage, ...]

    @property
    def in_review(self) -> tuple[ReviewPage, ...]:
        return tuple(p for p in self.pages if p.in_review)

    @property
    def publishable(self) -> bool:
        """Whether publishing would change something (a draft, or draft objects)."""
        return self.record.draft or any(obj.draft for obj in self.objects)


def review(catalog: Catalog, record_id: int) -> Review:
    """The record ``record_id`` (any state but deleted) for the review screen, or
    :class:`NotFound`. Authorises nothing: the caller asks the policy with
    ``review.record.partner_id``. Reads the pages' columns the screen shows only (not
    their OCR words)."""
    with catalog.session() as s:
        row = s.get(Record, record_id, options=[lazyload(Record.objects)])
        if row is None or row.deleted:
            raise NotFound(f"no record {record_id}", record=record_id)
        _ = row.partner
        objects = drafts.objects_of(s, row.id)
        rows = s.execute(
            select(
                Page.id,
                Page.object_id,
                Page.thumb_sha256,
                Page.display_sha256,
                Page.width,
                Page.height,
                Page.mean_confidence,
                Page.ocr_status,
            )
            .where(Page.object_id.in_([obj.id for obj in objects]))
            .order_by(Page.object_id, Page.order)
        ).all()
        by_object: dict[int, list] = {obj.id: [] for obj in objects}
        for page in rows:
            by_object[page.object_id].append(page)
        pages = []
        for obj in objects:
            in_review = drafts.reviewable(row, obj)
            for page in by_object[obj.id]:
                pages.append(
                    ReviewPage(
                        id=page.id,
                        object_id=obj.id,
                        number=len(pages) + 1,
                        thumb_sha256=page.thumb_sha256,
                        display_sha256=page.display_sha256,
                        width=page.width,
                        height=page.height,
                        mean_confidence=page.mean_confidence,
                        ocr_status=page.ocr_status,
                        in_review=in_review,
                        cover=page.id == row.cover_page_id,
                    )
                )
        shown = tuple(
            ReviewObject(o.id, o.label, o.status, o.error, o.draft, len(by_object[o.id]))
            for o in objects
        )
        return Review(row, shown, tuple(pages))


def worst_first(pages: Iterable[ReviewPage]) -> list[ReviewPage]:
    """Pages by OCR mean confidence, lowest first; pages not read yet come last, each
    group in page order."""
    return sorted(
        pages,
        key=lambda p: (p.mean_confidence is None, p.mean_confidence or 0.0, p.number),
    )


def review_page(catalog: Catalog, page_id: int) -> tuple[str, Page]:
    """A page of any record (not deleted) with its record's partner id, for the
    workspace's page images, or :class:`NotFound`. Authorises nothing."""
    with catalog.session() as s:
        page = s.get(Page, page_id)
        obj = (
            s.get(DigitalObject, page.object_id, options=[lazyload(DigitalObject.pages)])
            if page
            else None
        )
        record = s.get(Record, obj.record_id, options=[lazyload(Record.objects)]) if obj else None
        if page is None or record is None or record.deleted:
            raise NotFound(f"no page {page_id}", page=page_id)
        return record.partner_id, page


# -- operations ---------------------------------------------------------------------------


def reorder(
    catalog: Catalog, principal: Principal, record_id: int, page_ids: Sequence[int]
) -> bool:
    """Put the record's pages in review in the order of ``page_ids``, which must list
    each of them once (else :class:`InvalidInput`). Returns False when the order was
    that already."""
    with catalog.session() as s:
        row = drafts.review_record(s, principal, record_id)
        return _reorder(s, principal, row, _ids(page_ids))


def move_page(
    catalog: Catalog, principal: Principal, record_id: int, page_id: int, offset: int
) -> bool:
    """Move a page in review ``offset`` places (-1: one up, 1: one down) among the
    record's pages in review; a move past either end changes nothing (False)."""
    with catalog.session() as s:
        row, _obj, _page = drafts.review_target(s, principal, record_id, page_id)
        order = [p.id for _obj, pages in _in_review(s, row) for p in pages]
        here = order.index(page_id)
        there = here + int(offset)
        if there == here or not 0 <= there < len(order):
            return False
        order.insert(there, order.pop(here))
        return _reorder(s, principal, row, order)


def delete_page(catalog: Catalog, principal: Principal, record_id: int, page_id: int) -> bool:
    """Delete a page in review (its files stay in the store: another page may share
    them). The last page of an object takes the object with it; a page that was the
    cover leaves the record without one. Returns True."""
    with catalog.session() as s:
        row, obj, page = drafts.review_target(s, principal, record_id, page_id)
        before = {
            "page": page.id,
            "object": obj.id,
            "order": page.order,
            "image_sha256": page.image_sha256,
        }
        count = select(func.count(Page.id)).where(Page.object_id == obj.id)
        last = s.scalar(count) == 1
        s.execute(delete(Page).where(Page.id == page.id))
        if last:
            s.execute(delete(DigitalObject).where(DigitalObject.id == obj.id))
        if row.cover_page_id == page.id:
            row.cover_page_id = None
        after = {"page": None, "object_removed": last}
        drafts.audit(s, principal, "page.delete", row, before, after)
        return True


def set_cover(catalog: Catalog, principal: Principal, record_id: int, page_id: int) -> bool:
    """Show page ``page_id`` (in review) as the record's cover (its thumbnail in
    listings once public). Returns False when it was the cover already."""
    with catalog.session() as s:
        row, _obj, page = drafts.review_target(s, principal, record_id, page_id)
        if row.cover_page_id == page.id:
            return False
        before = {"cover_page_id": row.cover_page_id}
        row.cover_page_id = page.id
        drafts.audit(s, principal, "record.cover", row, before, {"cover_page_id": page.id})
        return True


# -- helpers --------------------------------------------------------------------------------


def _in_review(session: Session, row: Record) -> list[tuple[DigitalObject, list[Page]]]:
    """The record's objects in review, each with its pages in order (their id, object
    and order only)."""
    objects = [obj for obj in drafts.objects_of(session, row.id) if drafts.reviewable(row, obj)]
    pages = session.scalars(
        select(Page)
        .where(Page.object_id.in_([obj.id for obj in objects]))
        .order_by(Page.object_id, Page.order)
        .options(load_only(Page.id, Page.object_id, Page.order))
    ).all()
    return [(obj, [p for p in pages if p.object_id == obj.id]) for obj in objects]


def _reorder(session: Session, principal: Principal, row: Record, page_ids: list[int]) -> bool:
    """Rewrite ``Page.object_id``/``Page.order`` of the pages in review in two steps
    (first to distinct negative orders, then to the final ones), so no intermediate
    state breaks the unique ``(object_id, order)`` constraint."""
    groups = _in_review(session, row)
    pages = [p for _obj, group in groups for p in group]
    current = [p.id for p in pages]
    if not pages:
        raise drafts.NotReviewable(
            f"record {row.id} has no pages in review", record=row.id, reason="published"
        )
    if len(set(page_ids)) != len(page_ids) or set(page_ids) != set(current):
        raise InvalidInput(
            "the new order must name each page in review once", field="order", record=row.id
        )
    if page_ids == current:
        return False
    slots = [(obj.id, n) for obj, group in groups for n in range(1, len(group) + 1)]
    by_id = {p.id: p for p in pages}
    for n, page in enumerate(pages, 1):
        page.order = -n
    session.flush()
    for (object_id, order), page_id in zip(slots, page_ids, strict=True):
        by_id[page_id].object_id, by_id[page_id].order = object_id, order
    session.flush()
    drafts.audit(session, principal, "page.reorder", row, {"pages": current}, {"pages": page_ids})
    return True


def _ids(values: Iterable) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise InvalidInput("page ids must be numbers", field="order") from exc
