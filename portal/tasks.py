"""The jobs of the ingest pipeline on huey, wiring ``harvester``, ``ingest`` and ``search``.

:class:`Jobs` (``get_services().queue``) owns a huey instance built from ``QUEUE_URL``
(SQLite file by default, Redis for ``redis://``) and four tasks: fetch a harvested scan,
ingest a digital object, OCR a page (with a few pending pages read the same way, in one
Tesseract process), index the records that are due. The catalogue is the
durable state (a record whose pages changed is marked ``index_due`` in the same
transaction, and one index run takes every settled record that is due, so a batch of
pages costs a few index commits, not one per record):
every task is idempotent and :meth:`Jobs.enqueue_pending` queues again whatever is
unfinished, so a worker killed with ``kill -9`` loses nothing. Failed jobs retry with
exponential backoff; after the last try the object or page is marked ``failed`` with the
error.
"""

from __future__ import annotations

import logging
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from catalog.errors import (
    ConfigError,
    IngestError,
    NotFound,
    OcrError,
    UnsafeURL,
    WarisanError,
)
from catalog.models import DigitalObject
from ingest import objects, pages, work
from ingest.settings import IngestSettings

if TYPE_CHECKING:
    from huey.api import Huey

log = logging.getLogger(__name__)
TRANSIENT = (WarisanError, OSError)


def huey_package() -> ModuleType:
    """The ``huey`` package, imported without psycopg.

    huey's storage module imports psycopg whenever it is installed, for huey's own
    PostgreSQL storage, which Warisan does not use: 0.1 s of every worker's start-up
    (``python -X importtime``). It is hidden during that one import; SQLAlchemy still
    imports it as usual when the catalogue is on PostgreSQL. (huey's redis import stays:
    ``QUEUE_URL=redis://`` needs it, and huey binds it when imported.)
    """
    if "huey" not in sys.modules and "psycopg" not in sys.modules:
        sys.modules["psycopg"] = None  # type: ignore[assignment]  # import → ImportError
        try:
            import huey
        finally:
            del sys.modules["psycopg"]
    import huey

    return huey


def make_huey(url: str, name: str = "warisan", *, blocking: bool = True) -> Huey:
    """A huey instance for a queue URL: ``sqlite:///path``, ``redis://…`` or ``memory://``.

    ``blocking=False`` makes a Redis dequeue return at once when the queue is empty.
    """
    huey = huey_package()
    parts = urlsplit(url)
    options: dict[str, Any] = {"results": False, "utc": True}
    if parts.scheme == "sqlite":
        path = parts.path if parts.netloc == "" else f"/{parts.netloc}{parts.path}"
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return huey.SqliteHuey(name, filename=path, **options)
    if parts.scheme in ("redis", "rediss"):
        return huey.RedisHuey(name, url=url, blocking=blocking, **options)
    if parts.scheme == "memory":
        return huey.MemoryHuey(name, **options)
    raise ConfigError(f"QUEUE_URL scheme {parts.scheme!r} is not supported", setting="QUEUE_URL")


