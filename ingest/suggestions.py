"""Researchers' suggested corrections, waiting for the partner's approval.

A partner decides whether registered researchers may suggest corrections of its pages'
text: ``Partner.profile["corrections"]["suggestions"]`` (default off; set with
:func:`allow_suggestions` by whoever may edit the partner's profile; kept by
:func:`catalog.profiles.update_profile`, which leaves keys it does not own alone).

- :func:`suggest`: any logged-in active user suggests line changes of a public page
  of such a partner; the suggestion is a ``pending`` :class:`PageCorrection` version
  (the page, its search text and its record are untouched). Audited ``page.suggest``.
- :func:`approve`: a member who may ``CORRECT_TEXT`` for the page's partner makes it
  the page's text (its lines applied to the page as it reads *now*, so corrections
  made since are kept). Audited ``page.approve``; the record is queued for indexing.
- :func:`reject`: the same member refuses it (``rejected``; kept in the history).
  Audited ``page.reject``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from catalog import policy, queries
from catalog.audit import record_audit
from catalog.errors import Conflict, Forbidden, NotFound
from catalog.models import DigitalObject, Page, Partner, Record, utcnow
from catalog.partners import get_partner
from catalog.policy import Action, Principal
from catalog.upload_models import CorrectionStatus, PageCorrection
from ingest import corrections
from ingest.textlines import lines_of

if TYPE_CHECKING:
    from catalog.store import Catalog

SETTING = "corrections"
"""The key of the partner's correction settings in ``Partner.profile``."""
MAX_PENDING = 20
"""Most suggestions one user may have waiting on one page."""


@dataclasses.dataclass(frozen=True)
class Suggestion:
    """A pending suggestion as a partner's list shows it: ``lines`` are
    ``(line number, text now, suggested text)``."""

    id: int
    page_id: int
    record_id: int
    record_title: str
    number: int
    lines: tuple[tuple[int, str, str], ...]
    actor: str
    created_at: dt.datetime


def allows_suggestions(partner: Partner) -> bool:
    """Whether the partner takes researchers' suggestions (a loaded row)."""
    settings = (partner.profile or {}).get(SETTING)
    return isinstance(settings, Mapping) and settings.get("suggestions") is True


def allow_suggestions(
    catalog: Catalog, principal: Principal, partner_id: str, allowed: bool
) -> bool:
    """Turn researchers' suggestions on or off for a partner (``EDIT_PARTNER_PROFILE``);
    returns whether anything changed. Audited ``partner.suggestions``."""
    policy.require(principal, Action.EDIT_PARTNER_PROFILE, partner_id)
    with catalog.session() as s:
        partner = get_partner(s, partner_id)
        before = allows_suggestions(partner)
        if before == allowed:
            return False
        profile = dict(partner.profile or {})
        profile[SETTING] = {**dict(profile.get(SETTING) or {}), "suggestions": allowed}
        partner.profile = profile
        record_audit(
            s,
            principal,
            "partner.suggestions",
            ("partner", partner_id),
            {"suggestions": before},
            {"suggestions": allowed},
            partner_id=partner_id,
        )
        return True


def suggest(
    catalog: Catalog, principal: Principal, page_id: int, changes: Mapping[Any, Any]
) -> corrections.Version | None:
    """Suggest line changes of a public page (checked as :func:`ingest.corrections.correct`
    checks them); None when every line already reads so. :class:`Forbidden` for a
    visitor or an inactive user, or when the partner takes no suggestions; :class:`NotFound`
    for a page that is not public; :class:`Conflict` past :data:`MAX_PENDING`."""
    if not (principal.authenticated and principal.active):
        raise Forbidden("log in to suggest a correction")
    with catalog.session() as s:
        page, record = _public_page(s, page_id)
        if not allows_suggestions(record.partner):
            raise Forbidden("this partner does not take suggested corrections", code="off")
        waiting = s.scalars(
            select(PageCorrection.id).where(
                PageCorrection.page_id == page.id,
                PageCorrection.actor_id == principal.user_id,
                PageCorrection.status == CorrectionStatus.PENDING,
            )
        ).all()
        if len(waiting) >= MAX_PENDING:
            raise Conflict("too many suggestions of yours wait on this page", code="too-many")
        wanted = corrections.clean_changes(page, changes)
        return corrections.write(s, page, record, wanted, principal, CorrectionStatus.PENDING)


