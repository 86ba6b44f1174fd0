"""Metadata formats of the OAI-PMH provider: ``oai_dc`` and MODS 3.7.

Pure functions of a :class:`catalog.models.Record`; they write every field the
catalogue holds, so a harvester reading them back gets the same record: the partner's
link first, scans as raw objects, our permalink last. The rights statement's URI
(rightsstatements.org or Creative Commons, :mod:`catalog.rights`) follows the partner's
rights text: a second ``dc:rights``, or a MODS ``accessCondition`` with the URI as its
``xlink:href`` and text.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from catalog.languages import language_tag
from catalog.models import Record

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
MODS = "http://www.loc.gov/mods/v3"
XLINK = "http://www.w3.org/1999/xlink"

FORMATS = {
    "oai_dc": (OAI_DC, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"),
    "mods": (MODS, "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd"),
}
"""metadataPrefix → (namespace, schema URL)."""

MODS_RESOURCE = {
    "text": "text",
    "book": "text",
    "manuscript": "text",
    "newspaper": "text",
    "periodical": "text",
    "map": "cartographic",
    "image": "still image",
    "audio": "sound recording",
    "video": "moving image",
    "object": "three dimensional object",
    "dataset": "software, multimedia",
    "other": "mixed material",
}
ISSUANCE = {"book": "monographic", "newspaper": "serial", "periodical": "serial"}


def _sub(parent: etree._Element, tag: str, text: Any = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = _clean(str(text))
    return element


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (harvested text sometimes holds them)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _extra(record: Record, key: str) -> list[str]:
    value = (record.extra or {}).get(key) or []
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v]


def _lang(value: str | None) -> dict[str, str]:
    """``xml:lang`` for a stored title language as an attribute dict: its BCP 47 tag
    (what XML requires of ``xml:lang``), none when the value is not a language."""
    tag = language_tag(value)
    return {XML_LANG: tag} if tag else {}


def oai_dc(record: Record, permalink: str) -> etree._Element:
    """The record as simple Dublin Core."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {FORMATS['oai_dc'][1]}")
    titles = [t for t in record.titles or () if t.get("value")] or [{"value": record.title}]
    for title in titles:
        if title.get("value"):
            _sub(root, f"{{{DC}}}title", title["value"]).attrib.update(_lang(title.get("lang")))
    q = f"{{{DC}}}"
    for name in record.creators or ():
        _sub(root, q + "creator", name)
    for name in _extra(record, "contributor"):
        _sub(root, q + "contributor", name)
    for subject in record.subjects or ():
        _sub(root, q + "subject", subject)
    if record.description:
        _sub(root, q + "description", record.description)
    for name in _extra(record, "publisher") or ([record.partner.name] if record.partner else []):
        _sub(root, q + "publisher", name)
    if record.date_original:
        _sub(root, q + "date", record.date_original)
    for kind in _extra(record, "dc_type") or [record.type]:
        _sub(root, q + "type", kind)
    for value in _extra(record, "format"):
        _sub(root, q + "format", value)
    for value in record.identifiers or ():
        _sub(root, q + "identifier", value)
    for url in [record.source_url, *(record.scan_urls or ()), permalink]:
        if url:
            _sub(root, q + "identifier", url)
    for value in _extra(record, "source"):
        _sub(root, q + "source", value)
    for code in record.languages or ():
        _sub(root, q + "language", code)
    for value in _extra(record, "relation"):
        _sub(root, q + "relation", value)
    for value in _extra(record, "coverage"):
        _sub(root, q + "coverage", value)
    if record.rights:
        _sub(root, q + "rights", record.rights)
    if record.rights_uri and record.rights_uri != record.rights:
        _sub(root, q + "rights", record.rights_uri)
    return root


def mods(record: Record, permalink: str) -> etree._Element:
    """The record as MODS 3.7."""
    q = f"{{{MODS}}}"
    root = etree.Element(q + "mods", nsmap={None: MODS, "xsi": XSI, "xlink": XLINK}, version="3.7")
    root.set(f"{{{XSI}}}schemaLocation", f"{MODS} {FORMATS['mods'][1]}")
    titles = [t for t in record.titles or () if t.get("value")] or [{"value": record.title}]
    for index, title in enumerate(t for t in titles if t.get("value")):
        info = _sub(root, q + "titleInfo", type=None if index == 0 else "alternative")
        info.attrib.update(_lang(title.get("lang")))
        _sub(info, q + "title", title["value"])
    for name in record.creators or ():
        _sub(_sub(root, q + "name"), q + "namePart", name)
    _sub(
        root,
        q + "typeOfResource",
        MODS_RESOURCE.get(record.type, "mixed material"),
        **({"manuscript": "yes"} if record.type == "manuscript" else {}),
    )
    for genre in _extra(record, "genre") or [record.type]:
        _sub(root, q + "genre", genre)
    _origin(root, record)
    if record.languages:
        for code in record.languages:
            language = _sub(root, q + "language")
            _sub(language, q + "languageTerm", code, type="code", authority="iso639-3")
    for extent in _extra(record, "extent"):
        _sub(_sub(root, q + "physicalDescription"), q + "extent", extent)
    if record.description:
        _sub(root, q + "abstract", record.description)
    for note in _extra(record, "notes"):
        _sub(root, q + "note", note)
    for subject in record.subjects or ():
        _sub(_sub(root, q + "subject"), q + "topic", subject)
    for value in record.identifiers or ():
        _sub(root, q + "identifier", value, type="local")
    _location(root, record, permalink)
    if record.rights:
        _sub(root, q + "accessCondition", record.rights, type="use and reproduction")
    if record.rights_uri and record.rights_uri != record.rights:
        uri = record.rights_uri
        condition = _sub(root, q + "accessCondition", uri, type="use and reproduction")
        condition.set(f"{{{XLINK}}}href", uri)
    info = _sub(root, q + "recordInfo")
    if record.partner:
        _sub(info, q + "recordContentSource", record.partner.name)
    _sub(info, q + "recordChangeDate", record.last_changed.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return root


def _origin(root: etree._Element, record: Record) -> None:
    q = f"{{{MODS}}}"
    publishers = _extra(record, "publisher")
    places = _extra(record, "place")
    if not (record.date_original or publishers or places or record.type in ISSUANCE):
        return
    origin = _sub(root, q + "originInfo")
    for place in places:
        _sub(_sub(origin, q + "place"), q + "placeTerm", place, type="text")
    for name in publishers:
        _sub(origin, q + "publisher", name)
    if record.date_original:
        _sub(origin, q + "dateCreated", record.date_original)
    if record.type in ISSUANCE:
        _sub(origin, q + "issuance", ISSUANCE[record.type])


def _location(root: etree._Element, record: Record, permalink: str) -> None:
    q = f"{{{MODS}}}"
    location = _sub(root, q + "location")
    if record.source_url:
        _sub(
            location,
            q + "url",
            record.source_url,
            usage="primary display",
            access="object in context",
        )
    for url in record.scan_urls or ():
        _sub(location, q + "url", url, access="raw object")
    _sub(location, q + "url", permalink, note="Warisan")


def render(prefix: str, record: Record, permalink: str) -> etree._Element:
    """The metadata element of ``record`` in the format ``prefix`` (a key of FORMATS)."""
    return {"oai_dc": oai_dc, "mods": mods}[prefix](record, permalink)
