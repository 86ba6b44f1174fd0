"""OCR correction: a partner's members correct a page's text line by line.

A page's original OCR (``Page.text``, ``Page.words``, ``Page.lines``) is never
overwritten. Each accepted correction is a new :class:`~catalog.upload_models.PageCorrection`
version holding the lines it changed and the page's whole corrected text and words
after it; the page keeps the current one in ``Page.corrected_text`` /
``corrected_words`` / ``corrected_at`` and counts the accepted versions in
``Page.corrections``. Search indexes both texts (:mod:`search.documents`).

The lines of a page are those the OCR found: line ``n`` is the words whose ``line`` is
``n`` in ``Page.words``, its box ``Page.lines`` (or the box around those words). A line
corrected to nothing keeps its number, so it can be corrected again.

Word boxes of a corrected line: when the line keeps its number of words, each new word
takes the box of the word it replaces; otherwise the line's box is shared out over the
new words in proportion to their characters (a space counting as one). Corrected words
carry no confidence (None): no reader guessed them.

Every write asks :func:`catalog.policy.require` with the page's record's own partner
(:data:`~catalog.policy.Action.CORRECT_TEXT`), audits the change, moves the record's
``last_changed`` and sets its ``index_due``, in one transaction; a refusal or bad input
changes nothing. Researchers' suggestions: :mod:`ingest.suggestions`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import policy
from catalog.audit import Actor, actor_of, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.models import DigitalObject, Page, Record, utcnow
from catalog.pagetext import Word, words_of
from catalog.policy import Action, Principal
from catalog.upload_models import CorrectionStatus, PageCorrection
from ingest.textlines import (
    Line,
    PageState,
    Progress,
    join_words,
    line_texts,
    line_words,
    lines_of,
    progress,
    record_pages,
)

if TYPE_CHECKING:
    from catalog.store import Catalog

MAX_LINE_CHARS = 500
"""Longest corrected line kept (characters)."""
ORIGINAL = 0
"""The version number of the original OCR, for :func:`revert`."""

__all__ = ["Line", "PageState", "Progress", "lines_of", "progress", "record_pages"]


@dataclasses.dataclass(frozen=True)
class Version:
    """One version of a page's correction: number, status, who and when, the lines it
    changed (``[[line number, text], ...]``) and the page's whole text after it."""

    id: int
    page_id: int
    number: int
    status: str
    actor: str
    created_at: dt.datetime
    lines: tuple[tuple[int, str], ...]
    text: str


# -- reading ---------------------------------------------------------------------------


def history(catalog: Catalog, page_id: int) -> list[Version]:
    """Every version of the page's correction, newest first (all statuses)."""
    with catalog.session() as s:
        rows = s.scalars(
            select(PageCorrection)
            .where(PageCorrection.page_id == page_id)
            .order_by(PageCorrection.number.desc())
        )
        return [version_of(row) for row in rows]


def load_page(catalog: Catalog, principal: Principal, page_id: int) -> tuple[Page, Record]:
    """A page to correct with its record (objects and partner loaded), after the
    policy's ``CORRECT_TEXT`` on the record's partner: :class:`NotFound`,
    :class:`~catalog.errors.Forbidden`."""
    with catalog.session() as s:
        page, record = page_and_record(s, page_id)
        policy.require(principal, Action.CORRECT_TEXT, record.partner_id)
        for obj in record.objects:  # loaded now: the caller shows the page among them
            obj.pages  # noqa: B018
        record.partner  # noqa: B018
        return page, record


# -- writing ---------------------------------------------------------------------------


def correct(
    catalog: Catalog,
    principal: Principal,
    page_id: int,
    changes: Mapping[int, str],
    *,
    seen: Mapping[Any, Any] | None = None,
) -> Version | None:
    """Correct lines of a page (``changes``: line number → new text) as a new accepted
    version; returns it, or None when every line already reads so (nothing written).

    ``seen`` maps line numbers to the text the corrector saw (a form carries it): when
    one of the changed lines reads otherwise now (someone corrected it meanwhile),
    :class:`Conflict` (``code="stale"``, ``line``, ``position``) and nothing is written,
    so a form filled in on an older text never undoes a newer correction unseen.
    Raises :class:`NotFound` for an unknown page, :class:`~catalog.errors.Forbidden`
    unless the principal may ``CORRECT_TEXT`` for the page's partner,
    :class:`InvalidInput` for a page without OCR words, an unknown line number, a line
    longer than :data:`MAX_LINE_CHARS` or holding control characters.
    """
    with catalog.session() as s:
        page, record = page_and_record(s, page_id)
        policy.require(principal, Action.CORRECT_TEXT, record.partner_id)
        wanted = clean_changes(page, changes)
        if seen is not None:
            _check_seen(page, wanted, seen)
        return write(s, page, record, wanted, principal, CorrectionStatus.ACCEPTED)


