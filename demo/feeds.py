"""Serialise a demo record (a dict from ``records.json``) as oai_dc, MARCXML or MODS 3.7.

Pure functions: a record and the server's base URL in, an lxml element out. Values are
written as authored (messy dates and language forms included), because the point of the
demo feeds is to exercise the harvester's normalisation. Links:

- scans: ``{base_url}/scans/{file}`` -- oai_dc ``dc:relation``, MARC ``856 40 $u``,
  MODS ``location/url[@access="raw object"]``;
- link back to the partner's own page (``record["url"]``): oai_dc ``dc:identifier``,
  MARC ``856 42 $u``, MODS ``location/url[@access="object in context"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from demo import marc
from demo.marc import is_language_code, split_role

Record = dict[str, Any]

NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_MARC = marc.NS_MARC
NS_MODS = "http://www.loc.gov/mods/v3"
NS_XML = "http://www.w3.org/XML/1998/namespace"

# Our record ``type`` vocabulary mapped to DCMI Type and MODS typeOfResource.
DCMI_TYPES = {
    "manuscript": "Text",
    "book": "Text",
    "newspaper": "Text",
    "map": "StillImage",
    "photograph": "StillImage",
    "oral-history": "Sound",
    "object": "PhysicalObject",
}
MODS_TYPES = {
    "manuscript": "text",
    "book": "text",
    "newspaper": "text",
    "map": "cartographic",
    "photograph": "still image",
    "oral-history": "sound recording-nonmusical",
    "object": "three dimensional object",
}


@dataclass(frozen=True)
class MetadataFormat:
    """One metadata format the demo server can disseminate."""

    prefix: str
    schema: str
    namespace: str
    build: Callable[[Record, str, Record | None], etree._Element]


def scan_urls(record: Record, base_url: str) -> list[str]:
    """Return absolute URLs of the record's scans, in page order."""
    base = base_url.rstrip("/")
    return [f"{base}/scans/{name}" for name in record.get("scans", [])]


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    """Append a child element with optional text and attributes; return it."""
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


# --- oai_dc -----------------------------------------------------------------


def to_oai_dc(record: Record, base_url: str, partner: Record | None = None) -> etree._Element:
    """Return an ``oai_dc:dc`` element for a (non-deleted) record.

    ``partner`` is accepted for a uniform signature; oai_dc does not use it.
    """
    nsmap = {"oai_dc": NS_OAI_DC, "dc": NS_DC, "xsi": NS_XSI}
    root = etree.Element(f"{{{NS_OAI_DC}}}dc", nsmap=nsmap)
    root.set(
        f"{{{NS_XSI}}}schemaLocation", f"{NS_OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
    )

    def dc(name: str, value: str | None, lang: str | None = None) -> None:
        if value:
            element = _sub(root, f"{{{NS_DC}}}{name}", value)
            if lang:
                element.set(f"{{{NS_XML}}}lang", lang)

    dc("title", record.get("title"))
    alt = record.get("title_alt")
    if alt:
        dc("title", alt["text"], alt.get("lang"))
    for name in record.get("creators", []):
        dc("creator", name)
    for name in record.get("contributors", []):
        dc("contributor", name)
    for subject in record.get("subjects", []):
        dc("subject", subject)
    dc("description", record.get("description"))
    dc("publisher", record.get("publisher"))
    dc("date", record.get("date"))
    dc("type", DCMI_TYPES.get(record.get("type", "")))
    dc("type", record.get("genre"))
    dc("format", record.get("extent"))
    if record.get("scans"):
        dc("format", "image/png")
    for value in record.get("languages", []):
        dc("language", value)
    for value in record.get("identifiers", []):
        dc("identifier", value)
    dc("identifier", record.get("url"))
    for url in scan_urls(record, base_url):
        dc("relation", url)
    dc("coverage", record.get("coverage"))
    dc("rights", record.get("rights"))
    return root


# --- MODS 3.7 ----------------------------------------------------------------


def _m(name: str) -> str:
    """Qualified MODS tag name."""
    return f"{{{NS_MODS}}}{name}"


def _mods_titles(root: etree._Element, record: Record) -> None:
    """Write the main title and, if any, a translated title."""
    if record.get("title"):
        _sub(_sub(root, _m("titleInfo")), _m("title"), record["title"])
    alt = record.get("title_alt")
    if alt:
        info = _sub(root, _m("titleInfo"), type="translated")
        if alt.get("lang"):
            info.set("lang", alt["lang"])
        _sub(info, _m("title"), alt["text"])


def _mods_names(root: etree._Element, record: Record) -> None:
    """Write creators (role from the parenthesis, else "creator") and contributors."""
    for field, default_role in (("creators", "creator"), ("contributors", "contributor")):
        for raw in record.get(field, []):
            name, role = split_role(raw)
            kind = "corporate" if marc.is_corporate(name) else "personal"
            element = _sub(root, _m("name"), type=kind)
            _sub(element, _m("namePart"), name)
            _sub(_sub(element, _m("role")), _m("roleTerm"), role or default_role, type="text")


