"""`RecordData`: the plain, engine-free shape of a record that mappings produce.

Mappings (harvester) and intake (ingest) build a :class:`RecordData`; the store turns it
into a :class:`catalog.models.Record` row. ``content_hash`` decides whether an upsert
changes anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

DESCRIPTIVE_FIELDS = (
    "title",
    "titles",
    "creators",
    "subjects",
    "description",
    "date_original",
    "year_from",
    "year_to",
    "type",
    "languages",
    "rights",
    "identifiers",
    "source_url",
)
"""The fields that describe the item itself (what a provider or an API exposes)."""

RECORD_FIELDS = (
    *DESCRIPTIVE_FIELDS,
    "scan_urls",
    "sets",
    "extra",
    "source_format",
    "quality_flags",
)
"""Fields of RecordData copied onto the Record row as they are."""


@dataclasses.dataclass(frozen=True)
class RecordData:
    """A record as mapped from a partner's metadata or an upload form.

    ``titles`` is a list of ``{"value": str, "lang": str | None}``; ``title`` the main
    one. ``languages`` holds ISO 639-3 codes, ``type`` a value of
    :data:`catalog.models.RECORD_TYPES`. ``datestamp`` is the OAI datestamp (naive UTC)
    or None when the feed gives none. ``raw_xml`` is the record's XML as received.
    """

    oai_identifier: str
    datestamp: dt.datetime | None = None
    deleted: bool = False
    title: str | None = None
    titles: tuple[dict[str, Any], ...] = ()
    creators: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    description: str | None = None
    date_original: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    type: str = "other"
    languages: tuple[str, ...] = ()
    rights: str | None = None
    identifiers: tuple[str, ...] = ()
    source_url: str | None = None
    scan_urls: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    source_format: str | None = None
    quality_flags: tuple[str, ...] = ()
    raw_xml: bytes | None = None

    def column_values(self) -> dict[str, Any]:
        """The values to store on a ``Record`` row (tuples become lists for JSON)."""
        out: dict[str, Any] = {}
        for name in RECORD_FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def content_hash(self) -> str:
        """A checksum of everything stored about the record except times and raw bytes.

        Computed once per instance and kept (a RecordData is immutable, nested values
        included: change one with ``dataclasses.replace``); the harvester computes it
        while mapping, ahead of the store.
        """
        digest = self.__dict__.get("_content_hash")
        if digest is None:
            digest = hash_columns(self.column_values(), self.deleted)
            object.__setattr__(self, "_content_hash", digest)
        return digest


_HASH_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)
"""``json.dumps(…, sort_keys=True, ensure_ascii=False, default=str)``, built once."""


def hash_columns(columns: dict[str, Any], deleted: bool) -> str:
    """:meth:`RecordData.content_hash` from already computed ``column_values()``."""
    payload = dict(columns, deleted=deleted)
    blob = _HASH_ENCODER.encode(payload)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