def revert(catalog: Catalog, principal: Principal, page_id: int, number: int) -> Version | None:
    """Make the page read as version ``number`` did (:data:`ORIGINAL`: the OCR) by a new
    accepted version changing the lines that differ; None when it reads so already.
    :class:`NotFound` for an unknown page or version (or one not accepted)."""
    with catalog.session() as s:
        page, record = page_and_record(s, page_id)
        policy.require(principal, Action.CORRECT_TEXT, record.partner_id)
        if number == ORIGINAL:
            target = {line.number: line.original for line in lines_of(page)}
        else:
            row = s.scalar(
                select(PageCorrection).where(
                    PageCorrection.page_id == page.id,
                    PageCorrection.number == number,
                    PageCorrection.status == CorrectionStatus.ACCEPTED,
                )
            )
            if row is None:
                raise NotFound(f"page {page_id} has no version {number}", version=number)
            target = {n: join_words(ws) for n, ws in line_words(words_of(row.words)).items()}
            target = {line.number: target.get(line.number, "") for line in lines_of(page)}
        return write(s, page, record, target, principal, CorrectionStatus.ACCEPTED)


def clean_changes(page: Page, changes: Mapping[Any, Any]) -> dict[int, str]:
    """``changes`` checked against the page's lines: numbers as ints, texts with their
    spaces collapsed; :class:`InvalidInput` naming the first bad line."""
    if not page.words:
        raise InvalidInput("this page has no OCR text to correct", page=page.id, code="no-text")
    known = {line.number: index for index, line in enumerate(lines_of(page), start=1)}
    out = {}
    for key, value in changes.items():
        try:
            number = int(key)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                f"not a line number: {key!r}", field="lines", code="unknown-line"
            ) from exc
        if number not in known:
            raise InvalidInput(
                f"page {page.id} has no line {number}",
                field="lines",
                line=number,
                code="unknown-line",
            )
        out[number] = clean_line(value, number, known[number])
    if not out:
        raise InvalidInput("no lines to correct", field="lines", code="no-lines")
    return out


def _check_seen(page: Page, wanted: Mapping[int, str], seen: Mapping[Any, Any]) -> None:
    saw = {str(k): " ".join(str(v).split()) for k, v in seen.items()}
    for index, line in enumerate(lines_of(page), start=1):
        if line.number in wanted and saw.get(str(line.number), line.text) != line.text:
            raise Conflict(
                f"line {line.number} of page {page.id} was corrected meanwhile",
                code="stale",
                line=line.number,
                position=index,
            )


def clean_line(value: Any, number: int, position: int | None = None) -> str:
    """One corrected line: a string of at most :data:`MAX_LINE_CHARS` characters without
    control characters (a line break included), spaces collapsed. The errors carry the
    line's ``number`` and its ``position`` on the page (1, 2, … as people count)."""
    where = {"field": "lines", "line": number, "position": position or number + 1}
    if not isinstance(value, str):
        raise InvalidInput(f"line {number} is not text", code="not-text", **where)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidInput(f"line {number} holds control characters", code="control", **where)
    text = " ".join(value.split())
    if len(text) > MAX_LINE_CHARS:
        raise InvalidInput(
            f"line {number} is longer than {MAX_LINE_CHARS} characters",
            max=MAX_LINE_CHARS,
            code="too-long",
            **where,
        )
    return text


def write(
    session: Session,
    page: Page,
    record: Record,
    wanted: Mapping[int, str],
    actor: Actor,
    status: CorrectionStatus,
) -> Version | None:
    """Store a version changing ``wanted`` lines (checked by :func:`clean_changes`) of
    the page's current text; an accepted one becomes the page's text, moves the
    record's ``last_changed`` and sets ``index_due``. Audited. No policy check: the
    callers decide who may. None when no line changes."""
    lines = lines_of(page)
    changed = {n: t for n, t in wanted.items() if any(x.number == n and x.text != t for x in lines)}
    if not changed:
        return None
    words, text = apply(page, lines, changed)
    actor_id, label = actor_of(actor)
    number = (
        session.scalar(
            select(func.max(PageCorrection.number)).where(PageCorrection.page_id == page.id)
        )
        or 0
    ) + 1
    now = utcnow()
    row = PageCorrection(
        page_id=page.id,
        number=number,
        lines=[[n, changed[n]] for n in sorted(changed)],
        text=text,
        words=[w.row() for w in words],
        status=str(status),
        actor_id=actor_id,
        actor=label,
        created_at=now,
    )
    session.add(row)
    before = {"lines": [[x.number, x.text] for x in lines if x.number in changed]}
    if status == CorrectionStatus.ACCEPTED:
        accept(page, record, row, now)
    session.flush()
    action = "page.correct" if status == CorrectionStatus.ACCEPTED else "page.suggest"
    record_audit(
        session,
        actor,
        action,
        ("page", page.id),
        before,
        {"lines": row.lines, "version": number, "record": record.id},
        partner_id=record.partner_id,
    )
    return version_of(row)


