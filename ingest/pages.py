"""OCR of pages, each exactly once: claim, cache, recognise, store.

A page is *claimed* before Tesseract runs: one atomic UPDATE moves it to ``running`` and
writes the owner (``run:<host>:<pid>``) into ``ocr_key`` and the start time into
``ocr_at``. Only the owner may store the result (:func:`write_text`, the one writer of a
page's text, OCR'd or from a PDF text layer), which sets ``ocr_status='done'`` and
``ocr_key`` to the page's cache key (image checksum + OCR settings). A claim whose owner
process is gone (same host) or that is older than the lease is stale and may be taken
over, so a worker killed mid-page loses nothing, and a page is never stored twice.

A job may take along a few other pending pages read the same way (:func:`ocr_pages`):
each is claimed with its own conditional UPDATE under the same owner, and settled on its
own, so a worker killed mid-batch leaves stale claims that are taken over like any other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog.errors import NotFound, OcrError, WarisanError
from catalog.files import FileStore
from catalog.models import DigitalObject, OcrStatus, Page, Record, utcnow
from catalog.pagetext import PageText
from catalog.processes import process_alive
from catalog.store import Catalog
from ingest import ocr, reading
from ingest.language import detect_language
from ingest.models import Plan, page_language, plan_for
from ingest.settings import IngestSettings, ocr_key

CLAIM_PREFIX = "run:"


@dataclasses.dataclass(frozen=True)
class PageOutcome:
    """``action``: ``ocr`` (Tesseract ran), ``cached`` (copied from an identical page),
    ``skipped`` (already done with the same key, or claimed by a live worker), ``retry``
    (Tesseract failed: the page is back to ``pending``, ``error`` says why) or ``failed``
    (unreadable master: the page is marked ``failed``). ``models``: the Tesseract
    language string that read the page, when Tesseract ran for it."""

    page_id: int
    record_id: int
    action: str
    error: WarisanError | None = None
    models: str | None = None


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
    lead = ocr_pages(catalog, files, page_id, settings, lease=lease)[0]
    if lead.error is not None:
        raise lead.error
    return lead


def ocr_pages(
    catalog: Catalog,
    files: FileStore,
    page_id: int,
    settings: IngestSettings,
    *,
    batch: int = 1,
    share: int = 1,
    lease: dt.timedelta | None = None,
) -> list[PageOutcome]:
    """OCR a page and, with ``batch`` > 1, a few other pending pages read the same way
    (same languages and page segmentation mode) in the same Tesseract process; returns
    the outcome of the page asked for first, then those of the pages it took along.

    The batch takes at most ``batch`` pages and about a ``share``-th of the pages still
    pending (``share``: the processes working on the queue), so batches shrink towards
    the end of a queue and the processes finish together. Only pending pages without an
    error are taken along (a page that failed once is read alone by its own job), each
    with its own claim. Each page ends on its own: stored, released with its error
    (``retry``, back to ``pending``) or marked ``failed``; one bad page costs the others
    nothing. The page asked for is released to ``pending`` without an error when it fails
    (its job's retry records the error). Raises :class:`NotFound` for a missing page.
    """
    lease = lease or dt.timedelta(seconds=settings.ocr_timeout * 2 * settings.ocr_batch + 60)
    page, record_id, plan = _load(catalog, page_id, settings)
    key = ocr_key(page.image_sha256, plan.key, settings)
    if page.ocr_status == OcrStatus.DONE and (page.ocr_key == key or page.text_source == "pdf"):
        return [PageOutcome(page_id, record_id, "skipped")]
    token = owner_token()
    if not _claim(catalog, page_id, key, token, lease):
        return [PageOutcome(page_id, record_id, "skipped")]
    claimed = [_Claimed(page_id, record_id, page.image_sha256, key)]
    try:
        if batch > 1 and page.width and page.height:
            psm = ocr.choose_psm(page.width, page.height, settings.clipping_side)
            claimed += _take_along(catalog, page_id, plan, psm, token, settings, batch, share)
        return _read_and_store(catalog, files, claimed, plan, token, settings)
    except BaseException:
        for item in claimed:  # whatever is not stored yet goes back to pending
            release(catalog, item.page_id, token, OcrStatus.PENDING, None)
        raise


@dataclasses.dataclass(frozen=True)
class _Claimed:
    page_id: int
    record_id: int
    image_sha256: str
    key: str


def _take_along(
    catalog: Catalog,
    page_id: int,
    plan: Plan,
    psm: int,
    token: str,
    settings: IngestSettings,
    batch: int,
    share: int,
) -> list[_Claimed]:
    """Claim pending pages (oldest first) OCR'd with the same plan and page
    segmentation mode: at most ``batch - 1``, and about a ``share``-th of the pending
    pages. Each claim is one conditional UPDATE, so a page another worker took first is
    simply not taken. (No COUNT: the look-up reads a bounded number of pending pages.)"""
    share = max(share, 1)
    with catalog.session() as s:
        rows = s.execute(
            select(Page.id, Page.image_sha256, Page.width, Page.height, Record.id, Record.languages)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .join(Record, DigitalObject.record_id == Record.id)
            .where(
                Page.ocr_status == OcrStatus.PENDING, Page.ocr_error.is_(None), Page.id != page_id
            )
            .order_by(Page.id)
            .limit(batch * max(share, 8))
        ).all()
    wanted = min(batch, -(-(len(rows) + 1) // share)) - 1
    fitting = [
        (pid, sha, record_id)
        for pid, sha, width, height, record_id, record_languages in rows
        if width
        and height
        and ocr.choose_psm(width, height, settings.clipping_side) == psm
        and plan_of(record_languages, settings) == plan
    ][:wanted]
    taken: list[_Claimed] = []
    with catalog.session() as s:
        for pid, sha, record_id in fitting:
            changed = s.execute(
                update(Page)
                .where(
                    Page.id == pid, Page.ocr_status == OcrStatus.PENDING, Page.ocr_error.is_(None)
                )
                .values(
                    ocr_status=OcrStatus.RUNNING, ocr_key=token, ocr_at=utcnow(), ocr_error=None
                )
            ).rowcount
            if changed == 1:
                taken.append(_Claimed(pid, record_id, sha, ocr_key(sha, plan.key, settings)))
    return taken


def _read_and_store(
    catalog: Catalog,
    files: FileStore,
    claimed: list[_Claimed],
    plan: Plan,
    token: str,
    settings: IngestSettings,
) -> list[PageOutcome]:
    """Reuse stored results of identical pages, read each distinct image of the batch
    once, and settle every claimed page."""
    found: dict[str, PageText] = {}
    for item in claimed:
        if item.key not in found:
            twin = _cached_twin(catalog, item.page_id, item.key)
            if twin is not None:
                found[item.key] = twin
    firsts: dict[str, _Claimed] = {}
    for item in claimed:
        if item.key not in found:
            firsts.setdefault(item.key, item)
    readings = reading.read_pages(
        files, [(i.page_id, i.image_sha256) for i in firsts.values()], plan, settings
    )
    outcomes = []
    for n, item in enumerate(claimed):
        models = None
        if item.key in found:
            result: PageText | WarisanError = found[item.key]
            action = "cached"
        else:
            read = readings[firsts[item.key].page_id]
            result = read.result
            action = "ocr" if firsts[item.key] is item else "cached"
            models = read.models if action == "ocr" else None
        outcome = _settle(catalog, item, token, result, action, lead=n == 0)
        outcomes.append(dataclasses.replace(outcome, models=models))
    return outcomes


def _settle(
    catalog: Catalog,
    item: _Claimed,
    token: str,
    result: PageText | WarisanError,
    action: str,
    *,
    lead: bool,
) -> PageOutcome:
    """Store a result, or give the page back with its error (the page asked for first
    without one: its job records it)."""
    if isinstance(result, PageText):
        with catalog.session() as s:
            write_text(s, item.page_id, item.record_id, result, key=item.key, owner=token)
        return PageOutcome(item.page_id, item.record_id, action)
    if lead:
        release(catalog, item.page_id, token, OcrStatus.PENDING, None)
        return PageOutcome(item.page_id, item.record_id, "retry", result)
    if not isinstance(result, OcrError):  # an unreadable master: trying again cannot help
        release(catalog, item.page_id, token, OcrStatus.FAILED, str(result))
        return PageOutcome(item.page_id, item.record_id, "failed", result)
    release(catalog, item.page_id, token, OcrStatus.PENDING, f"{type(result).__name__}: {result}")
    return PageOutcome(item.page_id, item.record_id, "retry", result)


def release(
    catalog: Catalog, page_id: int, token: str | None, status: OcrStatus, error: str | None
) -> None:
    """Give a claimed page back (``pending``) or mark it ``failed`` with its error.

    With ``token`` None the page is changed whoever holds it (final failure reports).
    """
    with catalog.session() as s:
        query = update(Page).where(Page.id == page_id, Page.ocr_status != OcrStatus.DONE)
        if token is not None:
            query = query.where(Page.ocr_key == token)
        s.execute(query.values(ocr_status=status, ocr_key=None, ocr_error=error, ocr_at=utcnow()))


def plan_of(record_languages: list[str] | None, settings: IngestSettings) -> Plan:
    """How the pages of a record with ``record_languages`` are read (:mod:`ingest.models`),
    with the models installed for ``settings.tesseract_cmd``."""
    return plan_for(
        record_languages,
        ocr.installed_models(settings.tesseract_cmd),
        settings.languages,
        settings.reread_languages,
    )


def _load(catalog: Catalog, page_id: int, settings: IngestSettings) -> tuple[Page, int, Plan]:
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
        return page, record_id, plan_of(record_languages, settings)


def _claim(catalog: Catalog, page_id: int, key: str, token: str, lease: dt.timedelta) -> bool:
    with catalog.session() as s:
        page = s.get(Page, page_id)
        running_stale = page.ocr_status == OcrStatus.RUNNING and claim_is_stale(
            page.ocr_key, page.ocr_at, lease
        )
        if page.ocr_status == OcrStatus.RUNNING and not running_stale:
            return False
        seen_key, seen_status = page.ocr_key, page.ocr_status
    with catalog.session() as s:
        changed = s.execute(
            update(Page)
            .where(
                Page.id == page_id, Page.ocr_status == seen_status, _same(Page.ocr_key, seen_key)
            )
            .values(ocr_status=OcrStatus.RUNNING, ocr_key=token, ocr_at=utcnow(), ocr_error=None)
        ).rowcount
    return changed == 1


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _cached_twin(catalog: Catalog, page_id: int, key: str) -> PageText | None:
    """An identical page (same image, same settings) already OCR'd: reuse its result."""
    with catalog.session() as s:
        twin = s.scalar(
            select(Page)
            .where(Page.ocr_key == key, Page.ocr_status == OcrStatus.DONE, Page.id != page_id)
            .limit(1)
        )
        if twin is None:
            return None
        return PageText.from_page(twin)


def write_text(
    session: Session,
    page_id: int,
    record_id: int,
    text: PageText,
    *,
    key: str | None = None,
    owner: str | None = None,
) -> bool:
    """Store ``text`` as page ``page_id``'s reading (``done``, with the cache ``key``) and
    mark the record's search documents due, both in the caller's transaction; when
    ``text`` does not name its language, the label is detected from the text and checked
    against the record's languages (:func:`ingest.models.page_language`: never a guess
    outside what the detector knows). With ``owner``, only while that claim token still
    holds the page. Returns whether it was written."""
    values = text.columns()
    if values["language"] is None:
        record_languages = session.scalar(select(Record.languages).where(Record.id == record_id))
        values["language"] = page_language(detect_language(text.text), record_languages)
    query = update(Page).where(Page.id == page_id)
    if owner is not None:
        query = query.where(Page.ocr_key == owner, Page.ocr_status == OcrStatus.RUNNING)
    written = session.execute(
        query.values(
            **values, ocr_status=OcrStatus.DONE, ocr_key=key, ocr_error=None, ocr_at=utcnow()
        )
    ).rowcount
    if written:
        mark_due(session, record_id)
    return written == 1


def mark_due(session: Session, record_id: int) -> None:
    """Mark a record's search documents stale, inside the caller's transaction."""
    session.execute(update(Record).where(Record.id == record_id).values(index_due=utcnow()))


__all__ = [
    "PageOutcome",
    "claim_is_stale",
    "mark_due",
    "ocr_page",
    "ocr_pages",
    "owner_token",
    "plan_of",
    "release",
    "write_text",
]
