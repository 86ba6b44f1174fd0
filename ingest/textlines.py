"""A page's lines as a corrector sees them, and how much of a record is corrected.

Line ``n`` of a page is the words whose ``line`` is ``n`` in the OCR's ``Page.words``;
its box is ``Page.lines`` (or the box around those words); its current text is read
from ``Page.corrected_words`` when the page is corrected (:mod:`ingest.corrections`).
Pure reads of loaded rows, but :func:`record_pages`, which queries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from catalog.models import DigitalObject, Page
from catalog.pagetext import Word, line_boxes, words_of

if TYPE_CHECKING:
    from catalog.store import Catalog


@dataclasses.dataclass(frozen=True)
class Line:
    """One line of a page as a corrector sees it: its number, box (master pixels), the
    OCR's text and the current text (the corrected one when there is one)."""

    number: int
    box: tuple[int, int, int, int]
    original: str
    text: str

    @property
    def corrected(self) -> bool:
        return self.text != self.original


@dataclasses.dataclass(frozen=True)
class Progress:
    """How much of a record's text is corrected: pages and lines, each out of the total
    (lines that have OCR words)."""

    pages: int = 0
    pages_corrected: int = 0
    lines: int = 0
    lines_corrected: int = 0


def lines_of(page: Page) -> list[Line]:
    """The page's OCR lines with their current text, in line order."""
    original = line_words(words_of(page.words))
    current = (
        line_words(words_of(page.corrected_words)) if page.corrected_text is not None else None
    )
    stored = [tuple(box) for box in page.lines or ()]
    found = line_boxes(words_of(page.words))
    out = []
    for index, number in enumerate(sorted(original)):
        box = stored[index] if len(stored) == len(original) else found[index]
        text = join_words(original[number])
        now = join_words(current.get(number, [])) if current is not None else text
        out.append(Line(number, tuple(int(v) for v in box), text, now))  # type: ignore[arg-type]
    return out


def progress(pages: Iterable[Page]) -> Progress:
    """What :class:`Progress` says of these pages (loaded rows; no query). Only a
    corrected page's words are read; another page's lines are counted from its stored
    line boxes (one per OCR line), so a record page of a long volume stays cheap."""
    counts = [0, 0, 0, 0]
    for page in pages:
        counts[0] += 1
        if page.corrected_text is None:
            counts[2] += len(page.lines) if page.lines else len(line_words(words_of(page.words)))
            continue
        lines = lines_of(page)
        counts[1] += 1
        counts[2] += len(lines)
        counts[3] += sum(1 for line in lines if line.corrected)
    return Progress(*counts)


@dataclasses.dataclass(frozen=True)
class PageState:
    """A page of a record in the workspace's list: its number (all the record's
    objects, drafts included), id, lines and corrected lines, last correction."""

    number: int
    page_id: int
    lines: int
    lines_corrected: int
    corrected_at: dt.datetime | None


def record_pages(catalog: Catalog, record_id: int) -> tuple[Progress, list[PageState]]:
    """The correction progress of a record (every object, drafts included) and its
    pages that have OCR lines. No policy check: the caller's page decides who sees it."""
    with catalog.session() as s:
        rows = list(
            s.scalars(
                select(Page)
                .join(DigitalObject)
                .where(DigitalObject.record_id == record_id)
                .order_by(DigitalObject.id, Page.order)
            )
        )
        states = []
        for number, page in enumerate(rows, start=1):
            lines = lines_of(page) if page.words else []
            if lines:
                done = sum(1 for line in lines if line.corrected)
                states.append(PageState(number, page.id, len(lines), done, page.corrected_at))
        return progress(rows), states


def line_words(words: Iterable[Word]) -> dict[int, list[Word]]:
    out: dict[int, list[Word]] = {}
    for word in words:
        out.setdefault(word.line or 0, []).append(word)
    return out


def line_texts(words: Iterable[Word]) -> dict[int, str]:
    return {number: join_words(ws) for number, ws in line_words(words).items() if ws}


def join_words(words: Iterable[Word]) -> str:
    return " ".join(w.text for w in words)
