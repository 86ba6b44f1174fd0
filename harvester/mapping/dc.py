"""Mapping of ``oai_dc`` (simple Dublin Core) to :class:`~catalog.records.RecordData`.

Links: ``dc:identifier`` and ``dc:relation`` URLs; those naming an image or a PDF become
scan URLs, the first other one is the link back to the partner's page.
"""

from __future__ import annotations

import re

from lxml import etree

from catalog import normalise
from catalog.records import RecordData, normalised_record
from harvester.protocol import HarvestedRecord

_URL = re.compile(r"https?://\S+")

FORMAT = "oai_dc"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


_NAMES = (
    "title",
    "creator",
    "subject",
    "description",
    "date",
    "type",
    "language",
    "rights",
    "identifier",
    "relation",
    "publisher",
    "contributor",
    "format",
    "coverage",
    "source",
)
_TAGS = {f"{{{DC}}}{name}": name for name in _NAMES}


def _collect(element: etree._Element) -> tuple[dict[str, list[str]], list[tuple[str, str | None]]]:
    """Every DC value by element name in one pass, and titles with their xml:lang."""
    values: dict[str, list[str]] = {name: [] for name in _NAMES}
    titles: list[tuple[str, str | None]] = []
    for child in element.iterchildren(etree.Element):
        name = _TAGS.get(child.tag)
        text = child.text
        if name is None or not text or not text.strip():
            continue
        values[name].append(text)
        if name == "title":
            titles.append((text, child.get(XML_LANG)))
    return values, titles


def map_fields(element: etree._Element, header: HarvestedRecord) -> RecordData:
    """Map one ``<oai_dc:dc>`` element of the record ``header`` came with."""
    v, titles = _collect(element)
    urls = [u for u in v["identifier"] + v["relation"] if u.strip().lower().startswith("http")]
    # DSpace puts "application/pdf https://…/file.pdf" in dc:format: take the file URLs.
    urls += [u for f in v["format"] for u in _URL.findall(f) if normalise.is_scan_url(u)]
    return normalised_record(
        source_format=FORMAT,
        feed=header,
        titles=titles,
        creators=v["creator"],
        subjects=v["subject"],
        descriptions=v["description"],
        dates=v["date"],
        types=v["type"],
        type_default=None,
        languages=v["language"],
        rights=v["rights"],
        identifiers=v["identifier"],
        links=urls,
        extra={
            "publisher": v["publisher"],
            "contributor": v["contributor"],
            "format": v["format"],
            "coverage": v["coverage"],
            "source": v["source"],
            "relation": [r for r in v["relation"] if r not in urls],
            "dc_type": v["type"],
        },
    )
