"""The pipeline's jobs registered on huey; their bodies live in the libraries.

:class:`Jobs` (:func:`get_jobs`) owns a huey instance built from ``QUEUE_URL``
(SQLite file by default, Redis for ``redis://``) and its tasks, each a thin wrapper of a
library job: fetch a harvested scan (:func:`harvester.scan_jobs.fetch_object_scan`),
split an object into pages and OCR a page (:mod:`ingest.jobs`), index the records that
are due (:func:`search.indexing.drain`), and every ten minutes release the embargoes
that have ended (:func:`catalog.controls.release_embargoes`), and every hour remove
abandoned uploads (:func:`ingest.upload_cleaning.clean`). A wrapper runs its job on
this process's services and queues what the job hands back. The catalogue is the
durable state: every job is idempotent and :meth:`Jobs.enqueue_pending` (also every five
minutes) queues again whatever is unfinished, so a worker killed with ``kill -9`` loses
nothing. Failed jobs retry with exponential backoff (``OCR_RETRIES``, ``OCR_RETRY_DELAY``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import current_app

from catalog import controls
from catalog.errors import ConfigError
from harvester import scan_jobs
from harvester.settings import HarvestSettings
from ingest import jobs as ingest_jobs
from ingest import language, upload_cleaning, work
from ingest.settings import IngestSettings
from ingest.upload_settings import UploadSettings
from portal.services import Services, get_services
from search import indexing

if TYPE_CHECKING:
    from huey.api import Huey

log = logging.getLogger(__name__)
EXTENSION = "warisan.jobs"


def huey_package() -> ModuleType:
    """The ``huey`` package, imported without psycopg.

    huey's storage module imports psycopg whenever it is installed, for huey's own
    PostgreSQL storage, which Warisan does not use; it is hidden during that one import
    (see bench/README.md). SQLAlchemy still imports it as usual when the catalogue is on
    PostgreSQL. huey's redis import stays: ``QUEUE_URL=redis://`` needs it.
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


def get_jobs() -> Jobs:
    """The job queue of the current Flask app, built on first use."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        extensions[EXTENSION] = Jobs(current_app.config, get_services())
    return extensions[EXTENSION]


class Jobs:
    """The queue of one portal: huey, its tasks, and the services the tasks use."""

    def __init__(self, config, services: Services | None = None) -> None:
        self.config = config
        self.settings = IngestSettings.from_config(config)
        self.harvest_settings = HarvestSettings.from_config(config)
        self.huey = make_huey(config["QUEUE_URL"])
        self.retries = self.settings.job_retries
        self._services, self._pid = services, os.getpid()
        _register(self)

    def services(self) -> Services:
        """The services of this process, built from the config where there are none yet
        (a forked worker builds its own connections)."""
        if self._services is None or self._pid != os.getpid():
            self._services, self._pid = Services(self.config), os.getpid()
        return self._services

    def before_fork(self) -> None:
        """Load what forked workers share (language models) and close the queue's own
        connection (each worker opens its own)."""
        language.warm_up()
        self.huey.storage.close()

    # -- queueing --------------------------------------------------------------------

    def enqueue_pending(self, record_id: int | None = None) -> work.PendingWork:
        """Queue every unfinished fetch, ingest and OCR found in the catalogue (optionally
        of one record) and the indexer when records are due, except what is already
        queued or scheduled."""
        catalog = self.services().catalog
        todo = work.pending_work(catalog, record_id=record_id)
        if record_id is None:
            todo = dataclasses.replace(todo, index=list(indexing.due_records(catalog)))
        queued = self.queued()
        for name, ids in (
            ("fetch_scan", todo.fetch),
            ("ingest_object", todo.ingest),
            ("ocr_page", todo.ocr),
        ):
            for item in ids:
                if (name, item) not in queued:
                    getattr(self, name)(item)
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
        "retries": jobs.settings.job_retries,
        "retry_delay": jobs.settings.job_retry_delay,
        "retry_backoff": 2,
        "context": True,
    }
    huey = jobs.huey

    @huey.task(name="fetch_scan", **retry)
    def fetch_scan(object_id: int, task=None) -> None:
        services = jobs.services()
        if scan_jobs.fetch_object_scan(
            services.catalog,
            services.files,
            jobs.harvest_settings,
            object_id,
            max_bytes=jobs.settings.max_file_bytes,
            last_try=_last_try(task),
        ):
            jobs.ingest_object(object_id)

    @huey.task(name="ingest_object", **retry)
    def ingest_object(object_id: int, task=None) -> None:
        services = jobs.services()
        after = ingest_jobs.ingest_object(
            services.catalog, services.files, jobs.settings, object_id, last_try=_last_try(task)
        )
        _follow(jobs, after, queued=None)

    @huey.task(name="ocr_page", **retry)
    def ocr_page(page_id: int, task=None) -> dict[str, Any]:
        """Returns the page's action and the models of the pages Tesseract read."""
        services = jobs.services()
        after = ingest_jobs.ocr_page(
            services.catalog, services.files, jobs.settings, page_id, last_try=_last_try(task)
        )
        _follow(jobs, after, queued=jobs.queued() if after.ocr else None)
        if after.retry is not None:
            raise after.retry
        return {"result": after.result, "models": list(after.models)}

    @huey.task(name="index_due", **retry)
    def index_due(task=None) -> int:
        """Queued once per settled record, it finds the later ones already done."""
        services = jobs.services()
        if getattr(type(services), "search", None) is None:
            log.warning("records not indexed: this portal has no search service")
            return 0
        return indexing.drain(services.catalog, services.search)

    @huey.periodic_task(huey_package().crontab(minute="*/5"), name="recover_pending")
    def recover_pending() -> None:
        jobs.enqueue_pending()

    @huey.periodic_task(huey_package().crontab(minute="*/10"), name="release_embargoes")
    def release_embargoes() -> int:
        """Embargoes whose date has come end; the released records are indexed."""
        released = controls.release_embargoes(jobs.services().catalog)
        if released:
            jobs.index_due()
        return len(released)

    @huey.periodic_task(huey_package().crontab(minute="17"), name="clean_uploads")
    def clean_uploads() -> int:
        """Uploads abandoned for ``UPLOAD_ABANDON_HOURS`` and leftover files go."""
        settings = UploadSettings.from_config(jobs.config)
        return len(upload_cleaning.clean(jobs.services().catalog, settings))

    jobs.fetch_scan, jobs.ingest_object = fetch_scan, ingest_object
    jobs.ocr_page, jobs.index_due = ocr_page, index_due
    jobs.release_embargoes, jobs.clean_uploads = release_embargoes, clean_uploads


def _last_try(task) -> bool:
    return task is None or not task.retries


def _follow(jobs: Jobs, after: ingest_jobs.Next, queued: set | None) -> None:
    """Queue what a job handed back: OCR jobs (not those already queued, when ``queued``
    is given), then the indexer."""
    for page_id in after.ocr:
        if queued is None or ("ocr_page", page_id) not in queued:
            jobs.ocr_page(page_id)
    if after.index:
        jobs.index_due()


__all__ = ["Jobs", "get_jobs", "huey_package", "make_huey"]
