"""Reading a few claimed pages with Tesseract: several pages to one process.

:func:`read_pages` takes the pages of one batch (same :class:`ingest.models.Plan`) and
returns, per page, its reading or the error that stopped it, and the models that read it.
Pages that share models, a page segmentation mode and a resolution go to ONE
single-threaded Tesseract process, one after another
(:func:`ingest.ocr.recognise_many`: the language models load once, not once a page);
when such a run fails, its pages are read again one by one, so a bad page costs only
itself. No threads inside a page: a single-threaded process works through a few pages
in turn.

On the default path (a plan with ``reread``) each page is first read with ``ind`` alone,
about as fast as raw ``tesseract -l ind``; a page that reads poorly and whose text the
detector takes for English is read again with ``eng+ind`` and the more
confident reading is kept (:func:`_unsure`). Reading every page with
``ind+msa+eng`` cost 1.6× the time for no gain on pages in Indonesian or Malay.

Each page is first read at its own size; a small clipping that read poorly, or a
low-resolution page whose print came out small, is read again enlarged (these re-reads
are grouped the same way) and replaces the first only when it is more confident and not
poor itself (enlarging rescues some clippings but turns others, such as decorative
headlines, into noise). Boxes are in master pixels.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from catalog.errors import IngestError, OcrError, WarisanError
from catalog.files import FileStore
from catalog.pagetext import PageText
from ingest import images, intake, ocr
from ingest.language import detect_language
from ingest.models import Plan
from ingest.settings import IngestSettings

Result = PageText | WarisanError


@dataclasses.dataclass(frozen=True)
class Reading:
    """What :func:`read_pages` gives for one page: the kept reading (or the error of that
    page) and the Tesseract language string that produced it."""

    result: Result
    models: str


@dataclasses.dataclass
class _Page:
    """One page being read: the file Tesseract reads first and how to read it."""

    page_id: int
    master: Path
    source: str
    psm: int
    dpi: int
    factor: float
    small: bool
    decoded: Image.Image | None
    models: str = ""


def read_pages(
    files: FileStore, pages: list[tuple[int, str]], plan: Plan, settings: IngestSettings
) -> dict[int, Reading]:
    """Read ``(page id, master checksum)`` pairs as ``plan`` says; returns each page's
    :class:`catalog.pagetext.PageText` (boxes in master pixels), or the
    :class:`IngestError` (unreadable or missing master) or :class:`OcrError` (Tesseract
    failed) of that page alone, with the models that read it."""
    results: dict[int, Result] = {}
    with tempfile.TemporaryDirectory(prefix="warisan-ocr-") as workdir:
        todo: list[_Page] = []
        for page_id, sha in pages:
            try:
                todo.append(_prepare(files, page_id, sha, settings, workdir, plan.models))
            except IngestError as exc:
                results[page_id] = exc
        firsts = _read_groups(
            [(p.page_id, p.source, p.psm, p.dpi, p.models) for p in todo], settings, workdir
        )
        if plan.reread:
            firsts = _reread_unsure(todo, firsts, plan, settings, workdir)
        again: dict[int, tuple[_Page, Image.Image]] = {}
        for page in todo:
            first = firsts[page.page_id]
            results[page.page_id] = first
            if isinstance(first, PageText) and _worth_rereading(page, first, settings):
                try:
                    again[page.page_id] = (page, _enlarged_source(page, settings))
                except IngestError as exc:
                    results[page.page_id] = exc
        seconds = _read_groups(
            [
                (
                    pid,
                    _save(images.ocr_image(image, page.factor), workdir, f"{pid}-up"),
                    page.psm,
                    images.effective_dpi(image, page.factor),
                    page.models,
                )
                for pid, (page, image) in again.items()
            ],
            settings,
            workdir,
        )
        for pid, (page, _) in again.items():
            results[pid] = _better(results[pid], seconds[pid], page, settings)
    models = {page.page_id: page.models for page in todo}
    return {pid: Reading(result, models.get(pid, plan.models)) for pid, result in results.items()}


def _reread_unsure(
    todo: list[_Page], firsts: dict[int, Result], plan: Plan, settings: IngestSettings, workdir: str
) -> dict[int, Result]:
    """The default path's second reading: pages :func:`_unsure` of their first reading
    are read with ``plan.reread``, and that reading replaces the first when it is more
    confident (the page's ``models`` then say so)."""
    unsure = [
        page
        for page in todo
        if isinstance(firsts[page.page_id], PageText)
        and _unsure(firsts[page.page_id], plan, settings)
    ]
    seconds = _read_groups(
        [(p.page_id, p.source, p.psm, p.dpi, plan.reread or "") for p in unsure], settings, workdir
    )
    results = dict(firsts)
    for page in unsure:
        first, second = firsts[page.page_id], seconds[page.page_id]
        if _more_confident(second, first):
            results[page.page_id] = second
            page.models = plan.reread or page.models
    return results


def _more_confident(second: Result, first: Result) -> bool:
    return (
        isinstance(first, PageText)
        and isinstance(second, PageText)
        and (second.mean_confidence or -1.0) > (first.mean_confidence or -1.0)
    )


def _unsure(reading: PageText, plan: Plan, settings: IngestSettings) -> bool:
    """True when a first reading on the default path should be read again: it has words,
    its mean confidence is below ``settings.reread_languages_below``, and the detector
    finds a language in it that only ``plan.reread`` has a model for (English). A
    confident reading is kept whatever its language (reading every English page again
    cost a fifth more time for a tenth of a percent of characters), and so is one in
    which the detector finds no language (a few words or noise, which a second model
    did not read better on the RagamBahasa clippings)."""
    if not reading.words or (reading.mean_confidence or 0.0) >= settings.reread_languages_below:
        return False
    detected = detect_language(reading.text)
    again, first = (plan.reread or "").split("+"), plan.models.split("+")
    return detected in again and detected not in first


def _prepare(
    files: FileStore, page_id: int, sha: str, settings: IngestSettings, workdir: str, models: str
) -> _Page:
    """Check the master and decide how to read it: a plain 8-bit file goes to Tesseract
    as it is; anything else is decoded, converted to grey and written to ``workdir``."""
    path = files.path(sha)
    if not path.is_file():
        raise IngestError(f"master image of page {page_id} is missing from the file store")
    image = images.readable_as_is(path)  # lazily opened: header only
    decoded = None
    if image is None:
        image = decoded = _decode(path, settings)
        source = _save(images.ocr_image(image, 1.0), workdir, str(page_id))
    else:
        source = str(path)
    factor = images.ocr_scale(image, settings)
    return _Page(
        page_id=page_id,
        master=path,
        source=source,
        psm=ocr.choose_psm(image.width, image.height, settings.clipping_side),
        dpi=images.effective_dpi(image, 1.0),
        factor=factor,
        small=max(image.size) < settings.small_side,
        decoded=decoded if factor > 1.0 else None,  # kept only if it may be read again
        models=models,
    )


def _decode(path: Path, settings: IngestSettings) -> Image.Image:
    return next(intake.iter_pages(path, settings, path.name)).image


def _save(image: Image.Image, workdir: str, name: str) -> str:
    """Write an OCR image as a quickly compressed PNG (lossless: Tesseract sees the same
    pixels as from any other lossless file)."""
    target = Path(workdir) / f"{name}.png"
    image.save(target, "PNG", compress_level=1)
    return str(target)


def _worth_rereading(page: _Page, reading: PageText, settings: IngestSettings) -> bool:
    """A small clipping below the confidence threshold, or a page with small print,
    when enlarging is possible at all."""
    if page.factor <= 1.0:
        return False
    if page.small:
        return (reading.mean_confidence or 0.0) < settings.reread_confidence
    return _small_print(reading, settings)


def _small_print(reading: PageText, settings: IngestSettings) -> bool:
    """True when the median word is shorter than ``settings.small_print`` pixels."""
    heights = sorted(w.h for w in reading.words)
    return not heights or heights[len(heights) // 2] < settings.small_print


def _enlarged_source(page: _Page, settings: IngestSettings) -> Image.Image:
    return page.decoded if page.decoded is not None else _decode(page.master, settings)


def _better(first: Result, second: Result, page: _Page, settings: IngestSettings) -> Result:
    """The enlarged reading (boxes mapped back) when it is more confident than the first
    and itself reaches ``settings.reread_confidence`` (a re-read that stays below it reads
    worse than the first); an error of the re-read is the page's error."""
    if not isinstance(second, PageText) or not isinstance(first, PageText):
        return second if isinstance(first, PageText) else first
    confidence = second.mean_confidence or -1.0
    if confidence > (first.mean_confidence or -1.0) and confidence >= settings.reread_confidence:
        return second.scaled(page.factor)
    return first


def _read_groups(
    items: list[tuple[int, str, int, int, str]],
    settings: IngestSettings,
    workdir: str,
) -> dict[int, Result]:
    """Read ``(page id, file, psm, dpi, models)`` items: those with the same psm, dpi and
    models in one Tesseract process; a failed run is repeated page by page."""
    groups: dict[tuple[int, int, str], list[tuple[int, str]]] = {}
    for page_id, source, psm, dpi, models in items:
        groups.setdefault((psm, dpi, models), []).append((page_id, source))
    results: dict[int, Result] = {}
    for (psm, dpi, models), members in groups.items():

        def run(
            paths: list[str], psm: int = psm, dpi: int = dpi, models: str = models
        ) -> list[PageText]:
            return ocr.recognise_many(
                paths,
                models,
                psm=psm,
                dpi=dpi,
                timeout=settings.ocr_timeout,
                cmd=settings.tesseract_cmd,
                workdir=workdir,
            )

        results.update(_read_group(members, run))
    return results


def _read_group(
    members: list[tuple[int, str]], run: Callable[[list[str]], list[PageText]]
) -> dict[int, Result]:
    try:
        readings = run([source for _, source in members])
        return {pid: r for (pid, _), r in zip(members, readings, strict=True)}
    except OcrError as exc:
        if len(members) == 1:
            return {members[0][0]: exc}
    results: dict[int, Result] = {}
    for page_id, source in members:  # one by one: the bad page fails alone
        try:
            results[page_id] = run([source])[0]
        except OcrError as exc:
            results[page_id] = exc
    return results
