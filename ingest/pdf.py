"""PDF pages: rasterise each page (pypdfium2) and keep a usable embedded text layer.

The rasterised page image is the master of that page; a text layer is a
:class:`catalog.pagetext.PageText` (source ``pdf``) whose word boxes are in its pixels,
like OCR boxes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium

from catalog.errors import IngestError
from catalog.pagetext import PageText, Word
from ingest.settings import IngestSettings

LAYER_CONFIDENCE = 100.0
"""The confidence of a text layer's words: the PDF says what the text is."""


def open_pdf(path: Path, settings: IngestSettings, name: str) -> pdfium.PdfDocument:
    """Open a PDF, refusing encrypted, broken, empty and over-long documents."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise IngestError(f"{name}: the PDF is encrypted with a password", file=name) from exc
        raise IngestError(
            f"{name}: the PDF is broken and cannot be read ({reason})", file=name
        ) from exc
    count = len(document)
    if count == 0:
        document.close()
        raise IngestError(f"{name}: the PDF has no pages", file=name)
    if count > settings.max_pages:
        document.close()
        raise IngestError(
            f"{name}: the PDF has {count} pages, more than the limit of {settings.max_pages}",
            file=name,
        )
    return document


def iter_pdf_pages(
    document: pdfium.PdfDocument, settings: IngestSettings, name: str
) -> Iterator[tuple[object, PageText | None]]:
    """Yield ``(PIL image, text layer or None)`` for each page, in order."""
    for index in range(len(document)):
        page = document[index]
        try:
            width, height = page.get_size()
            scale = _scale(width, height, settings)
            try:
                image = page.render(scale=scale).to_pil()
            except pdfium.PdfiumError as exc:
                raise IngestError(f"{name}: page {index + 1} cannot be rendered ({exc})") from exc
            image.info["dpi"] = (72 * scale, 72 * scale)
            layer = text_layer(page, scale, settings)
            yield image, layer
        finally:
            page.close()


def _scale(width: float, height: float, settings: IngestSettings) -> float:
    scale = settings.pdf_dpi / 72.0
    longest = max(width, height) * scale
    if longest > settings.max_side:
        scale *= settings.max_side / longest
    pixels = width * height * scale * scale
    if pixels > settings.max_pixels:
        scale *= (settings.max_pixels / pixels) ** 0.5 * 0.99
    return scale


def text_layer(page: pdfium.PdfPage, scale: float, settings: IngestSettings) -> PageText | None:
    """The page's embedded text as words in pixels, or None when there is no usable text
    (too few letters, mostly unmapped glyphs, or a rotated page)."""
    if page.get_rotation() % 360:
        return None
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if not usable(text, settings.pdf_min_chars):
            return None
        left, _bottom, _right, top = page.get_cropbox()
        words = _words(textpage, scale, left, top)
    finally:
        textpage.close()
    if not words:
        return None
    return PageText.of_words(_join(words), words, "pdf")


def usable(text: str, min_chars: int) -> bool:
    """True when a text layer looks like real text: enough letters or digits, and few
    replacement or control characters."""
    visible = [c for c in text if not c.isspace()]
    if sum(c.isalnum() for c in visible) < min_chars:
        return False
    junk = sum(c == "\ufffd" or unicodedata.category(c) in ("Co", "Cc", "Cn") for c in visible)
    return junk <= 0.05 * len(visible)


def _words(textpage, scale: float, left: float, top: float) -> list[Word]:
    words: list[Word] = []
    current: list = []
    line_no = 0
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char in ("\r", "\n") or char.isspace() or not char:
            _close(current, words, line_no)
            current = []
            if char == "\n":
                line_no += 1
            continue
        x0, y0, x1, y1 = textpage.get_charbox(index)
        box = ((x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale)
        current.append((char, box))
    _close(current, words, line_no)
    return words


def _close(chars: list, words: list[Word], line_no: int) -> None:
    if not chars:
        return
    x0 = min(b[0] for _, b in chars)
    y0 = min(b[1] for _, b in chars)
    x1 = max(b[2] for _, b in chars)
    y1 = max(b[3] for _, b in chars)
    text = "".join(c for c, _ in chars)
    words.append(
        Word(
            text,
            round(x0),
            round(y0),
            round(x1 - x0),
            round(y1 - y0),
            LAYER_CONFIDENCE,
            line_no,
        )
    )


def _join(words: list[Word]) -> str:
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line or 0, []).append(word.text)
    return "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))
