"""Tesseract OCR: the one module that imports pytesseract.

:func:`check_tesseract` verifies the engine and the language packs (call it when a
worker starts: it fails loudly). :func:`recognise` reads one page image in one Tesseract
process with ``OMP_THREAD_LIMIT=1`` (parallelism comes from one process per page) and
returns words with boxes and confidence, line boxes, text and mean confidence.
"""

from __future__ import annotations

import dataclasses
import os

import pytesseract
from PIL import Image

from catalog.errors import OcrError

OMP_ENV = "OMP_THREAD_LIMIT"


@dataclasses.dataclass(frozen=True)
class OcrOutput:
    """What Tesseract read: ``words`` are ``[text, left, top, width, height, conf,
    line_no]`` in the pixels of the image given (see :func:`scale_boxes`)."""

    text: str
    words: list[list]
    lines: list[list[int]]
    mean_confidence: float | None


def check_tesseract(languages: str, cmd: str = "tesseract") -> str:
    """Return Tesseract's version, or raise :class:`OcrError` when the program or one of
    the language packs in ``languages`` (``ind+msa+eng``) is missing."""
    pytesseract.pytesseract.tesseract_cmd = cmd
    try:
        version = str(pytesseract.get_tesseract_version())
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError(
            f"Tesseract is not installed ({cmd!r} not found): "
            "apt-get install tesseract-ocr tesseract-ocr-ind tesseract-ocr-msa tesseract-ocr-eng"
        ) from exc
    missing = [code for code in languages.split("+") if code and code not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise OcrError(
            f"Tesseract language pack(s) missing: {', '.join(missing)}; apt-get install {packages}",
            missing=",".join(missing),
        )
    return version


def choose_psm(width: int, height: int, clipping_side: int) -> int:
    """Page segmentation mode by input: one uniform block (6) for a small clipping,
    automatic layout analysis (3) for a full page with columns and headings."""
    return 6 if max(width, height) < clipping_side else 3


def recognise(
    image: Image.Image | str, languages: str, *, psm: int, dpi: int, timeout: int, cmd: str
) -> OcrOutput:
    """OCR one image (a PIL image or a file path) in one Tesseract process."""
    os.environ[OMP_ENV] = "1"
    pytesseract.pytesseract.tesseract_cmd = cmd
    try:
        data = pytesseract.image_to_data(
            image,
            lang=languages,
            config=f"--psm {psm} --dpi {dpi}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError(f"Tesseract failed: {exc}") from exc
    except RuntimeError as exc:  # pytesseract signals a timeout with a bare RuntimeError
        raise OcrError(f"Tesseract did not finish within {timeout} s", timeout=timeout) from exc
    return parse_data(data)


def parse_data(data: dict[str, list]) -> OcrOutput:
    """Turn pytesseract's ``image_to_data`` columns into words, lines and text."""
    words: list[list] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    boxes: dict[int, list[int]] = {}
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
        words.append([text, left, top, width, height, round(conf, 2), line_no])
        box = boxes.setdefault(line_no, [left, top, left + width, top + height])
        box[:] = [
            min(box[0], left),
            min(box[1], top),
            max(box[2], left + width),
            max(box[3], top + height),
        ]
    lines = [[b[0], b[1], b[2] - b[0], b[3] - b[1]] for _, b in sorted(boxes.items())]
    mean = round(sum(w[5] for w in words) / len(words), 2) if words else None
    return OcrOutput(_text(words, paragraph_of), words, lines, mean)


def _text(words: list[list], paragraph_of: dict[int, tuple[int, int]]) -> str:
    parts: list[str] = []
    previous_line, previous_par = None, None
    for word in words:
        line = word[6]
        if previous_line is None:
            pass
        elif line != previous_line:
            parts.append("\n\n" if paragraph_of[line] != previous_par else "\n")
        else:
            parts.append(" ")
        parts.append(word[0])
        previous_line, previous_par = line, paragraph_of[line]
    return "".join(parts)


def scale_boxes(output: OcrOutput, factor: float) -> OcrOutput:
    """The same result with boxes divided by ``factor`` (OCR image → master pixels)."""
    if factor == 1.0:
        return output

    def shrink(values: list[int]) -> list[int]:
        return [round(v / factor) for v in values]

    words = [[w[0], *shrink(w[1:5]), w[5], w[6]] for w in output.words]
    lines = [shrink(b) for b in output.lines]
    return dataclasses.replace(output, words=words, lines=lines)
