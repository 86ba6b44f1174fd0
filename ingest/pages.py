"""OCR of one page, exactly once: claim, cache, recognise, store.

A page is *claimed* before Tesseract runs: one atomic UPDATE moves it to ``running`` and
writes the owner (``run:<host>:<pid>``) into ``ocr_key`` and the start time into
``ocr_at``. Only the owner may store the result, which sets ``ocr_status='done'`` and
``ocr_key`` to the page's cache key (image checksum + OCR settings). A claim whose owner
process is gone (same host) or that is older than the lease is stale and may be taken
over, so a worker killed mid-page loses nothing, and a page is never stored twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket

from PIL import Image
from sqlalchemy import select, update

from catalog.errors import IngestError, NotFound
from catalog.files import FileStore
from catalog.models import DigitalObject, Page, Record, utcnow
from catalog.processes import process_alive
from catalog.store import Catalog
from ingest import images, intake, ocr
from ingest.language import detect_language
from ingest.settings import IngestSettings, ocr_key, ocr_languages

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
CLAIM_PREFIX = "run:"


@dataclasses.dataclass(frozen=True)
class PageOutcome:
    """``action``: ``ocr`` (Tesseract ran), ``cached`` (copied from an identical page),
    ``skipped`` (already done with the same key, or claimed by a live worker)."""

    page_id: int
    record_id: int
    action: str


def owner_token(pid: int | None = None) -> str:
    """This process's claim token: ``run:<host>:<pid>`` (at most 64 characters)."""
    host = socket.gethostname()[:40]
    return f"{CLAIM_PREFIX}{host}:{pid or os.getpid()}"


def claim_is_stale(token: str | None, started: dt.datetime | None, lease: dt.timedelta) -> bool:
    """True when a running claim's owner is a dead process on this host, or it is old."""
    if not token or not token.startswith(CLAIM_PREFIX):
        return True
    if started is None or utcnow() - started > lease:
        return True
    host, _, pid = token[len(CLAIM_PREFIX) :].rpartition(":")
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    return not process_alive(int(pid))


def ocr_page(
    catalog: Catalog,
    files: FileStore,
    page_id: int,
    settings: IngestSettings,
    *,
    lease: dt.timedelta | None = None,
) -> PageOutcome:
    """OCR a page unless an identical result is stored; returns what was done.

    Raises :class:`NotFound` for a missing page, :class:`IngestError` for an unreadable
    master and :class:`catalog.errors.OcrError` when Tesseract fails; the claim is then
    released (status back to ``pending``) so a retry can take it.
    """
    lease = lease or dt.timedelta(seconds=settings.ocr_timeout * 2 + 60)
    page, record_id, languages = _load(catalog, page_id, settings)
    key = ocr_key(page.image_sha256, languages, settings)
    if page.ocr_status == DONE and (page.ocr_key == key or page.text_source == "pdf"):
        return PageOutcome(page_id, record_id, "skipped")
    token = owner_token()
    if not _claim(catalog, page_id, key, token, lease):
        return PageOutcome(page_id, record_id, "skipped")
    try:
        twin = _cached_twin(catalog, page_id, key)
        result = twin if twin is not None else _recognise(files, page, languages, settings)
    except BaseException:
        release(catalog, page_id, token, PENDING, None)
        raise
    _store(catalog, page_id, record_id, token, key, result)
    return PageOutcome(page_id, record_id, "cached" if twin is not None else "ocr")


def release(
    catalog: Catalog, page_id: int, token: str | None, status: str, error: str | None
) -> None:
    """Give a claimed page back (``pending``) or mark it ``failed`` with its error.

    With ``token`` None the page is changed whoever holds it (final failure reports).
    """
    with catalog.session() as s:
        query = update(Page).where(Page.id == page_id, Page.ocr_status != DONE)
        if token is not None:
            query = query.where(Page.ocr_key == token)
        s.execute(query.values(ocr_status=status, ocr_key=None, ocr_error=error, ocr_at=utcnow()))


def _load(catalog: Catalog, page_id: int, settings: IngestSettings) -> tuple[Page, int, str]:
    with catalog.session() as s:
        row = s.execute(
            select(Page, Record.id, Record.languages)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .join(Record, DigitalObject.record_id == Record.id)
            .where(Page.id == page_id)
        ).first()
        if row is None:
            raise NotFound(f"no page {page_id}", page=page_id)
        page, record_id, record_languages = row
        return page, record_id, ocr_languages(record_languages or [], settings.languages)