def accept(page: Page, record: Record, row: PageCorrection, now: dt.datetime) -> None:
    """Make ``row`` the page's current text (a version reading as the OCR clears the
    page's corrected text) and queue the record for indexing."""
    row.status = str(CorrectionStatus.ACCEPTED)
    same = line_texts(words_of(row.words)) == line_texts(words_of(page.words))
    page.corrected_text = None if same else row.text
    page.corrected_words = None if same else row.words
    page.corrected_at = None if same else now
    page.corrections = (page.corrections or 0) + 1
    record.last_changed = now
    record.index_due = now


def apply(page: Page, lines: Sequence[Line], changed: Mapping[int, str]) -> tuple[list[Word], str]:
    """The page's words and text with ``changed`` lines replaced (see the module's rule
    for their boxes); the other lines keep their current words."""
    base = page.corrected_words if page.corrected_text is not None else page.words
    current = line_words(words_of(base))
    boxes = {line.number: line.box for line in lines}
    words: list[Word] = []
    for number in sorted(boxes):
        if number in changed:
            words += spread(changed[number], boxes[number], current.get(number, []), number)
        else:
            words += current.get(number, [])
    texts = {number: join_words([w for w in words if w.line == number]) for number in boxes}
    return words, _text(page, texts)


def spread(text: str, box: Sequence[int], old: Sequence[Word], number: int) -> list[Word]:
    """The words of ``text`` on line ``number`` with boxes: the old words' boxes when
    the count is the same, else ``box`` shared out by characters."""
    parts = text.split()
    if parts and len(parts) == len(old):
        return [Word(p, w.x, w.y, w.w, w.h, None, number) for p, w in zip(parts, old, strict=True)]
    x, y, w, h = (int(v) for v in box)
    units = sum(len(p) for p in parts) + max(len(parts) - 1, 0)
    out, offset = [], 0
    for part in parts:
        left = x + round(offset * w / units)
        right = x + round((offset + len(part)) * w / units)
        out.append(Word(part, left, y, max(right - left, 1), h, None, number))
        offset += len(part) + 1
    return out


# -- helpers ---------------------------------------------------------------------------


def record_of_page(catalog: Catalog, page_id: int) -> int | None:
    """The id of the record holding a page, or None for an unknown page."""
    with catalog.session() as s:
        return s.scalar(
            select(DigitalObject.record_id)
            .join(Page, Page.object_id == DigitalObject.id)
            .where(Page.id == page_id)
        )


def page_and_record(session: Session, page_id: int) -> tuple[Page, Record]:
    """A page and its record (not deleted), or :class:`NotFound`. No policy check."""
    page = session.get(Page, page_id)
    if page is None:
        raise NotFound(f"no page {page_id}", page=page_id)
    obj = session.get(DigitalObject, page.object_id)
    record = session.get(Record, obj.record_id) if obj is not None else None
    if record is None or record.deleted:
        raise NotFound(f"no page {page_id}", page=page_id)
    return page, record


def _text(page: Page, texts: Mapping[int, str]) -> str:
    """The lines' texts joined as the OCR joined them: a blank line where its text had
    one between two lines (when its lines can be matched), else one line break."""
    numbers = sorted(texts)
    rows = (page.text or "").split("\n")
    filled = [i for i, row in enumerate(rows) if row.strip()]
    parts = []
    for index, number in enumerate(numbers):
        if index:
            blank = len(filled) == len(numbers) and filled[index] - filled[index - 1] > 1
            parts.append("\n\n" if blank else "\n")
        parts.append(texts[number])
    return "".join(parts)


def version_of(row: PageCorrection) -> Version:
    """The :class:`Version` of a stored row."""
    return Version(
        row.id,
        row.page_id,
        row.number,
        row.status,
        row.actor,
        row.created_at,
        tuple((int(n), str(t)) for n, t in row.lines or ()),
        row.text,
    )
