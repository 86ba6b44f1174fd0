"""`RecordData`: the plain, engine-free shape of a record coming in, whatever brought it.

Mappings (harvester) and intake (ingest) build a :class:`RecordData` from the raw values
they read with :func:`normalised_record`, the one normaliser of every intake; the store
turns it into a :class:`catalog.models.Record` row. ``content_hash`` decides whether an
upsert changes anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from catalog import normalise
from catalog.languages import language as language_code
from catalog.languages import languages as language_codes
from catalog.models import RECORD_TYPES
from catalog.rights_text import map_rights

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
    "rights_uri",
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
    ``rights`` is the first rights text; ``rights_uri`` the statement they all map to
    (:func:`catalog.rights_text.map_rights`), or None.
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
    rights_uri: str | None = None
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


class FeedHeader(Protocol):
    """What a record of a partner's OAI feed brings besides its metadata (its header and
    raw XML): :class:`harvester.protocol.HarvestedRecord` is one."""

    @property
    def identifier(self) -> str: ...

    @property
    def datestamp(self) -> dt.datetime | None: ...

    @property
    def sets(self) -> tuple[str, ...]: ...

    @property
    def raw(self) -> bytes: ...


def normalised_record(
    *,
    source_format: str | None = None,
    feed: FeedHeader | None = None,
    titles: Iterable[tuple[str, str | None]] = (),
    creators: Iterable[str] = (),
    subjects: Iterable[str] = (),
    descriptions: Iterable[str] = (),
    dates: Iterable[str] = (),
    types: Sequence[str] = (),
    type_default: str | None = None,
    languages: Sequence[str] = (),
    rights: Iterable[str] = (),
    identifiers: Iterable[str] = (),
    links: Sequence[str] = (),
    scans: Sequence[str] = (),
    extra: dict[str, list[str]] | None = None,
    flags: Iterable[str] = (),
) -> RecordData:
    """A :class:`RecordData` from the raw values an intake read, normalised (:mod:`.normalise`).

    The one way a record comes in, whatever brought it: a harvest's mappings and the
    upload intake read raw values and leave the rest to this function. ``titles`` are
    ``(text, language)`` pairs, the first the main title. Values are tidied and kept
    once each, in order; ``languages`` become ISO 639-3 codes, the first readable
    ``dates`` value a year range, ``types`` (else ``type_default``, else ``text``, or
    ``other`` when types were given but none was recognised) a type of
    :data:`~catalog.models.RECORD_TYPES`. ``links`` and ``scans`` are URLs: scans and
    links naming an image or a PDF become ``scan_urls``, the first other link the
    ``source_url``. ``identifiers`` that are URLs are dropped. ``rights`` keeps its first
    text; ``rights_uri`` is what all of them together map to unambiguously
    (:func:`catalog.rights_text.map_rights`: "info:eu-repo/…/openAccess", a licence URL and
    its name map to that licence), else None.

    ``feed`` is the header of a harvested record (identifier, datestamp, sets, raw XML);
    without it the record is an upload (no OAI identifier). ``quality_flags`` are
    ``flags`` followed by what normalising found (an unknown language, an unreadable
    date, no title) and, for a feed's record, a missing link back or OAI datestamp.
    """
    flags = list(flags)
    title_list = _titles(titles)
    codes, unknown = language_codes(languages)
    flags += [f"language_unknown:{u}" for u in unknown]
    date_original, years = _date(dates)
    if date_original and not years:
        flags.append("date_unparsed")
    kind = normalise.record_type(types) or type_default or ("other" if types else "text")
    if kind not in RECORD_TYPES:
        kind = "other"
    link_urls, scan_urls = _urls(links, scans)
    rights_values = normalise.unique(rights)
    extra_values = {}
    for key, values in (extra or {}).items():
        kept = normalise.unique(values) if values else ()
        if kept:
            extra_values[key] = list(kept)
    if not title_list:
        flags.append("missing_title")
    if feed is None:
        identifier, datestamp, sets, raw_xml = "", None, (), None
    else:
        identifier, datestamp, sets, raw_xml = feed.identifier, feed.datestamp, feed.sets, feed.raw
        if not link_urls:
            flags.append("missing_link")
        if datestamp is None:
            flags.append("missing_datestamp")
    is_url = normalise.is_url
    return RecordData(
        oai_identifier=identifier,
        datestamp=datestamp,
        title=title_list[0]["value"] if title_list else None,
        titles=tuple(title_list),
        creators=normalise.unique(creators),
        subjects=normalise.unique(subjects),
        description="\n\n".join(normalise.unique(descriptions)) or None,
        date_original=date_original,
        year_from=years[0] if years else None,
        year_to=years[1] if years else None,
        type=kind,
        languages=codes,
        rights=rights_values[0] if rights_values else None,
        rights_uri=map_rights("\n".join(rights_values)),
        identifiers=normalise.unique([i for i in identifiers if not is_url(i)]),
        source_url=link_urls[0] if link_urls else None,
        scan_urls=scan_urls,
        sets=sets,
        extra=extra_values,
        source_format=source_format,
        quality_flags=tuple(dict.fromkeys(flags)),
        raw_xml=raw_xml or None,
    )


def _titles(titles: Iterable[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Tidied distinct titles as ``{"value": …, "lang": …}``, languages as ISO 639-3 codes
    where they can be read (kept as given where not)."""
    out = []
    seen: set[str] = set()
    for value, lang in titles:
        value = normalise.tidy(value)
        if value and value not in seen:
            seen.add(value)
            out.append({"value": value, "lang": (lang and language_code(lang)) or lang})
    return out


def _date(dates: Iterable[str]) -> tuple[str | None, tuple[int, int] | None]:
    """The first date that reads as a year range, with it; else the first date and None."""
    first = None
    for date in dates:
        date = normalise.tidy(date)
        if date:
            years = normalise.year_range(date)
            if years:
                return date, years
            first = first or date
    return first, None


def _urls(links: Sequence[str], scans: Sequence[str]) -> tuple[Sequence[str], tuple[str, ...]]:
    """The distinct URLs among ``links`` and ``scans``: the links back and the scan URLs
    (every scan, and the links that name an image or a PDF)."""
    is_url = normalise.is_url
    urls = normalise.unique([u for u in ([*links, *scans] if scans else links) if is_url(u)])
    scan_urls = tuple(u for u in urls if u in scans or normalise.is_scan_url(u))
    return ([u for u in urls if u not in scan_urls] if scan_urls else urls), scan_urls


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
