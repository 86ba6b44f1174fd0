"""Drafts and publishing: a draft record (an upload under review) becomes public in one
step, a curator can take a public record back to a draft, and scans added to a public
record (draft objects) are published the same way.

- :func:`publish` (:data:`~catalog.policy.Action.PUBLISH_DRAFT`): a draft record becomes
  public (``draft`` False, ``published_at`` set the first time) with all its draft
  objects; on a public record it publishes the draft objects (scans waiting for review).
- :func:`unpublish` (:data:`~catalog.policy.Action.PUBLISH_RECORD`, a reason required):
  a public record goes back to a draft; the OAI-PMH provider then reports it deleted,
  since it was published once (:data:`catalog.queries.EXPOSED`).

Each asks the policy with the record's *own* partner before anything is written, and
writes the change, a new ``version``, ``last_changed`` (harvesters of our OAI-PMH
provider see it), ``index_due`` (search adds or drops it) and one audit event, in one
transaction. They return whether something changed (publishing a record with nothing
in draft changes nothing).

:func:`review_target` is the guard of every page operation of the review screen
(:mod:`catalog.page_review`, :mod:`ingest.review`): review is for drafts, so a page of a
public record's published object is refused with :class:`NotReviewable`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from catalog import policy
from catalog.audit import Actor, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.models import DigitalObject, Page, Record, utcnow
from catalog.policy import Action, Principal

if TYPE_CHECKING:
    from catalog.store import Catalog

MAX_REASON = 2000
"""Longest unpublishing reason kept (characters)."""


class NotReviewable(Conflict):
    """A page operation on a public record's published page: review is for drafts
    (``record``, ``page``; ``reason`` is ``published``)."""


@dataclasses.dataclass(frozen=True)
class Published:
    """What :func:`publish` did: whether the record itself became public (``record``)
    and which draft objects were published (``objects``)."""

    record_id: int
    record: bool
    objects: tuple[int, ...]

    @property
    def changed(self) -> bool:
        return self.record or bool(self.objects)


def publish(catalog: Catalog, principal: Principal, record_id: int) -> Published:
    """Make a draft record public with all its objects, or publish the draft objects
    of a public record. Raises :class:`NotFound` for an unknown or deleted record and
    :class:`~catalog.errors.Forbidden` without ``PUBLISH_DRAFT`` on its partner."""
    with catalog.session() as s:
        row = _live_record(s, record_id)
        policy.require(principal, Action.PUBLISH_DRAFT, row.partner_id)
        drafts = [obj for obj in objects_of(s, row.id) if obj.draft]
        if not row.draft and not drafts:
            return Published(row.id, False, ())
        now = utcnow()
        before = _state(row, drafts)
        was_draft = row.draft
        row.draft = False
        if row.published_at is None:
            row.published_at = now
        for obj in drafts:
            obj.draft = False
        touch(row, now)
        after = {**_state(row, []), "objects": [obj.id for obj in drafts]}
        action = "record.publish" if was_draft else "record.publish-scans"
        audit(s, principal, action, row, before, after)
        return Published(row.id, was_draft, tuple(obj.id for obj in drafts))


def unpublish(catalog: Catalog, principal: Principal, record_id: int, reason: str) -> bool:
    """Take a public record back to a draft (hidden from the public, search and
    OAI-PMH, which reports it deleted: ``published_at`` is set to when it became public
    if it had none, as a harvested record) with a ``reason`` kept in the audit log.
    Returns False when the record was a draft already. Raises :class:`InvalidInput` for
    an empty or too long reason, :class:`NotFound` for an unknown or deleted record,
    :class:`~catalog.errors.Forbidden` without ``PUBLISH_RECORD`` on its partner."""
    text = clean_reason(reason)
    with catalog.session() as s:
        row = _live_record(s, record_id)
        policy.require(principal, Action.PUBLISH_RECORD, row.partner_id)
        if row.draft:
            return False
        before = _state(row, [])
        now = utcnow()
        row.draft = True
        if row.published_at is None:  # public without a publication (a harvested record)
            row.published_at = row.first_harvested or now
        touch(row, now)
        audit(s, principal, "record.unpublish", row, before, {**_state(row, []), "reason": text})
        return True


def clean_reason(reason: str | None) -> str:
    """An unpublishing reason stripped, or :class:`InvalidInput` when empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("a reason is required to unpublish a record", field="reason")
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"the reason is longer than {MAX_REASON} characters", field="reason", max=MAX_REASON
        )
    return text


# -- the guard of the review screen's page operations ------------------------------------


def reviewable(record: Record, obj: DigitalObject) -> bool:
    """Whether the pages of ``obj`` may be changed on the review screen: the record is a
    draft, or the object is (scans added to a public record)."""
    return record.draft or obj.draft


def review_record(
    session: Session, principal: Principal, record_id: int, action: Action = Action.REVIEW_SCANS
) -> Record:
    """The live record ``record_id`` after the policy allowed ``action`` on its own
    partner (:class:`NotFound` for an unknown or deleted record)."""
    row = _live_record(session, record_id)
    policy.require(principal, action, row.partner_id)
    return row


def review_target(
    session: Session, principal: Principal, record_id: int, page_id: int
) -> tuple[Record, DigitalObject, Page]:
    """The record, object and page of a page operation, once checked: the page belongs
    to the record (else :class:`NotFound`), the principal may ``REVIEW_SCANS`` on the
    record's partner, and the page is in review (else :class:`NotReviewable`)."""
    row = review_record(session, principal, record_id)
    page = session.get(Page, page_id)
    obj = (
        session.get(DigitalObject, page.object_id, options=[lazyload(DigitalObject.pages)])
        if page is not None
        else None
    )
    if page is None or obj is None or obj.record_id != row.id:
        raise NotFound(f"record {record_id} has no page {page_id}", record=record_id, page=page_id)
    if not reviewable(row, obj):
        raise NotReviewable(
            f"page {page_id} of record {record_id} is public; review is for drafts "
            "(unpublish the record first)",
            record=record_id,
            page=page_id,
            reason="published",
        )
    return row, obj, page


def touch(row: Record, now: dt.datetime) -> None:
    """A change downstream harvesters and the search index must see."""
    row.version += 1
    row.last_changed = now
    row.index_due = now


def audit(
    session: Session,
    actor: Actor,
    action: str,
    row: Record,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """One audit event on the record (``("record", id)``, with its partner)."""
    record_audit(
        session, actor, action, ("record", row.id), before, after, partner_id=row.partner_id
    )


def objects_of(session: Session, record_id: int) -> list[DigitalObject]:
    """The record's objects in id order (their reading order), pages not loaded (a page
    row holds its OCR words: review operations read only what they need)."""
    return list(
        session.scalars(
            select(DigitalObject)
            .where(DigitalObject.record_id == record_id)
            .order_by(DigitalObject.id)
            .options(lazyload(DigitalObject.pages))
        )
    )


def _live_record(session: Session, record_id: int) -> Record:
    row = session.scalar(
        select(Record).where(Record.id == record_id).options(lazyload(Record.objects))
    )
    if row is None or row.deleted:
        raise NotFound(f"no record {record_id}", record=record_id)
    return row


def _state(row: Record, drafts: list[DigitalObject]) -> dict[str, Any]:
    state: dict[str, Any] = {
        "draft": row.draft,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }
    if drafts:
        state["draft_objects"] = [obj.id for obj in drafts]
    return state
