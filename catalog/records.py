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

JSON_FIELDS = (
    "titles",
    "creators",
    "subjects",
    "languages",
    "identifiers",
    "scan_urls",
    "sets",
    "extra",
    "quality_flags",
)
"""The fields of :data:`RECORD_FIELDS` stored in JSON columns."""


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
        """The values to store on a ``Record`` row (tuples become lists for JSON).

        A new dict on each call (callers may change it); see :meth:`json_values` for
        the JSON columns as their stored text.
        """
        out: dict[str, Any] = {}
        for name in RECORD_FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def json_values(self) -> dict[str, str]:
        """The :data:`JSON_FIELDS` as the JSON text their columns store (``json.dumps``).

        Computed once per instance and kept, like :meth:`content_hash` (the harvester
        computes both while mapping, ahead of the store).
        """
        encoded = self.__dict__.get("_json_values")
        if encoded is None:
            encoded = {name: encode_json(getattr(self, name)) for name in JSON_FIELDS}
            object.__setattr__(self, "_json_values", encoded)
        return encoded

    def content_hash(self) -> str:
        """A checksum of everything stored about the record except times and raw bytes.

        Computed once per instance and kept (a RecordData is immutable, nested values
        included: change one with ``dataclasses.replace``); the harvester computes it
        while mapping, ahead of the store.
        """
        digest = self.__dict__.get("_content_hash")
        if digest is None:  # (tuples encode as lists: no need for column_values())
            digest = hash_columns(
                {name: getattr(self, name) for name in RECORD_FIELDS}, self.deleted
            )
            object.__setattr__(self, "_content_hash", digest)
        return digest


_COLUMN_ENCODER = json.JSONEncoder()
"""``json.dumps(…)`` with its defaults (what a SQLAlchemy JSON column does), built once."""
_ENCODE_STR = json.encoder.encode_basestring_ascii
_KNOWN: dict[tuple, str] = {(): "[]"}
"""JSON text of string tuples met before (repeated values cost a look-up)."""
_KNOWN_MAX = 4096


def encode_json(value: Any) -> str:
    """``json.dumps(value)`` (tuples as lists), quicker for what record columns hold.

    JSON columns hold a few strings, ``{"value": …, "lang": …}`` titles or a dict of
    string lists; their text is built here directly, the very text ``json.dumps`` gives
    (``["a", "b"]``, ``{"k": null}``), without its set-up cost on every call. Anything
    else (numbers, nested deeper) goes to the json module.
    """
    kind = type(value)
    if kind is tuple and (not value or type(value[0]) is str):
        # the usual case: a few strings, often the same ones (languages, sets, subjects)
        try:
            known = _KNOWN.get(value)
        except TypeError:  # something unhashable inside: not the usual case
            known = None
        if known is not None:
            return known
        for item in value:
            if type(item) is not str:
                break
        else:
            text = "[" + ", ".join(map(_ENCODE_STR, value)) + "]"
            if len(_KNOWN) >= _KNOWN_MAX:
                _KNOWN.clear()
            _KNOWN[value] = text
            return text
    try:
        return _quick(value, 0)
    except _NotQuick:
        return _COLUMN_ENCODER.encode(list(value) if isinstance(value, tuple) else value)


class _NotQuick(Exception):
    pass


def _quick(value: Any, depth: int) -> str:
    kind = type(value)
    if kind is str:
        return _ENCODE_STR(value)
    if value is None:
        return "null"
    if depth > 2:
        raise _NotQuick
    if kind is tuple or kind is list:
        return "[" + ", ".join([_quick(v, depth + 1) for v in value]) + "]"
    if kind is dict:
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                raise _NotQuick
            item_kind = type(item)
            if item_kind is str:  # (titles' values; extra's lists of strings: inline)
                text = _ENCODE_STR(item)
            elif item is None:
                text = "null"
            elif (item_kind is list or item_kind is tuple) and all(type(v) is str for v in item):
                text = "[" + ", ".join(map(_ENCODE_STR, item)) + "]"
            else:
                text = _quick(item, depth + 1)
            parts.append(_ENCODE_STR(key) + ": " + text)
        return "{" + ", ".join(parts) + "}"
    raise _NotQuick


_HASH_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)
"""``json.dumps(…, sort_keys=True, ensure_ascii=False, default=str)``, built once."""


def hash_columns(columns: dict[str, Any], deleted: bool) -> str:
    """:meth:`RecordData.content_hash` from already computed ``column_values()``."""
    payload = dict(columns, deleted=deleted)
    blob = _HASH_ENCODER.encode(payload)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
