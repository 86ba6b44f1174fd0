"""Mapping of MODS (3.x) to :class:`~catalog.records.RecordData`.

Type from ``typeOfResource`` (``manuscript="yes"``), ``genre`` and ``issuance``; links
from ``location/url``: ``access="raw object"`` (or an image/PDF path) is a scan, the
``object in context`` / primary-display URL is the link back.
"""

from __future__ import annotations

from lxml import etree

from catalog.records import RecordData, normalised_record
from harvester.protocol import HarvestedRecord

FORMAT = "mods"
MODS = "http://www.loc.gov/mods/v3"
_Q = f"{{{MODS}}}"
_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RESOURCE = {
    "text": "text",
    "cartographic": "map",
    "notated music": "text",
    "sound recording": "audio",
    "sound recording-musical": "audio",
    "sound recording-nonmusical": "audio",
    "still image": "image",
    "moving image": "video",
    "three dimensional object": "object",
    "software, multimedia": "dataset",
    "mixed material": "manuscript",
}


def _texts(element: etree._Element, path: str) -> list[str]:
    return [e.text for e in element.iterfind(path, {"m": MODS}) if e.text and e.text.strip()]


def _rights_links(mods: etree._Element) -> list[str]:
    """The ``xlink:href`` of each ``accessCondition`` (a rights statement's URI), after
    the texts so the first rights text stays the partner's words."""
    return [
        e.get(_HREF).strip()
        for e in mods.iterfind("m:accessCondition", {"m": MODS})
        if (e.get(_HREF) or "").strip()
    ]


def _titles(mods: etree._Element) -> list[tuple[str, str | None]]:
    out = []
    for info in mods.iterchildren(_Q + "titleInfo"):
        parts = [info.findtext(_Q + n) for n in ("nonSort", "title", "subTitle", "partName")]
        main = " ".join(p.strip() for p in parts[:2] if p and p.strip())
        if parts[2] and parts[2].strip():
            main = f"{main}: {parts[2].strip()}"
        if main:
            entry = (main, info.get(XML_LANG) or info.get("lang"))
            out.insert(0, entry) if info.get("type") is None and not out else out.append(entry)
    return out


def _names(mods: etree._Element) -> list[str]:
    names = []
    for name in mods.iterchildren(_Q + "name"):
        parts = _texts(name, "m:namePart")
        if parts:
            names.append(", ".join(p.strip() for p in parts))
    return names


def _subjects(mods: etree._Element) -> list[str]:
    out = []
    for subject in mods.iterchildren(_Q + "subject"):
        parts = [
            e.text.strip()
            for e in subject.iter()
            if e.text
            and e.text.strip()
            and e.tag in (_Q + "topic", _Q + "geographic", _Q + "temporal", _Q + "genre")
        ]
        parts += [", ".join(_texts(n, "m:namePart")) for n in subject.iterchildren(_Q + "name")]
        if parts:
            out.append(" -- ".join(p for p in parts if p))
    return out


def _type(mods: etree._Element) -> tuple[list[str], str | None]:
    genres = _texts(mods, "m:genre")
    default = None
    for res in mods.iterchildren(_Q + "typeOfResource"):
        if res.get("manuscript") == "yes":
            return genres, "manuscript"
        default = default or _RESOURCE.get((res.text or "").strip().lower())
    issuance = _texts(mods, "m:originInfo/m:issuance")
    if default == "text" and any(i.strip() in ("serial", "continuing") for i in issuance):
        default = "periodical"
    if default == "text" and any(i.strip() == "monographic" for i in issuance):
        default = "book"
    return genres, default


def _urls(mods: etree._Element) -> tuple[list[str], list[str]]:
    links, scans = [], []
    for url in mods.iterfind("m:location/m:url", {"m": MODS}):
        if not url.text or not url.text.strip():
            continue
        target = scans if url.get("access") in ("raw object", "preview") else links
        if url.get("access") == "object in context" or url.get("usage") == "primary display":
            target.insert(0, url.text.strip())
        else:
            target.append(url.text.strip())
    return links, scans


def map_fields(mods: etree._Element, header: HarvestedRecord) -> RecordData:
    """Map one ``<mods:mods>`` element of the OAI record ``header`` came with."""
    genres, default = _type(mods)
    links, scans = _urls(mods)
    dates = (
        _texts(mods, "m:originInfo/m:dateIssued")
        + _texts(mods, "m:originInfo/m:dateCreated")
        + _texts(mods, "m:originInfo/m:copyrightDate")
    )
    return normalised_record(
        source_format=FORMAT,
        feed=header,
        titles=_titles(mods),
        creators=_names(mods),
        subjects=_subjects(mods),
        descriptions=_texts(mods, "m:abstract"),
        dates=dates,
        types=genres,
        type_default=default,
        languages=_texts(mods, "m:language/m:languageTerm"),
        rights=_texts(mods, "m:accessCondition") + _rights_links(mods),
        identifiers=_texts(mods, "m:identifier") + _texts(mods, "m:recordInfo/m:recordIdentifier"),
        links=links,
        scans=scans,
        extra={
            "publisher": _texts(mods, "m:originInfo/m:publisher"),
            "place": _texts(mods, "m:originInfo/m:place/m:placeTerm"),
            "extent": _texts(mods, "m:physicalDescription/m:extent"),
            "notes": _texts(mods, "m:note"),
            "genre": genres,
        },
    )
