"""Who may see a record's digital content: the one rule, for every public route.

A visible record's metadata is public. Its content — page images, files, tiles, the
IIIF manifest's canvases, OCR text and word boxes — is public only when its *effective*
access level is :attr:`AccessLevel.OPEN`:

- an object's own level wins over its record's (``DigitalObject.access``, None to follow
  the record);
- an embargo (``Record.embargo_until`` in the future) makes everything ``METADATA``
  whatever the levels say, until the scheduled release clears it;
- ``ONSITE`` content is never served online (the reading room has its own copy).

Routes ask :func:`content_open`; pages that explain why content is missing ask
:func:`effective_access` and :func:`under_embargo`.
"""

from __future__ import annotations

import datetime as dt

from catalog.base import utcnow
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
    if under_embargo(record, now):
        return AccessLevel.METADATA
    level = obj.access if obj is not None and obj.access else record.access
    return AccessLevel(level or AccessLevel.OPEN)


def content_open(
    record: Record, obj: DigitalObject | None = None, now: dt.datetime | None = None
) -> bool:
    """Whether the content of ``obj`` (or of the record) may be served to anybody online."""
    return effective_access(record, obj, now) is AccessLevel.OPEN
