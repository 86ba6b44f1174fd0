"""Named queries of the workspace's record pages: a partner's records in every state
(withdrawn, embargoed, metadata-only and deleted ones included), filtered and paged.

They authorise nothing: the caller asks :mod:`catalog.policy` with the partner of what
it shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select

from catalog.errors import InvalidInput, NotFound
from catalog.models import AccessLevel, DigitalObject, Record, utcnow

if TYPE_CHECKING:
    from catalog.store import Catalog

PAGE_SIZE = 50
"""Records on one page of a partner's list."""
MAX_TEXT = 200
"""Longest text filter kept (characters)."""


class RecordState(enum.StrEnum):
    """The filters of a partner's record list."""

    ALL = "all"
    VISIBLE = "visible"
    """Public: neither deleted, nor withdrawn, nor a draft."""
    DRAFT = "draft"
    """Drafts under review, and public records with scans waiting for review (draft
    objects): the partner's review queue."""
    WITHDRAWN = "withdrawn"
    EMBARGOED = "embargoed"
    """Under an embargo that has not ended."""
    METADATA_ONLY = "metadata-only"
    """Content not open online: the record's level is not open, or it is under embargo."""


@dataclasses.dataclass(frozen=True)
class RecordList:
    """One page of a partner's records: ``rows`` (partner and objects not loaded),
    the ``total`` matching, this ``page`` (1-based) and the number of ``pages``."""

    rows: list[Record]
    total: int
    page: int
    pages: int


def state_of(value: str | None) -> RecordState:
    """The state named by a request argument (empty: all), or :class:`InvalidInput`."""
    try:
        return RecordState(value or RecordState.ALL)
    except ValueError as exc:
        raise InvalidInput(f"unknown record state {value!r}", field="state") from exc


def partner_records(
    catalog: Catalog,
    partner_id: str,
    *,
    state: RecordState = RecordState.ALL,
    text: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> RecordList:
    """The partner's records in ``state`` whose title or identifiers (OAI identifier
    or the record's own) contain ``text`` (case-insensitive), newest change first.
    A ``page`` past the last gives the last page."""
    now = now or utcnow()
    where = [Record.partner_id == partner_id, _state_condition(state, now)]
    text = text.strip()[:MAX_TEXT]
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            or_(
                Record.title.ilike(pattern, escape="\\"),
                Record.oai_identifier.ilike(pattern, escape="\\"),
                cast(Record.identifiers, String).ilike(pattern, escape="\\"),
            )
        )
    with catalog.session() as s:
        total = s.scalar(select(func.count(Record.id)).where(*where)) or 0
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = s.scalars(
            select(Record)
            .where(*where)
            .order_by(Record.last_changed.desc(), Record.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return RecordList(list(rows), total, page, pages)


def workspace_record(catalog: Catalog, record_id: int) -> Record:
    """A record in any state, with its partner and objects loaded, or :class:`NotFound`."""
    with catalog.session() as s:
        row = s.get(Record, record_id)
        if row is None:
            raise NotFound(f"no record {record_id}", record=record_id)
        _ = row.partner, row.objects
        return row


def _state_condition(state: RecordState, now: dt.datetime) -> ColumnElement[bool]:
    embargoed = and_(Record.embargo_until.is_not(None), Record.embargo_until > now)
    if state is RecordState.VISIBLE:
        return and_(Record.deleted.is_(False), Record.hidden.is_(False), Record.draft.is_(False))
    if state is RecordState.DRAFT:
        waiting = (
            select(DigitalObject.id)
            .where(DigitalObject.record_id == Record.id, DigitalObject.draft.is_(True))
            .exists()
        )
        return and_(Record.deleted.is_(False), or_(Record.draft.is_(True), waiting))
    if state is RecordState.WITHDRAWN:
        return Record.hidden.is_(True)
    if state is RecordState.EMBARGOED:
        return embargoed
    if state is RecordState.METADATA_ONLY:
        return or_(Record.access != AccessLevel.OPEN, embargoed)
    return Record.id.is_not(None)