def _claim(catalog: Catalog, page_id: int, key: str, token: str, lease: dt.timedelta) -> bool:
    with catalog.session() as s:
        page = s.get(Page, page_id)
        running_stale = page.ocr_status == RUNNING and claim_is_stale(
            page.ocr_key, page.ocr_at, lease
        )
        if page.ocr_status == RUNNING and not running_stale:
            return False
        seen_key, seen_status = page.ocr_key, page.ocr_status
    with catalog.session() as s:
        changed = s.execute(
            update(Page)
            .where(
                Page.id == page_id, Page.ocr_status == seen_status, _same(Page.ocr_key, seen_key)
            )
            .values(ocr_status=RUNNING, ocr_key=token, ocr_at=utcnow(), ocr_error=None)
        ).rowcount
    return changed == 1


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _cached_twin(catalog: Catalog, page_id: int, key: str) -> ocr.OcrOutput | None:
    """An identical page (same image, same settings) already OCR'd: reuse its result."""
    with catalog.session() as s:
        twin = s.scalar(
            select(Page)
            .where(Page.ocr_key == key, Page.ocr_status == DONE, Page.id != page_id)
            .limit(1)
        )
        if twin is None:
            return None
        return ocr.OcrOutput(twin.text or "", twin.words, twin.lines, twin.mean_confidence)


def _recognise(
    files: FileStore, page: Page, languages: str, settings: IngestSettings
) -> ocr.OcrOutput:
    """Read the page at its own size; read it again enlarged when it is a small clipping
    that read poorly or a low-resolution page whose print came out small, and keep the
    reading with the higher mean word confidence (enlarging rescues some clippings but
    turns others, such as decorative headlines, into noise). Boxes are in master pixels."""
    path = files.path(page.image_sha256)
    if not path.is_file():
        raise IngestError(f"master image of page {page.id} is missing from the file store")
    image = images.readable_as_is(path)  # a plain 8-bit master goes to Tesseract unconverted
    source = str(path) if image is not None else None
    if image is None:
        image = next(intake.iter_pages(path, settings, path.name)).image
    psm = ocr.choose_psm(image.width, image.height, settings.clipping_side)
    reading = _read(source or image, image, 1.0, languages, psm, settings)
    factor = images.ocr_scale(image, settings)
    if max(image.size) < settings.small_side:
        retry = (reading.mean_confidence or 0.0) < settings.reread_confidence
    else:
        retry = _small_print(reading, settings)
    if factor > 1.0 and retry:
        if source is not None:
            image = next(intake.iter_pages(path, settings, path.name)).image
        enlarged = _read(images.ocr_image(image, factor), image, factor, languages, psm, settings)
        if (enlarged.mean_confidence or -1.0) > (reading.mean_confidence or -1.0):
            return enlarged
    return reading


def _read(
    source: str | Image.Image,
    image: Image.Image,
    factor: float,
    languages: str,
    psm: int,
    settings: IngestSettings,
) -> ocr.OcrOutput:
    """One Tesseract reading of ``source`` (a path, or a PIL image made from ``image``
    enlarged by ``factor``), with boxes mapped back to master pixels."""
    if not isinstance(source, str) and factor == 1.0:
        source = images.ocr_image(image, 1.0)
    result = ocr.recognise(
        source,
        languages,
        psm=psm,
        dpi=images.effective_dpi(image, factor),
        timeout=settings.ocr_timeout,
        cmd=settings.tesseract_cmd,
    )
    return ocr.scale_boxes(result, factor)


def _small_print(reading: ocr.OcrOutput, settings: IngestSettings) -> bool:
    """True when the median word is shorter than ``settings.small_print`` pixels."""
    heights = sorted(w[4] for w in reading.words)
    return not heights or heights[len(heights) // 2] < settings.small_print


def _store(
    catalog: Catalog, page_id: int, record_id: int, token: str, key: str, result: ocr.OcrOutput
) -> None:
    """Write the result if this process still owns the claim; the record's search
    documents become due in the same transaction."""
    with catalog.session() as s:
        stored = s.execute(
            update(Page)
            .where(Page.id == page_id, Page.ocr_key == token, Page.ocr_status == RUNNING)
            .values(
                text=result.text,
                words=result.words,
                lines=result.lines,
                mean_confidence=result.mean_confidence,
                language=detect_language(result.text),
                text_source="ocr",
                ocr_status=DONE,
                ocr_key=key,
                ocr_error=None,
                ocr_at=utcnow(),
            )
        ).rowcount
        if stored:
            mark_due(s, record_id)


def mark_due(session, record_id: int) -> None:
    """Mark a record's search documents stale, inside the caller's transaction."""
    session.execute(update(Record).where(Record.id == record_id).values(index_due=utcnow()))


__all__ = [
    "FAILED",
    "PageOutcome",
    "claim_is_stale",
    "mark_due",
    "ocr_page",
    "owner_token",
    "release",
]
