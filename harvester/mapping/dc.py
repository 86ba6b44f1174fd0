"""Mapping of ``oai_dc`` (simple Dublin Core) to :class:`~harvester.mapping.common.Fields`.

Links: ``dc:identifier`` and ``dc:relation`` URLs; those naming an image or a PDF become
scan URLs, the first other one is the link back to the partner's page.
"""

from __future__ import annotations

import re

from lxml import etree

from harvester.mapping import normalise
from harvester.mapping.common import Fields, build

_URL = re.compile(r"https?://\S+")

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _values(element: etree._Element, name: str) -> list[str]:
    return [e.text for e in element.iterchildren(f"{{{DC}}}{name}") if e.text and e.text.strip()]


def map_fields(element: etree._Element) -> Fields:
    """Map one ``<oai_dc:dc>`` element."""
    v = {
        name: _values(element, name)
        for name in (
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
    }
    titles = [
        (e.text, e.get(XML_LANG))
        for e in element.iterchildren(f"{{{DC}}}title")
        if e.text and e.text.strip()
    ]
    urls = [u for u in v["identifier"] + v["relation"] if u.strip().lower().startswith("http")]
    # DSpace puts "application/pdf https://…/file.pdf" in dc:format: take the file URLs.
    urls += [u for f in v["format"] for u in _URL.findall(f) if normalise.is_scan_url(u)]
    return build(
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
        scans=[],
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
