"""Who may see a record's digital content: the one rule, for every public route.

A visible record's metadata is public. Its content — page images, files, tiles, the
IIIF manifest's canvases, OCR text and word boxes — is public only when its *effective*
access level is :attr:`AccessLevel.OPEN`:

- an object's own level wins over its record's (``DigitalObject.access``, None to follow
  the record);
- an embargo (``Record.embargo_until`` in the future) makes everything ``METADATA``
  whatever the levels say, until the scheduled release clears it;
- ``ONSITE`` content is never served online (the reading room has its own copy).

Routes ask :func:`content_open` (or :func:`require_open`, which raises the 403 of
:func:`restriction`); pages that explain why content is missing ask
:func:`effective_access`, :func:`under_embargo` and :func:`restriction`.
"""

from __future__ import annotations

import datetime as dt

from catalog.base import utcnow
from catalog.errors import ContentRestricted
from catalog.models import AccessLevel, DigitalObject, Record


def under_embargo(record: Record, now: dt.datetime | None = None) -> bool:
    """Whether the record's embargo has not ended yet (naive UTC ``now``)."""
    until = record.embargo_until
    return until is not None and until > (now or utcnow())


def effective_access(
    record: Record, obj: DigitalObject | None = None, now: dt.datetime | None = None
) -> AccessLevel:
    """The access level that applies to ``obj`` of ``record`` (or to the record's
    content as a whole when ``obj`` is None), embargo included."""
    return levels_access(record.access, record.embargo_until, obj.access if obj else None, now)


def levels_access(
    record_access: str | None,
    embargo_until: dt.datetime | None,
    object_access: str | None = None,
    now: dt.datetime | None = None,
) -> AccessLevel:
    """:func:`effective_access` from the columns themselves (for queries that read them
    without loading rows)."""
    if embargo_until is not None and embargo_until > (now or utcnow()):
        return AccessLevel.METADATA
    return AccessLevel(object_access or record_access or AccessLevel.OPEN)


def content_open(
    record: Record, obj: DigitalObject | None = None, now: dt.datetime | None = None
) -> bool:
    """Whether the content of ``obj`` (or of the record) may be served to anybody online."""
    return effective_access(record, obj, now) is AccessLevel.OPEN


def open_objects(record: Record, now: dt.datetime | None = None) -> list[DigitalObject]:
    """The record's published objects whose content is open (in the record's object
    order); a draft object is never public (:func:`catalog.queries.is_published`)."""
    return [obj for obj in record.objects if not obj.draft and content_open(record, obj, now)]


def restriction(
    record: Record, obj: DigitalObject | None = None, now: dt.datetime | None = None
) -> ContentRestricted:
    """The 403 error that explains why ``obj``'s (or the record's) content is not served:
    ``access`` is ``embargo`` (with ``until``), ``onsite`` or ``metadata``."""
    partner = record.partner.name
    if under_embargo(record, now):
        until = record.embargo_until.date().isoformat()
        return ContentRestricted(
            f"the digital content of record {record.id} is under embargo until {until}",
            record=record.id,
            access="embargo",
            partner=partner,
            until=until,
        )
    level = effective_access(record, obj, now)
    if level is AccessLevel.ONSITE:
        message = f"the digital content of record {record.id} is available only on site"
    else:
        message = f"only the metadata of record {record.id} is available online"
    return ContentRestricted(message, record=record.id, access=str(level), partner=partner)


def require_open(
    record: Record, obj: DigitalObject | None = None, now: dt.datetime | None = None
) -> None:
    """Raise :func:`restriction` unless ``obj``'s (or the record's) content is open."""
    if not content_open(record, obj, now):
        raise restriction(record, obj, now)
