"""Mappings from partner metadata formats to :class:`catalog.records.RecordData`.

One pure module per format (:mod:`.dc`, :mod:`.marc`, :mod:`.mods`), each exposing
``map_fields(element, header) -> RecordData``: it reads the raw values of its format and
leaves normalising, quality flags and the OAI header facts to
:func:`catalog.records.normalised_record`, the normaliser of every intake.
:func:`map_record` chooses the mapping from the payload's namespace (falling back to the
metadata prefix).
"""

from __future__ import annotations

from lxml import etree

from catalog.errors import HarvestError
from catalog.records import RecordData
from harvester.mapping import dc, marc, mods
from harvester.protocol import HarvestedRecord

BY_NAMESPACE = {
    dc.OAI_DC: (dc.FORMAT, dc.map_fields),
    marc.MARC: (marc.FORMAT, marc.map_fields),
    mods.MODS: (mods.FORMAT, mods.map_fields),
}
BY_PREFIX = {
    "oai_dc": BY_NAMESPACE[dc.OAI_DC],
    "dc": BY_NAMESPACE[dc.OAI_DC],
    "marcxml": BY_NAMESPACE[marc.MARC],
    "marc21": BY_NAMESPACE[marc.MARC],
    "marc": BY_NAMESPACE[marc.MARC],
    "mods": BY_NAMESPACE[mods.MODS],
}
SUPPORTED_PREFIXES = tuple(BY_PREFIX)


class MappingError(HarvestError):
    """A record's metadata could not be mapped (it is quarantined, not lost)."""


def map_record(record: HarvestedRecord, prefix: str) -> RecordData:
    """Map one harvested record; raise :class:`MappingError` when it cannot be done."""
    if record.deleted:
        return RecordData(
            oai_identifier=record.identifier,
            datestamp=record.datestamp,
            deleted=True,
            sets=record.sets,
            source_format=prefix,
            raw_xml=record.raw or None,
        )
    if record.metadata is None:
        raise MappingError("record has no <metadata>", identifier=record.identifier)
    namespace = _namespace(record.metadata.tag)
    chosen = BY_NAMESPACE.get(namespace) if namespace else BY_PREFIX.get(prefix.lower())
    if chosen is None:
        raise MappingError(
            f"no mapping for metadata format {prefix!r} (namespace {namespace!r})",
            identifier=record.identifier,
        )
    fmt, mapper = chosen
    try:
        return mapper(record.metadata, record)
    except (ValueError, TypeError, AttributeError, etree.LxmlError) as exc:
        raise MappingError(f"{fmt} mapping failed: {exc}", identifier=record.identifier) from exc


def _namespace(tag: str) -> str | None:
    """The namespace URI of an element's ``{uri}local`` tag (as ``etree.QName`` reads it)."""
    if tag[:1] != "{":
        return None
    return tag[1 : tag.index("}")] or None
