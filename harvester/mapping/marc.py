"""Mapping of MARC 21 XML (``marcxml``, ``marc21``) to :class:`~catalog.records.RecordData`.

Tolerates what real OPACs (INLISLite, SLiMS) send: no ``<leader>``, control fields
repeated as data fields (``<datafield tag="008"><subfield code="$">``), ``#`` indicators,
the statement of responsibility inside 245 $a. Type comes from leader/06–07, language from
041 $a then 008/35–37, date from 264/260 $c then 008/07–10, links from 856 $u.
"""

from __future__ import annotations

import re

from lxml import etree

from catalog.records import RecordData, normalised_record
from harvester.protocol import HarvestedRecord

FORMAT = "marcxml"
MARC = "http://www.loc.gov/MARC21/slim"
_Q = f"{{{MARC}}}"

# leader/06 (type of record) → catalogue type; leader/07 refines text.
_LEADER_TYPE = {
    "a": "text",
    "t": "manuscript",
    "e": "map",
    "f": "map",
    "k": "image",
    "i": "audio",
    "j": "audio",
    "g": "video",
    "r": "object",
    "m": "dataset",
    "c": "text",
    "d": "manuscript",
    "p": "manuscript",
    "o": "object",
}
_PUNCT = " /:;,.="


def _control(record: etree._Element, tag: str) -> str:
    for field in record.iterchildren(_Q + "controlfield"):
        if field.get("tag") == tag and field.text:
            return field.text
    for field in _datafields(record, tag):  # INLISLite repeats control fields as data fields
        for sub in field.iterchildren(_Q + "subfield"):
            if sub.text:
                return sub.text
    return ""


def _datafields(record: etree._Element, *tags: str):
    return (f for f in record.iterchildren(_Q + "datafield") if f.get("tag") in tags)


def _subs(field: etree._Element, codes: str) -> list[str]:
    return [
        s.text
        for s in field.iterchildren(_Q + "subfield")
        if s.get("code") in codes and s.text and s.text.strip()
    ]


def _all(record: etree._Element, tags: tuple[str, ...], codes: str, sep: str = " ") -> list[str]:
    out = []
    for field in _datafields(record, *tags):
        parts = _subs(field, codes)
        if parts:
            out.append(sep.join(p.strip() for p in parts))
    return out


def _strip(value: str) -> str:
    return value.strip().rstrip(_PUNCT).strip()


def _title(record: etree._Element) -> list[tuple[str, None]]:
    titles = []
    for field in _datafields(record, "245"):
        parts = _subs(field, "abnp")
        if parts:
            # INLISLite puts "Title / editor, …" all in $a: drop the statement of responsibility.
            text = " ".join(p.strip() for p in parts).split(" / ")[0]
            titles.append((_strip(text), None))
    titles += [(_strip(t), None) for t in _all(record, ("246", "240", "130"), "abnp")]
    return titles


def _type(record: etree._Element, leader: str, flags: list[str]) -> str | None:
    if len(leader) >= 8:
        kind = _LEADER_TYPE.get(leader[6])
        if kind == "text":
            return {"m": "book", "s": "periodical", "b": "periodical"}.get(leader[7], "text")
        return kind
    flags.append("marc_no_leader")
    if any(True for _ in _datafields(record, "022", "310", "362")):
        return "periodical"
    if any(True for _ in _datafields(record, "020", "260", "264")):
        return "book"
    return None


def map_fields(record: etree._Element, header: HarvestedRecord) -> RecordData:
    """Map one ``<marc:record>`` element of the OAI record ``header`` came with."""
    flags: list[str] = []
    leader = (record.findtext(_Q + "leader") or "").strip("\n")
    f008 = _control(record, "008")
    languages = [c for f in _datafields(record, "041") for c in _subs(f, "a")]
    if not languages and len(f008) >= 38 and f008[35:38].strip(" |#"):
        languages = [f008[35:38]]
    dates = [_strip(d) for d in _all(record, ("264", "260"), "c")]
    if len(f008) >= 11 and re.fullmatch(r"[0-9u]{4}", f008[7:11]):
        dates.append(f008[7:11].replace("u", "-"))
    urls = [u.strip() for f in _datafields(record, "856") for u in _subs(f, "u")]
    scans = [
        u
        for f in _datafields(record, "856")
        for u in _subs(f, "u")
        if any(("image" in q or "pdf" in q) for q in _subs(f, "q"))
    ]
    return normalised_record(
        source_format=FORMAT,
        feed=header,
        titles=_title(record),
        creators=[
            _strip(c) for c in _all(record, ("100", "110", "111", "700", "710", "711"), "abcdq")
        ],
        subjects=[
            _strip(s)
            for s in _all(record, ("600", "610", "611", "630", "650", "651"), "avxyz", " -- ")
        ],
        descriptions=_all(record, ("520",), "a"),
        dates=dates,
        types=[_strip(h) for h in _all(record, ("245",), "h")],
        type_default=_type(record, leader, flags),
        languages=languages,
        rights=_all(record, ("540", "506"), "a") + _all(record, ("540",), "u"),  # $u: URI
        identifiers=[_strip(i) for i in _all(record, ("020", "022", "024"), "a")]
        + [_control(record, "001").strip()],
        links=urls,
        scans=[s.strip() for s in scans],
        extra={
            "publisher": [_strip(p) for p in _all(record, ("264", "260"), "b")],
            "place": [_strip(p) for p in _all(record, ("264", "260"), "a")],
            "edition": _all(record, ("250",), "a"),
            "extent": _all(record, ("300",), "abc"),
            "notes": _all(record, ("500",), "a"),
            "call_number": _all(record, ("090", "082", "084", "050"), "ab"),
            "series": _all(record, ("440", "490", "830"), "av"),
        },
        flags=flags,
    )