def pending(catalog: Catalog, principal: Principal, partner_id: str) -> list[Suggestion]:
    """The partner's suggestions waiting for approval, oldest first (``CORRECT_TEXT``)."""
    policy.require(principal, Action.CORRECT_TEXT, partner_id)
    with catalog.session() as s:
        rows = s.execute(
            select(PageCorrection, Page, Record.id, Record.title)
            .join(Page, Page.id == PageCorrection.page_id)
            .join(DigitalObject, DigitalObject.id == Page.object_id)
            .join(Record, Record.id == DigitalObject.record_id)
            .where(
                Record.partner_id == partner_id,
                PageCorrection.status == CorrectionStatus.PENDING,
            )
            .order_by(PageCorrection.created_at, PageCorrection.id)
        ).all()
        out = []
        for row, page, record_id, title in rows:
            now = {line.number: line.text for line in lines_of(page)}
            lines = tuple((int(n), now.get(int(n), ""), str(t)) for n, t in row.lines or ())
            out.append(
                Suggestion(
                    row.id,
                    row.page_id,
                    record_id,
                    title or "",
                    row.number,
                    lines,
                    row.actor,
                    row.created_at,
                )
            )
        return out


def approve(catalog: Catalog, principal: Principal, correction_id: int) -> corrections.Version:
    """Make a pending suggestion the page's text (its lines applied to the page as it
    reads now). :class:`NotFound`, :class:`Forbidden`, :class:`Conflict` when it is not
    pending any more."""
    with catalog.session() as s:
        row, page, record = _pending(s, principal, correction_id)
        lines = lines_of(page)
        known = {line.number for line in lines}
        changed = {int(n): str(t) for n, t in row.lines or () if int(n) in known}
        words, text = corrections.apply(page, lines, changed)
        row.words, row.text = [w.row() for w in words], text
        now = utcnow()
        corrections.accept(page, record, row, now)
        _audit(s, principal, "page.approve", row, record)
        s.flush()
        return corrections.version_of(row)


def reject(catalog: Catalog, principal: Principal, correction_id: int) -> None:
    """Refuse a pending suggestion (kept as ``rejected``); same errors as :func:`approve`."""
    with catalog.session() as s:
        row, _page, record = _pending(s, principal, correction_id)
        row.status = str(CorrectionStatus.REJECTED)
        _audit(s, principal, "page.reject", row, record)


def _public_page(session, page_id: int) -> tuple[Page, Record]:
    page = session.get(Page, page_id)
    obj = session.get(DigitalObject, page.object_id) if page is not None else None
    record = session.get(Record, obj.record_id) if obj is not None else None
    if record is None or obj.draft or not queries.is_visible(record):
        raise NotFound(f"no page {page_id}", page=page_id)
    return page, record


def _pending(session, principal: Principal, correction_id: int):
    row = session.get(PageCorrection, correction_id)
    if row is None:
        raise NotFound(f"no suggestion {correction_id}", suggestion=correction_id)
    page, record = corrections.page_and_record(session, row.page_id)
    policy.require(principal, Action.CORRECT_TEXT, record.partner_id)
    if row.status != CorrectionStatus.PENDING:
        raise Conflict(f"suggestion {correction_id} is {row.status} already", code="decided")
    return row, page, record


def _audit(session, principal: Principal, action: str, row: PageCorrection, record) -> None:
    record_audit(
        session,
        principal,
        action,
        ("page", row.page_id),
        None,
        {"version": row.number, "lines": row.lines, "by": row.actor, "record": record.id},
        partner_id=record.partner_id,
    )
