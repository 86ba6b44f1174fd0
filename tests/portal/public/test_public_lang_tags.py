"""Language attributes in pages and OAI-PMH are BCP 47 tags, never the ISO 639-3 codes
the catalogue stores (``lang="ind"`` is invalid; the page must say ``id``)."""

from __future__ import annotations

import json
import re

from lxml import etree, html

from catalog.records import RecordData
from portal.services import get_services

# A primary subtag of 2 letters, or 3 letters with no 2-letter equivalent; optional
# script and region. Enough for what the portal writes (axe checks the rest in e2e).
BCP47 = re.compile(r"(?:[a-z]{2}|[a-z]{3})(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?")
THREE_WITH_TWO = {"ind", "msa", "may", "eng", "nld", "dut", "jav", "ara", "zho", "chi"}


def _langs(body: bytes) -> list[str]:
    doc = html.fromstring(body)
    return [
        value
        for element in doc.iter()
        if isinstance(element.tag, str)
        for name in ("lang", "hreflang", "xml:lang")
        if (value := element.get(name)) is not None
    ]


def _oddly_tagged(app) -> int:
    with app.app_context():
        catalog = get_services().catalog
        return catalog.upsert_records(
            "khatulistiwa",
            [
                RecordData(
                    oai_identifier="k-lang",
                    title="Babad",
                    titles=(
                        {"value": "Babad", "lang": None},
                        {"value": "Riwayat", "lang": "ind"},
                        {"value": "Chronicle", "lang": "Bahasa Kalbar"},
                        {"value": "Jawi", "lang": "ms-arab"},
                    ),
                    type="text",
                )
            ],
        )[0].record_id


def test_record_page_tags_titles_and_page_text_with_bcp47(app, client, library):
    record_id = _oddly_tagged(app)
    doc = html.fromstring(client.get(f"/records/{record_id}").data)
    tagged = {dd.text_content(): dd.get("lang") for dd in doc.iter("dd")}
    assert tagged["Riwayat"] == "id"
    assert tagged["Jawi"] == "ms-Arab"
    assert tagged["Chronicle"] is None  # not a language: no attribute at all
    manuscript = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    assert manuscript.find(".//dd[@lang='en']").text == "Chronicle of the Kings of Sambas"
    assert manuscript.find(".//div[@id='page-text']/pre").get("lang") == "ms"
    viewer = manuscript.find(".//section[@class='viewer']")
    assert [p["lang"] for p in json.loads(viewer.get("data-pages"))] == ["ms", None]


def test_no_page_carries_an_invalid_language_tag(app, client, indexed):
    _oddly_tagged(app)
    urls = [
        "/",
        "/search?q=",
        "/search?q=hikajat",
        "/browse/",
        "/browse/partners",
        f"/records/{indexed.manuscript}",
        f"/records/{indexed.hostile}",
        f"/records/{indexed.plain}",
        "/status",
        "/workspace/login",
    ]
    for locale in ("en", "id", "ms"):
        for url in urls:
            response = client.get(url, headers={"Accept-Language": locale})
            assert response.status_code == 200, url
            for value in _langs(response.data):
                assert BCP47.fullmatch(value), (url, value)
                assert value.split("-")[0] not in THREE_WITH_TWO, (url, value)


def test_oai_titles_carry_bcp47_xml_lang(app, client, library):
    _oddly_tagged(app)
    for prefix in ("oai_dc", "mods"):
        response = client.get(
            "/oai", query_string={"verb": "ListRecords", "metadataPrefix": prefix}
        )
        doc = etree.fromstring(response.data)
        values = doc.xpath("//@xml:lang")
        assert sorted(set(values)) == ["en", "id", "ms-Arab"], prefix
