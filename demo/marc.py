"""MARC21 slim (MARCXML) serialisation of a demo record, used by ``demo.feeds``.

Written the way a small Malaysian library system would: a leader, 001/003/005/008,
041 for language codes (546 for languages given as words), 1XX/245/246, 264, 300,
520, 540, 650/651/655, 700/710, 852 and 856 (``40`` for scans, ``42`` for the link
back to the partner's page). Dates stay as authored in 264 $c; 008 gets a best guess.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

Record = dict[str, Any]

NS_MARC = "http://www.loc.gov/MARC21/slim"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"

# Leader/06 (type of record) and /07 (bibliographic level) per our record ``type``.
LEADER_TYPES = {
    "manuscript": "tm",
    "book": "am",
    "newspaper": "as",
    "map": "em",
    "photograph": "km",
    "oral-history": "im",
    "object": "rm",
}
# 008/15-17 place of publication by partner country (MARC country codes).
PLACE_CODES = {"MY": "my ", "ID": "io ", "BN": "bx "}
# Words that mark a name as a corporate body (110/710, MODS name type="corporate").
CORPORATE_WORDS = (
    "jabatan", "pejabat", "sharikat", "syarikat", "department", "office", "mission",
    "studio", "redaksi", "kumpulan", "lembaga", "jawatan", "kesultanan", "sekolah",
    "dienst", "djawatan", "berita", "madjalah", "bintang", "resident", "pustaka",
    "penenun", "tukang", "controleur",
)  # fmt: skip

# Relator terms used in the records as "Name (role)"; other parentheses are qualifiers.
ROLE_TERMS = frozenset(
    {
        "penyalin", "narasumber", "pewawancara", "informan", "penemu bual", "pencerita",
        "perakam", "interviewee", "interviewer",
    }
)  # fmt: skip

_ROLE = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)$")
_PLACE_DOT = re.compile(r"^[A-Z][a-z]+\. [A-Z][a-z]")
_CODE = re.compile(r"^[a-z]{3}$")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def split_role(name: str) -> tuple[str, str | None]:
    """Split ``"Name (role)"`` into ``("Name", "role")``; no role gives ``None``.

    Only relator terms in ``ROLE_TERMS`` count: ``"Bintang Borneo (Pontianak)"`` stays whole.
    """
    match = _ROLE.match(name)
    if match and match["role"].lower() in ROLE_TERMS:
        return match["name"], match["role"]
    return name, None


def is_language_code(value: str) -> bool:
    """True for a three-letter lowercase code such as ``ind`` or ``may``."""
    return bool(_CODE.match(value))


def is_corporate(name: str) -> bool:
    """Guess whether a heading names a corporate body rather than a person.

    A keyword such as "Jabatan" or "Department", or a jurisdiction heading such as
    "Sarawak. Resident, Third Division", marks a body; "Harrison, E. M." is a person.
    """
    lowered = name.lower()
    return any(word in lowered for word in CORPORATE_WORDS) or bool(_PLACE_DOT.match(name))


def fixed_dates(date: str | None) -> tuple[str, str, str]:
    """Return 008/06 date type, 008/07-10 date 1 and 008/11-14 date 2 for a messy date.

    ``"1926"`` -> ``("s", "1926", "    ")``; ``"1890-1910"`` -> ``("q", "1890", "1910")``;
    ``"1930-an"`` -> ``("q", "1930", "1939")``; ``"[19--]"`` -> ``("s", "19uu", "    ")``;
    ``"abad ke-19"`` -> ``("s", "18uu", "    ")``; nothing usable -> ``("n", "uuuu", "uuuu")``.
    """
    text = (date or "").strip()
    century = re.search(r"abad ke-(\d\d)", text) or re.search(r"\[?(\d\d)--\]?", text)
    decade = re.search(r"\b(\d{3})0-an\b", text)
    years = _YEAR.findall(text)
    if decade:
        return "q", f"{decade[1]}0", f"{decade[1]}9"
    if len(years) >= 2:
        return "q", years[0], years[1]
    if years:
        return "s", years[0], "    "
    if century:
        number = int(century[1])
        prefix = number - 1 if text.startswith("abad") else number
        return "s", f"{prefix:02d}uu", "    "
    return "n", "uuuu", "uuuu"


def field_008(record: Record, country: str | None) -> str:
    """Return the 40-character 008 fixed field."""
    stamp = record["datestamp"]
    entered = stamp[2:4] + stamp[5:7] + stamp[8:10]
    kind, first, second = fixed_dates(record.get("date"))
    codes = [v for v in record.get("languages", []) if is_language_code(v)]
    language = codes[0] if codes else "   "
    place = PLACE_CODES.get(country or "", "xx ")
    value = f"{entered}{kind}{first}{second}{place}{'|' * 17}{language} d"
    assert len(value) == 40, value
    return value


class _Builder:
    """Appends control and data fields to a MARCXML ``record`` element."""

    def __init__(self) -> None:
        self.root = etree.Element(f"{{{NS_MARC}}}record", nsmap={"marc": NS_MARC, "xsi": NS_XSI})
        self.root.set(f"{{{NS_XSI}}}schemaLocation", f"{NS_MARC} {SCHEMA}")

    def leader(self, value: str) -> None:
        """Add the 24-character leader."""
        etree.SubElement(self.root, f"{{{NS_MARC}}}leader").text = value

    def control(self, tag: str, value: str) -> None:
        """Add a control field (00X)."""
        etree.SubElement(self.root, f"{{{NS_MARC}}}controlfield", tag=tag).text = value

    def data(self, tag: str, ind: str, *subfields: tuple[str, str | None]) -> None:
        """Add a data field with two indicators; subfields with empty values are skipped."""
        present = [(code, value) for code, value in subfields if value]
        if not present:
            return
        attrib = {"tag": tag, "ind1": ind[0], "ind2": ind[1]}
        field = etree.SubElement(self.root, f"{{{NS_MARC}}}datafield", attrib)
        for code, value in present:
            etree.SubElement(field, f"{{{NS_MARC}}}subfield", code=code).text = value


def _names(out: _Builder, record: Record) -> None:
    """Write the first creator as 100/110 and the other names as 700/710."""
    names = [(n, "creator") for n in record.get("creators", [])]
    names += [(n, "contributor") for n in record.get("contributors", [])]
    for index, (raw, default_role) in enumerate(names):
        name, role = split_role(raw)
        corporate = is_corporate(name)
        tag = ("1" if index == 0 else "7") + ("10" if corporate else "00")
        ind1 = "2" if corporate else ("1" if "," in name else "0")
        out.data(
            tag, ind1 + " ", ("a", name), ("e", role or (None if index == 0 else default_role))
        )


def _titles(out: _Builder, record: Record) -> None:
    """Write 245 (main title) and 246 (parallel title)."""
    has_main_entry = bool(record.get("creators"))
    out.data("245", ("1" if has_main_entry else "0") + "0", ("a", record.get("title")))
    alt = record.get("title_alt")
    if alt:
        out.data("246", "31", ("a", alt["text"]))


def _languages(out: _Builder, record: Record) -> None:
    """Write codes in 041 $a and languages given as words in 546 $a."""
    values = record.get("languages", [])
    codes = [v for v in values if is_language_code(v)]
    words = [v for v in values if v not in codes]
    if codes:
        out.data("041", "0 ", *[("a", code) for code in codes])
    if words:
        out.data("546", "  ", ("a", "; ".join(words)))


def _subjects(out: _Builder, record: Record) -> None:
    """Write 650 topical subjects (``A -- B`` as $a/$x), 651 place and 655 genre."""
    for heading in record.get("subjects", []):
        first, *rest = heading.split(" -- ")
        out.data("650", " 4", ("a", first), *[("x", part) for part in rest])
    out.data("651", " 4", ("a", record.get("coverage")))
    out.data("655", " 4", ("a", record.get("genre")))


def _links(out: _Builder, record: Record, scans: list[str], partner: Record | None) -> None:
    """Write 852 holdings, 856 40 per scan and 856 42 for the link back."""
    shelfmark = (record.get("identifiers") or [None])[0]
    out.data("852", "  ", ("a", partner["name"] if partner else None), ("h", shelfmark))
    for number, url in enumerate(scans, start=1):
        out.data("856", "40", ("3", f"Halaman {number}"), ("u", url), ("q", "image/png"))
    out.data("856", "42", ("u", record.get("url")), ("z", "Rekod asal di laman web pemilik"))


def to_marcxml(record: Record, scans: list[str], partner: Record | None = None) -> etree._Element:
    """Return a MARCXML ``marc:record`` for a (non-deleted) record.

    ``scans`` are absolute scan URLs; ``partner`` (a dict from ``partners.json``) gives
    the holding institution (852 $a) and the 008 place code.
    """
    out = _Builder()
    kind = LEADER_TYPES.get(record.get("type", ""), "am")
    out.leader(f"00000n{kind} a2200000 i 4500")
    out.control("001", record["id"])
    out.control("003", partner["oai_namespace"] if partner else "demo")
    out.control("005", re.sub(r"\D", "", record["datestamp"]) + ".0")
    out.control("008", field_008(record, partner.get("country") if partner else None))
    for value in record.get("identifiers", [])[1:]:
        out.data("035", "  ", ("a", value))
    _languages(out, record)
    _names(out, record)
    _titles(out, record)
    out.data(
        "264",
        " " + ("1" if record.get("publisher") else "0"),
        ("a", record.get("place")),
        ("b", record.get("publisher")),
        ("c", record.get("date")),
    )
    out.data("300", "  ", ("a", record.get("extent")))
    out.data("520", "  ", ("a", record.get("description")))
    out.data("540", "  ", ("a", record.get("rights")))
    _subjects(out, record)
    _links(out, record, scans, partner)
    return out.root