def _mods_origin(root: etree._Element, record: Record) -> None:
    """Write originInfo: place, publisher, date as authored."""
    if not any(record.get(k) for k in ("place", "publisher", "date")):
        return
    origin = _sub(root, _m("originInfo"))
    if record.get("place"):
        _sub(_sub(origin, _m("place")), _m("placeTerm"), record["place"], type="text")
    if record.get("publisher"):
        _sub(origin, _m("publisher"), record["publisher"])
    if record.get("date"):
        _sub(origin, _m("dateIssued"), record["date"])


def _mods_languages(root: etree._Element, record: Record) -> None:
    """Write one language per value: codes as ISO 639-2 codes, the rest as text."""
    for value in record.get("languages", []):
        language = _sub(root, _m("language"))
        if is_language_code(value):
            _sub(language, _m("languageTerm"), value, type="code", authority="iso639-2b")
        else:
            _sub(language, _m("languageTerm"), value, type="text")


def _mods_subjects(root: etree._Element, record: Record) -> None:
    """Write topical subjects (``A -- B`` split into parts) and the coverage place."""
    for heading in record.get("subjects", []):
        subject = _sub(root, _m("subject"))
        for part in heading.split(" -- "):
            _sub(subject, _m("topic"), part)
    if record.get("coverage"):
        _sub(_sub(root, _m("subject")), _m("geographic"), record["coverage"])


def _mods_location(root: etree._Element, record: Record, base_url: str, holder: str | None) -> None:
    """Write holding institution, shelfmark, link back and scan URLs."""
    if not (holder or record.get("url") or record.get("scans")):
        return
    location = _sub(root, _m("location"))
    if holder:
        _sub(location, _m("physicalLocation"), holder)
    for value in record.get("identifiers", [])[:1]:
        _sub(location, _m("shelfLocator"), value)
    if record.get("url"):
        _sub(location, _m("url"), record["url"], access="object in context")
    for number, url in enumerate(scan_urls(record, base_url), start=1):
        _sub(location, _m("url"), url, access="raw object", displayLabel=f"Halaman {number}")


def to_mods(record: Record, base_url: str, partner: Record | None = None) -> etree._Element:
    """Return a MODS 3.7 ``mods`` element for a (non-deleted) record.

    ``partner`` (a dict from ``partners.json``) names the holding institution.
    """
    root = etree.Element(_m("mods"), nsmap={None: NS_MODS, "xsi": NS_XSI}, version="3.7")
    root.set(
        f"{{{NS_XSI}}}schemaLocation",
        f"{NS_MODS} http://www.loc.gov/standards/mods/v3/mods-3-7.xsd",
    )
    _mods_titles(root, record)
    _mods_names(root, record)
    kind = record.get("type", "")
    if kind in MODS_TYPES:
        extra = {"manuscript": "yes"} if kind == "manuscript" else {}
        _sub(root, _m("typeOfResource"), MODS_TYPES[kind], **extra)
    if record.get("genre"):
        _sub(root, _m("genre"), record["genre"])
    _mods_origin(root, record)
    _mods_languages(root, record)
    if record.get("extent"):
        _sub(_sub(root, _m("physicalDescription")), _m("extent"), record["extent"])
    if record.get("description"):
        _sub(root, _m("abstract"), record["description"])
    _mods_subjects(root, record)
    for value in record.get("identifiers", []):
        _sub(root, _m("identifier"), value, type="local")
    _mods_location(root, record, base_url, partner["name"] if partner else None)
    if record.get("rights"):
        _sub(root, _m("accessCondition"), record["rights"], type="use and reproduction")
    info = _sub(root, _m("recordInfo"))
    _sub(info, _m("recordIdentifier"), record["id"])
    _sub(info, _m("recordChangeDate"), record["datestamp"], encoding="iso8601")
    return root


# --- registry ----------------------------------------------------------------


def to_marcxml(record: Record, base_url: str, partner: Record | None = None) -> etree._Element:
    """Return a MARC21 slim ``record`` element (see ``demo.marc``)."""
    return marc.to_marcxml(record, scan_urls(record, base_url), partner)


FORMATS: dict[str, MetadataFormat] = {
    "oai_dc": MetadataFormat(
        "oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", NS_OAI_DC, to_oai_dc
    ),
    "marcxml": MetadataFormat(
        "marcxml", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", NS_MARC, to_marcxml
    ),
    "mods": MetadataFormat(
        "mods", "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd", NS_MODS, to_mods
    ),
}


def serialize(
    record: Record, prefix: str, base_url: str, partner: Record | None = None
) -> etree._Element:
    """Return the record in the format named by ``prefix``; ``KeyError`` if unknown."""
    return FORMATS[prefix].build(record, base_url, partner)
