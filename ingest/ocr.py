"""Tesseract OCR: the one module that imports pytesseract.

:func:`check_tesseract` verifies the engine and the language packs (call it when a
worker starts: it fails loudly). :func:`recognise` reads one page image and
:func:`recognise_many` a few page files, one after another, in ONE Tesseract process;
either way Tesseract runs with ``OMP_THREAD_LIMIT=1``: no threads inside a page,
parallelism comes from one such process per core. Both return a
:class:`catalog.pagetext.PageText` per page (source ``ocr``).

Why several pages to one process: every Tesseract process loads its language models
once, which costs about as much as recognising a page. Given a list
file (one image path a line), Tesseract loads them once and reads the pages in order;
its TSV tells them apart by ``page_num`` and each page's rows are the same as those of a
run on that page alone.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytesseract
from PIL import Image

from catalog.errors import OcrError
from catalog.pagetext import PageText, Word

OMP_ENV = "OMP_THREAD_LIMIT"


def check_tesseract(languages: str, cmd: str = "tesseract") -> str:
    """Return Tesseract's version, or raise :class:`OcrError` when the program or one of
    the language packs in ``languages`` (``ind+eng``) is missing."""
    pytesseract.pytesseract.tesseract_cmd = cmd
    try:
        version = str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError(
            f"Tesseract is not installed ({cmd!r} not found): "
            "apt-get install tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"
        ) from exc
    installed = installed_models(cmd)
    missing = [code for code in languages.split("+") if code and code not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise OcrError(
            f"Tesseract language pack(s) missing: {', '.join(missing)}; apt-get install {packages}",
            missing=",".join(missing),
        )
    return version


@functools.cache
def installed_models(cmd: str = "tesseract") -> frozenset[str]:
    """The Tesseract models (language packs) installed for ``cmd`` (``tesseract
    --list-langs``), asked once per process; empty when Tesseract is missing."""
    pytesseract.pytesseract.tesseract_cmd = cmd
    try:
        return frozenset(pytesseract.get_languages(config="")) - {"osd"}
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        return frozenset()


def choose_psm(width: int, height: int, clipping_side: int) -> int:
    """Page segmentation mode by input: one uniform block (6) for a small clipping,
    automatic layout analysis (3) for a full page with columns and headings."""
    return 6 if max(width, height) < clipping_side else 3


def recognise(
    image: Image.Image | str, languages: str, *, psm: int, dpi: int, timeout: int, cmd: str
) -> PageText:
    """OCR one image (a PIL image or a file path) in one Tesseract process; boxes are in
    the pixels of the image given (see :meth:`PageText.scaled`)."""
    return parse_data(_image_to_data(image, languages, psm, dpi, timeout, cmd))


def recognise_many(
    paths: list[str],
    languages: str,
    *,
    psm: int,
    dpi: int,
    timeout: int,
    cmd: str,
    workdir: str | Path,
) -> list[PageText]:
    """OCR image files one after another in ONE single-threaded Tesseract process (the
    language models load once); returns one result per path, in order.

    ``timeout`` is per page. The list file goes to ``workdir``. Raises
    :class:`OcrError` when Tesseract fails on any of them (it stops at an unreadable
    image) or does not return exactly one page per path; the caller can then read the
    pages one by one.
    """
    if len(paths) == 1:
        return [recognise(paths[0], languages, psm=psm, dpi=dpi, timeout=timeout, cmd=cmd)]
    listing = Path(workdir) / f"pages-{os.getpid()}-{id(paths)}.txt"
    listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
    try:
        data = _image_to_data(str(listing), languages, psm, dpi, timeout * len(paths), cmd)
    finally:
        listing.unlink(missing_ok=True)
    pages = split_pages(data)
    if len(pages) != len(paths):
        raise OcrError(
            f"Tesseract returned {len(pages)} page(s) for {len(paths)} image(s)",
            pages=len(pages),
        )
    return [parse_data(page) for page in pages]


def _image_to_data(
    source: Image.Image | str, languages: str, psm: int, dpi: int, timeout: int, cmd: str
) -> dict[str, list]:
    os.environ[OMP_ENV] = "1"
    pytesseract.pytesseract.tesseract_cmd = cmd
    try:
        return pytesseract.image_to_data(
            source,
            lang=languages,
            config=f"--psm {psm} --dpi {dpi}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError(f"Tesseract failed: {exc}") from exc
    except RuntimeError as exc:  # pytesseract signals a timeout with a bare RuntimeError
        raise OcrError(f"Tesseract did not finish within {timeout} s", timeout=timeout) from exc


def split_pages(data: dict[str, list]) -> list[dict[str, list]]:
    """The TSV columns of a multi-page run cut into one set of columns per page, in
    ``page_num`` order (1, 2, …); every page has at least its level-1 page row. Page
    numbers out of sequence give an empty list (the caller treats it as a failure)."""
    pages: list[dict[str, list]] = []
    numbers = data.get("page_num", [])
    for i, number in enumerate(numbers):
        number = int(number)
        if number == len(pages) + 1:
            pages.append({column: [] for column in data})
        elif number != len(pages) or not pages:
            return []
        for column, values in data.items():
            pages[-1][column].append(values[i])
    return pages


def parse_data(data: dict[str, list]) -> PageText:
    """Turn pytesseract's ``image_to_data`` columns into a page's words and text."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    paragraph_of: dict[int, tuple[int, int]] = {}
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        text = (text or "").strip()
        if int(data["level"][i]) != 5 or not text or conf < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line_no = line_ids.setdefault(key, len(line_ids))
        paragraph_of[line_no] = key[:2]
        left, top = int(data["left"][i]), int(data["top"][i])
        width, height = int(data["width"][i]), int(data["height"][i])
        words.append(Word(text, left, top, width, height, round(conf, 2), line_no))
    return PageText.of_words(_text(words, paragraph_of), words, "ocr")


def _text(words: list[Word], paragraph_of: dict[int, tuple[int, int]]) -> str:
    parts: list[str] = []
    previous_line, previous_par = None, None
    for word in words:
        line = word.line
        if previous_line is None:
            pass
        elif line != previous_line:
            parts.append("\n\n" if paragraph_of[line] != previous_par else "\n")
        else:
            parts.append(" ")
        parts.append(word.text)
        previous_line, previous_par = line, paragraph_of[line]
    return "".join(parts)