def ingest_settings(config) -> IngestSettings:
    """The :class:`IngestSettings` of an app config (``OCR_*``/``INGEST_*`` settings)."""
    try:
        return IngestSettings(
            languages=str(config.get("OCR_LANGUAGES") or "ind+msa+eng"),
            ocr_timeout=int(config.get("OCR_TIMEOUT", 300)),
            max_file_bytes=int(config.get("INGEST_MAX_FILE_MB", 500)) * 1024 * 1024,
            max_pixels=int(config.get("INGEST_MAX_PIXELS", 150_000_000)),
            display_side=int(config.get("INGEST_DISPLAY_SIDE", 2000)),
            thumb_side=int(config.get("INGEST_THUMB_SIDE", 300)),
            pdf_dpi=int(config.get("INGEST_PDF_DPI", 300)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"an OCR_* or INGEST_* setting is not a number: {exc}") from exc


class Jobs:
    """The queue of one portal: huey, its tasks, and the services the tasks use."""

    def __init__(self, config, services=None) -> None:
        self.config = config
        self.settings = ingest_settings(config)
        self.huey = make_huey(config["QUEUE_URL"])
        self._services = services
        self._pid = os.getpid()
        self.retries = int(config.get("OCR_RETRIES", 3))
        self.retry_delay = float(config.get("OCR_RETRY_DELAY", 10))
        self.processes = int(config.get("WORKER_PROCESSES") or os.cpu_count() or 1)
        _register(self)

    def services(self):
        """The services of this process (a forked worker builds its own connections)."""
        if self._services is None or self._pid != os.getpid():
            from portal.services import Services

            self._services, self._pid = Services(self.config), os.getpid()
        return self._services

    # -- queueing --------------------------------------------------------------------

    def enqueue_pending(self, record_id: int | None = None) -> work.PendingWork:
        """Queue every unfinished fetch, ingest and OCR found in the catalogue (optionally
        of one record), except what is already queued or scheduled."""
        todo = work.pending_work(self.services().catalog, record_id=record_id)
        queued = self.queued()
        for object_id in todo.fetch:
            if ("fetch_scan", object_id) not in queued:
                self.fetch_scan(object_id)
        for object_id in todo.ingest:
            if ("ingest_object", object_id) not in queued:
                self.ingest_object(object_id)
        for page_id in todo.ocr:
            if ("ocr_page", page_id) not in queued:
                self.ocr_page(page_id)
        if todo.index and ("index_due", None) not in queued:
            self.index_due()
        return todo

    def queued(self) -> set[tuple[str, Any]]:
        """``(task name, first argument)`` of every queued or scheduled task."""
        tasks = list(self.huey.pending()) + list(self.huey.scheduled())
        return {(t.name, t.args[0] if t.args else None) for t in tasks}

    def stats(self) -> dict[str, int]:
        """Queued and scheduled (waiting to retry) task counts."""
        return {"queued": self.huey.pending_count(), "scheduled": self.huey.scheduled_count()}


def _register(jobs: Jobs) -> None:
    """Define the tasks on ``jobs.huey`` and expose them as methods of ``jobs``."""
    retry = {
        "retries": jobs.retries,
        "retry_delay": jobs.retry_delay,
        "retry_backoff": 2,
        "context": True,
    }
    huey = jobs.huey

    @huey.task(name="fetch_scan", **retry)
    def fetch_scan(object_id: int, task=None) -> None:
        try:
            _fetch(jobs, object_id)
        except (UnsafeURL, IngestError, NotFound) as exc:  # retrying cannot help
            objects.mark_failed(jobs.services().catalog, object_id, str(exc))
            return
        except TRANSIENT as exc:  # HTTP errors and timeouts (HarvestError) may pass
            _retry_or_fail(jobs, task, object_id, None, exc)
            raise
        jobs.ingest_object(object_id)

    @huey.task(name="ingest_object", **retry)
    def ingest_object(object_id: int, task=None) -> None:
        services = jobs.services()
        try:
            outcome = objects.ingest_object(
                services.catalog, services.files, object_id, jobs.settings
            )
        except (IngestError, NotFound) as exc:
            objects.mark_failed(services.catalog, object_id, str(exc))
            return
        except TRANSIENT as exc:
            _retry_or_fail(jobs, task, object_id, None, exc)
            raise
        for page_id in outcome.pages_to_ocr:
            jobs.ocr_page(page_id)
        if not outcome.pages_to_ocr:
            jobs.index_due()

    @huey.task(name="ocr_page", **retry)
    def ocr_page(page_id: int, task=None) -> str:
        """OCR a page and a few pending pages read the same way, in one Tesseract process
        (see :func:`ingest.pages.ocr_pages`); the jobs of the pages taken along find them
        done. A page taken along that failed is queued again on its own."""
        services = jobs.services()
        try:
            outcomes = pages.ocr_pages(
                services.catalog,
                services.files,
                page_id,
                jobs.settings,
                batch=jobs.settings.ocr_batch,
                share=jobs.processes,
            )
        except NotFound:
            return "missing"
        except TRANSIENT as exc:
            _retry_or_fail(jobs, task, None, page_id, exc)
            raise
        lead, others = outcomes[0], outcomes[1:]
        _after_batch(jobs, others)
        settled = [o.record_id for o in outcomes if o.action in ("ocr", "cached")]
        if any(_record_settled(jobs, record_id) for record_id in dict.fromkeys(settled)):
            jobs.index_due()
        if isinstance(lead.error, OcrError):  # Tesseract failed: huey tries again
            _retry_or_fail(jobs, task, None, page_id, lead.error)
            raise lead.error
        if lead.error is not None:  # an unreadable master: trying again cannot help
            pages.release(services.catalog, page_id, None, pages.FAILED, str(lead.error))
            return "failed"
        return lead.action

    @huey.task(name="index_due", **retry)
    def index_due(task=None) -> int:
        """Index every settled record marked due; returns how many. Queued once per
        settled record, it finds the later ones already done and costs one query."""
        services = jobs.services()
        if getattr(type(services), "search", None) is None:
            log.warning("records not indexed: this portal has no search service")
            return 0
        done = 0
        while True:  # in batches, until a batch comes back short
            ids, stamp = work.records_to_index(services.catalog)
            if ids:
                services.search.index_records(ids)
                work.mark_indexed(services.catalog, ids, stamp)
                done += len(ids)
            if len(ids) < work.INDEX_BATCH:
                return done

    @huey.periodic_task(huey_package().crontab(minute="*/5"), name="recover_pending")
    def recover_pending() -> None:
        jobs.enqueue_pending()

    jobs.fetch_scan, jobs.ingest_object = fetch_scan, ingest_object
    jobs.ocr_page, jobs.index_due = ocr_page, index_due


def _retry_or_fail(jobs: Jobs, task, object_id: int | None, page_id: int | None, exc) -> None:
    """Before huey retries: keep the error visible; on the last try mark it failed."""
    catalog = jobs.services().catalog
    final = task is None or not task.retries
    message = f"{type(exc).__name__}: {exc}"
    if page_id is not None:
        pages.release(catalog, page_id, None, pages.FAILED if final else pages.PENDING, message)
    if object_id is not None:
        with catalog.session() as s:
            obj = s.get(DigitalObject, object_id)
            if obj is not None:
                obj.error = message
                if final:
                    obj.status = objects.FAILED


def _after_batch(jobs: Jobs, others: list[pages.PageOutcome]) -> None:
    """Queue again, each on its own, the pages taken along whose reading failed (they
    are back to ``pending`` with the error; their own jobs may have run already)."""
    again = [o.page_id for o in others if o.action == "retry"]
    if not again:
        return
    queued = jobs.queued()
    for page_id in again:
        if ("ocr_page", page_id) not in queued:
            jobs.ocr_page(page_id)


def _record_settled(jobs: Jobs, record_id: int) -> bool:
    counts = work.page_counts(jobs.services().catalog, record_id=record_id)
    return counts["pending"] == 0 and counts["running"] == 0


def _fetch(jobs: Jobs, object_id: int) -> None:
    """Fetch a harvested object's scan into the file store and point the object at it."""
    from harvester.scans import fetch_scan, private_allowed  # the harvester's scan fetcher

    services = jobs.services()
    with services.catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is None:
            raise NotFound(f"no digital object {object_id}", object=object_id)
        if obj.file_sha256:
            return
        hosts = list(obj.record.partner.scan_hosts or [])
        url = obj.source_url
    if not url:
        raise IngestError(f"digital object {object_id} has no scan URL", object=object_id)
    fetched = fetch_scan(
        url,
        allowed_hosts=hosts,
        files=services.files,
        max_bytes=min(jobs.settings.max_file_bytes, int(jobs.config["HARVEST_SCAN_MAX_BYTES"])),
        timeout=float(jobs.config["HARVEST_SCAN_TIMEOUT"]),
        allow_private=private_allowed(url, hosts),
    )
    objects.ensure_file_row(
        services.catalog,
        fetched.sha256,
        fetched.media_type,
        fetched.size,
        services.files.relpath(fetched.sha256),
        url.rsplit("/", 1)[-1][:500],
    )
    with services.catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        obj.file_sha256, obj.status, obj.error = fetched.sha256, objects.STORED, None


__all__ = ["Jobs", "ingest_settings", "make_huey"]
