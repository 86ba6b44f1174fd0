"""Pure mappings (oai_dc, MARC 21 XML, MODS) on recorded real records and small hand-made
ones (the normaliser they share with every intake: tests/catalog/test_normalise.py)."""

from __future__ import annotations

import pytest
from lxml import etree

from harvester.mapping import MappingError, map_record
from harvester.protocol import parse_page, record_from_element


def _record(xml: str):
    return record_from_element(etree.fromstring(xml))


def _wrap(payload: str, identifier: str = "oai:x:1", stamp: str = "2024-05-01") -> str:
    return (
        f'<record xmlns="http://www.openarchives.org/OAI/2.0/"><header><identifier>'
        f"{identifier}</identifier><datestamp>{stamp}</datestamp></header><metadata>"
        f"{payload}</metadata></record>"
    )


def test_oai_dc_of_the_dspace_recording(oai_dir):
    page = parse_page((oai_dir / "pyoai-erasmus-dspace/fake2/00002.xml").read_bytes())
    items = [map_record(r, "oai_dc") for r in page.records]
    assert sum(i.deleted for i in items) == 2
    live = [i for i in items if not i.deleted]
    assert all(i.title for i in live) and all(i.source_format == "oai_dc" for i in live)
    first = live[0]
    assert first.type == "text" and first.languages == ("eng",)
    assert first.identifiers == ("RePEc:dgr:eureri:2001134", "erimrs20020104123434")
    # DSpace put the file URL in dc:format: it becomes a scan link, not the link back
    assert first.scan_urls == ("https://ep.eur.nl/retrieve/6/erimrs20020104123434.pdf",)
    assert first.source_url == "http://hdl.handle.net/1765/9"
    assert first.raw_xml.startswith(b"<record") and b"hdl:1765/9" in first.raw_xml


def test_marcxml_of_the_inlislite_recording(oai_dir):
    page = parse_page((oai_dir / "goharvest-jogjaprov/ListRecords_marcxml_page1.xml").read_bytes())
    items = [map_record(r, "marcxml") for r in page.records]
    assert len(items) == 100 and all(i.title for i in items)
    first, second = items[0], items[1]
    assert first.title == "PANDUAN cerdas mahasiswa Jogja"  # responsibility split off $a
    assert first.creators == ("M. Solikhin", "M. Farid")
    assert first.subjects == ("Mahasiswa - Panduan",)
    assert first.extra["publisher"] == ["Kejora"] and first.extra["place"] == ["Yogyakarta"]
    assert first.identifiers == ("YOGYA000000000002408",)
    assert "marc_no_leader" in first.quality_flags and "missing_datestamp" in first.quality_flags
    assert second.languages == ("ind",)  # from 008/35-37 sent as a data field
    assert first.datestamp is None


MARC = """<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000ctm a2200000 a 4500</leader>
<controlfield tag="008">850101s1890    my            000 0 may d</controlfield>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Hikayat Raja Sarawak :</subfield>
<subfield code="b">naskah Jawi /</subfield><subfield code="c">anonim.</subfield></datafield>
<datafield tag="260" ind1=" " ind2=" "><subfield code="c">[18--]</subfield></datafield>
<datafield tag="650" ind1=" " ind2="0"><subfield code="a">Sarawak</subfield>
<subfield code="x">History</subfield></datafield>
<datafield tag="856" ind1="4" ind2="0"><subfield code="u">https://lib.example/item/1</subfield>
</datafield><datafield tag="856" ind1="4" ind2="1"><subfield code="q">image/jpeg</subfield>
<subfield code="u">https://lib.example/iiif/1/full.jpg?x=1</subfield></datafield></record>"""


def test_marcxml_with_a_leader():
    item = map_record(_record(_wrap(MARC)), "marc21")
    assert item.title == "Hikayat Raja Sarawak : naskah Jawi"
    assert item.type == "manuscript" and item.languages == ("msa",)
    assert (item.year_from, item.year_to) == (1800, 1899) and item.date_original == "[18--]"
    assert item.subjects == ("Sarawak -- History",)
    assert item.source_url == "https://lib.example/item/1"
    assert item.scan_urls == ("https://lib.example/iiif/1/full.jpg?x=1",)
    assert item.quality_flags == ()


MODS = """<mods xmlns="http://www.loc.gov/mods/v3" xmlns:xlink="http://www.w3.org/1999/xlink">
<titleInfo><nonSort>The</nonSort><title>Sarawak Gazette</title><subTitle>1920 issues</subTitle>
</titleInfo><titleInfo type="translated" xml:lang="ms"><title>Warta Sarawak</title></titleInfo>
<name><namePart>Brooke, Charles</namePart><namePart type="date">1829-1917</namePart></name>
<typeOfResource>text</typeOfResource><genre>newspaper</genre>
<originInfo><dateIssued>1920-an</dateIssued><issuance>continuing</issuance></originInfo>
<language><languageTerm type="code" authority="iso639-2b">eng</languageTerm></language>
<abstract>Official gazette.</abstract><subject><topic>Newspapers</topic><geographic>Kuching
</geographic></subject><location><url access="object in context">https://arkib.example/g/1</url>
<url access="raw object">https://arkib.example/g/1/page1.tif</url></location>
<accessCondition>CC BY 4.0</accessCondition></mods>"""


def test_mods():
    item = map_record(_record(_wrap(MODS)), "mods")
    assert item.title == "The Sarawak Gazette: 1920 issues"
    assert item.titles[1] == {"value": "Warta Sarawak", "lang": "msa"}
    assert item.creators == ("Brooke, Charles, 1829-1917",)
    assert item.type == "newspaper" and item.languages == ("eng",)
    assert (item.year_from, item.year_to) == (1920, 1929)
    assert item.subjects == ("Newspapers -- Kuching",)
    assert item.source_url == "https://arkib.example/g/1"
    assert item.scan_urls == ("https://arkib.example/g/1/page1.tif",)
    assert item.rights == "CC BY 4.0" and item.source_format == "mods"


def test_records_missing_title_or_link_are_kept_and_flagged():
    dc = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:date>1920-an</dc:date></oai_dc:dc>'
    )
    item = map_record(_record(_wrap(dc)), "oai_dc")
    assert item.title is None and item.year_from == 1920
    assert {"missing_title", "missing_link"} <= set(item.quality_flags)


def test_a_payload_in_an_unknown_format_is_a_mapping_error():
    with pytest.raises(MappingError, match="no mapping"):
        map_record(_record(_wrap('<x xmlns="urn:other"/>')), "oai_dc")


def test_mapping_is_pure_and_deterministic(oai_dir):
    page = parse_page((oai_dir / "pyoai-erasmus-dspace/fake2/00002.xml").read_bytes())
    again = parse_page((oai_dir / "pyoai-erasmus-dspace/fake2/00002.xml").read_bytes())
    hashes = [map_record(r, "oai_dc").content_hash() for r in page.records]
    assert hashes == [map_record(r, "oai_dc").content_hash() for r in again.records]
