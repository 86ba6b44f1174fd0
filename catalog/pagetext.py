"""The text of a page: one :class:`Word` and one :class:`PageText` for OCR and PDF text
layers, from the reader to the API, the viewer and IIIF.

Boxes are in the master image's pixels: ``x``, ``y`` the top left corner, ``w``, ``h`` the
size. The stored form (``Page.words``, ``Page.lines``: JSON lists, so SQLite and PostgreSQL
store the same) is read and written here only: a word is
``[text, x, y, w, h, confidence, line]``, a line ``[x, y, w, h]``. :func:`box_json` is the
one public shape of a word box; :func:`page_numbers` the one rule for the numbers people
see on pages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

Box = tuple[int, int, int, int]


@dataclasses.dataclass(frozen=True, slots=True)
class Word:
    """A word read on a page: its text, its box, the reader's confidence (0-100) and the
    number of its line on the page (0, 1, …)."""

    text: str
    x: int
    y: int
    w: int
    h: int
    confidence: float | None = None
    line: int | None = None

    @property
    def xywh(self) -> Box:
        return self.x, self.y, self.w, self.h

    def scaled(self, factor: float) -> Word:
        """The same word with its box divided by ``factor``."""
        x, y, w, h = (round(v / factor) for v in self.xywh)
        return dataclasses.replace(self, x=x, y=y, w=w, h=h)

    def row(self) -> list[Any]:
        """The stored form: ``[text, x, y, w, h, confidence, line]``."""
        return [self.text, self.x, self.y, self.w, self.h, self.confidence, self.line]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Word | None:
        """A word from its stored form (confidence and line may be missing); None for a
        row that is not a word."""
        if len(row) < 5 or not isinstance(row[0], str):
            return None
        return cls(
            row[0],
            int(row[1]),
            int(row[2]),
            int(row[3]),
            int(row[4]),
            row[5] if len(row) > 5 else None,
            row[6] if len(row) > 6 else None,
        )


@dataclasses.dataclass(frozen=True)
class PageText:
    """What was read on one page: text, words, line boxes, mean word confidence, the
    language found in the text (None until detected) and the source (``ocr`` or ``pdf``)."""

    text: str
    words: tuple[Word, ...]
    lines: tuple[Box, ...]
    mean_confidence: float | None
    language: str | None = None
    source: str = "ocr"

    @classmethod
    def of_words(cls, text: str, words: Sequence[Word], source: str) -> PageText:
        """A page's text with its line boxes and mean confidence computed from ``words``."""
        known = [w.confidence for w in words if w.confidence is not None]
        mean = round(sum(known) / len(known), 2) if known else None
        return cls(text, tuple(words), line_boxes(words), mean, None, source)

    def scaled(self, factor: float) -> PageText:
        """The same text with every box divided by ``factor`` (reading image → master)."""
        if factor == 1.0:
            return self
        lines = tuple(tuple(round(v / factor) for v in box) for box in self.lines)
        words = tuple(w.scaled(factor) for w in self.words)
        return dataclasses.replace(self, words=words, lines=lines)  # type: ignore[arg-type]

    def columns(self) -> dict[str, Any]:
        """The ``Page`` columns holding this text, in their stored form."""
        return {
            "text": self.text,
            "words": [w.row() for w in self.words],
            "lines": [list(box) for box in self.lines],
            "mean_confidence": self.mean_confidence,
            "language": self.language,
            "text_source": self.source,
        }

    @classmethod
    def from_page(cls, page: Any) -> PageText:
        """The text stored on a ``Page`` row."""
        return cls(
            page.text or "",
            words_of(page.words),
            tuple(tuple(box) for box in page.lines or ()),
            page.mean_confidence,
            page.language,
            page.text_source or "ocr",
        )


def words_of(rows: Iterable[Sequence[Any]] | None) -> tuple[Word, ...]:
    """The words of a stored ``Page.words`` list (rows that are not words are skipped)."""
    found = (Word.from_row(row) for row in rows or ())
    return tuple(w for w in found if w is not None)


def line_boxes(words: Iterable[Word]) -> tuple[Box, ...]:
    """One box per line around its words, in line order."""
    boxes: dict[int, list[int]] = {}
    for word in words:
        box = boxes.get(word.line or 0)
        right, bottom = word.x + word.w, word.y + word.h
        if box is None:
            boxes[word.line or 0] = [word.x, word.y, right, bottom]
        else:
            box[:] = [
                min(box[0], word.x),
                min(box[1], word.y),
                max(box[2], right),
                max(box[3], bottom),
            ]
    return tuple((b[0], b[1], b[2] - b[0], b[3] - b[1]) for _, b in sorted(boxes.items()))


def box_json(word: Word, *, reading: bool = False) -> dict[str, Any]:
    """A word box as the JSON API and the viewer give it: ``x``, ``y``, ``w``, ``h`` and
    ``text``; with ``reading``, also the reader's ``confidence`` and ``line`` (the words of
    a page, as opposed to the boxes of a search hit)."""
    out: dict[str, Any] = {"text": word.text, "x": word.x, "y": word.y, "w": word.w, "h": word.h}
    if reading:
        out["confidence"] = word.confidence
        out["line"] = word.line
    return out


def numbered(pages: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    """``(number, page)`` with the number people see: 1, 2, … in reading order (the order
    of ``pages``: a record's objects, then each object's pages by ``order``), whatever the
    stored ``order`` values are. The API, the viewer, IIIF canvases and search hits all
    number pages so."""
    return enumerate(pages, start=1)


def page_numbers(pages: Iterable[Any]) -> dict[int, int]:
    """Page id → its number (see :func:`numbered`)."""
    return {page.id: number for number, page in numbered(pages)}


def page_at(pages: Sequence[Any], number: int) -> Any | None:
    """The page people know as ``number`` (see :func:`numbered`), or None."""
    return pages[number - 1] if 1 <= number <= len(pages) else None


def clamp_number(number: int, count: int) -> int:
    """``number`` brought into the pages there are (1 when there are none)."""
    return min(max(number, 1), max(count, 1))
