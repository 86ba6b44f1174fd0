"""The scan-fetch job: a harvested digital object's scan into the file store.

A harvest records each scan URL on a digital object (status ``pending``, no file); this
job fetches it through :func:`harvester.scans.fetch_scan` (SSRF-safe, size and time
capped) and points the object at the stored file (status ``stored``), ready to be split
into pages. It is idempotent: an object that has its file is left as it is.
"""

from __future__ import annotations

from sqlalchemy import update

from catalog.errors import InvalidInput, NotFound, UnsafeURL, WarisanError
from catalog.files import FileStore
from catalog.models import DigitalObject, File, ObjectStatus
from catalog.store import Catalog
from harvester.scans import fetch_scan, private_allowed
from harvester.settings import HarvestSettings

PERMANENT = (UnsafeURL, InvalidInput, NotFound)
"""Errors that trying again cannot mend: the object is marked failed at once."""

TRANSIENT = (WarisanError, OSError)
"""Errors that may pass (HTTP errors, timeouts, a full disk): the job is tried again."""


def fetch_object_scan(
    catalog: Catalog,
    files: FileStore,
    settings: HarvestSettings,
    object_id: int,
    *,
    max_bytes: int | None = None,
    last_try: bool = True,
) -> bool:
    """Fetch the scan of a harvested object; True when the object has its file (so its
    ingest can be queued), False when it failed for good.

    ``max_bytes`` lowers ``settings.scan_max_bytes`` (the ingest's own file cap). A
    permanent error (:data:`PERMANENT`) marks the object ``failed`` with the error; a
    transient one is written on the object (``failed`` too on the ``last_try``) and
    raised, for the queue to try again.
    """
    try:
        _fetch(catalog, files, settings, object_id, max_bytes)
    except PERMANENT as exc:
        _note(catalog, object_id, str(exc), failed=True)
        return False
    except TRANSIENT as exc:
        _note(catalog, object_id, f"{type(exc).__name__}: {exc}", failed=last_try)
        raise
    return True


def _fetch(
    catalog: Catalog,
    files: FileStore,
    settings: HarvestSettings,
    object_id: int,
    max_bytes: int | None,
) -> None:
    with catalog.session() as s:
        obj = s.get(DigitalObject, object_id)
        if obj is None:
            raise NotFound(f"no digital object {object_id}", object=object_id)
        if obj.file_sha256:
            return
        hosts = list(obj.record.partner.scan_hosts or [])
        url = obj.source_url
    if not url:
        raise InvalidInput(f"digital object {object_id} has no scan URL", object=object_id)
    cap = settings.scan_max_bytes if max_bytes is None else min(max_bytes, settings.scan_max_bytes)
    fetched = fetch_scan(
        url,
        allowed_hosts=hosts,
        files=files,
        max_bytes=cap,
        timeout=settings.scan_timeout,
        allow_private=private_allowed(url, hosts),
    )
    with catalog.session() as s:
        if s.get(File, fetched.sha256) is None:
            s.add(
                File(
                    sha256=fetched.sha256,
                    media_type=fetched.media_type,
                    size=fetched.size,
                    path=files.relpath(fetched.sha256),
                    original_name=url.rsplit("/", 1)[-1][:500],
                )
            )
            s.flush()
        obj = s.get(DigitalObject, object_id)
        obj.file_sha256, obj.status, obj.error = fetched.sha256, ObjectStatus.STORED, None


def _note(catalog: Catalog, object_id: int, message: str, *, failed: bool) -> None:
    """Write an error on an object, and mark it ``failed`` when ``failed``."""
    values = {"error": message, **({"status": ObjectStatus.FAILED} if failed else {})}
    with catalog.session() as s:
        s.execute(update(DigitalObject).where(DigitalObject.id == object_id).values(**values))


__all__ = ["PERMANENT", "TRANSIENT", "fetch_object_scan"]
