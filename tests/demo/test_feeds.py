"""Feeds are valid against the official schemas and carry scans and link back."""

from __future__ import annotations

import pytest
from lxml import etree

from demo.data import get_partner, load_records
from demo.feeds import FORMATS, serialize
from demo.marc import fixed_dates, is_corporate, split_role

BASE = "http://127.0.0.1:8765"
LIVE = load_records(include_deleted=False)
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "marc": "http://www.loc.gov/MARC21/slim",
    "mods": "http://www.loc.gov/mods/v3",
}


@pytest.fixture(scope="module")
def payload_schema(oai_schema):
    """Validate a bare payload element against the bundle schema."""

    def validate(element):
        ok = oai_schema.validate(etree.ElementTree(element))
        assert ok, oai_schema.error_log.filter_from_errors()[:3]

    return validate


@pytest.mark.parametrize("prefix", sorted(FORMATS))
def test_every_record_is_schema_valid_in_every_format(prefix, payload_schema):
    for record in LIVE:
        payload_schema(serialize(record, prefix, BASE, get_partner(record["partner"])))


def _record(record_id):
    return next(r for r in LIVE if r["id"] == record_id)


def test_oai_dc_links_scans_and_link_back():
    dc = serialize(_record("KHA-0001"), "oai_dc", BASE)
    assert dc.xpath("dc:relation/text()", namespaces=NS) == [
        f"{BASE}/scans/kha-0001-p1.png",
        f"{BASE}/scans/kha-0001-p2.png",
    ]
    assert "https://arsip-khatulistiwa.example/koleksi/KHA-0001" in dc.xpath(
        "dc:identifier/text()", namespaces=NS
    )


def test_marc_has_leader_and_856_for_scans_and_link_back():
    record = _record("RJG-0003")
    marc = serialize(record, "marcxml", BASE, get_partner("rajang"))
    leader = marc.findtext("marc:leader", namespaces=NS)
    assert len(leader) == 24 and leader[6:8] == "am"
    scans = marc.xpath(
        'marc:datafield[@tag="856"][@ind2="0"]/marc:subfield[@code="u"]/text()', namespaces=NS
    )
    back = marc.xpath(
        'marc:datafield[@tag="856"][@ind2="2"]/marc:subfield[@code="u"]/text()', namespaces=NS
    )
    assert scans == [f"{BASE}/scans/rjg-0003-p1.png", f"{BASE}/scans/rjg-0003-p2.png"]
    assert back == [record["url"]]
    for tag in ("041", "110", "245", "264", "520", "650"):
        assert marc.xpath(f'marc:datafield[@tag="{tag}"]', namespaces=NS), tag
    person = serialize(_record("RJG-0001"), "marcxml", BASE, get_partner("rajang"))
    assert person.xpath('marc:datafield[@tag="100"]/marc:subfield/text()', namespaces=NS) == [
        "Abang Hamid bin Abang Ahmad"
    ]


def test_marc_record_without_title_has_no_245():
    marc = serialize(_record("RJG-0009"), "marcxml", BASE, get_partner("rajang"))
    assert not marc.xpath('marc:datafield[@tag="245"]', namespaces=NS)


def test_mods_urls_language_codes_and_text():
    mods = serialize(_record("KA-0003"), "mods", BASE, get_partner("kampong-ayer"))
    raw = mods.xpath('mods:location/mods:url[@access="raw object"]/text()', namespaces=NS)
    assert raw == [f"{BASE}/scans/ka-0003-p1.png", f"{BASE}/scans/ka-0003-p2.png"]
    term = mods.find("mods:language/mods:languageTerm", NS)
    assert (term.text, term.get("type")) == ("Melayu", "text")


def test_script_title_is_escaped_text_not_markup():
    record = next(r for r in LIVE if "<script>" in r.get("title", ""))
    xml = etree.tostring(serialize(record, "oai_dc", BASE), encoding="unicode")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert "<script>" not in xml


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("1926", ("s", "1926", "    ")),
        ("ca. 1920", ("s", "1920", "    ")),
        ("1930-an", ("q", "1930", "1939")),
        ("1890-1910", ("q", "1890", "1910")),
        ("[19--]", ("s", "19uu", "    ")),
        ("abad ke-19", ("s", "18uu", "    ")),
        (None, ("n", "uuuu", "uuuu")),
    ],
)
def test_marc_fixed_dates_from_messy_dates(date, expected):
    assert fixed_dates(date) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Halimah, Dayang (narasumber)", ("Halimah, Dayang", "narasumber")),
        ("Sarah Wong (interviewer)", ("Sarah Wong", "interviewer")),
        ("Bintang Borneo (Pontianak)", ("Bintang Borneo (Pontianak)", None)),
        ("Anonim", ("Anonim", None)),
    ],
)
def test_split_role_only_splits_relator_terms(raw, expected):
    assert split_role(raw) == expected


@pytest.mark.parametrize(
    ("name", "corporate"),
    [
        ("Sarawak. Resident, Third Division", True),
        ("Jabatan Penerangan Sarawak", True),
        ("Harrison, E. M.", False),
        ("Awang Hj. Metussin bin Omar", False),
        ("Abang Hamid bin Abang Ahmad", False),
    ],
)
def test_is_corporate(name, corporate):
    assert is_corporate(name) is corporate
