"""Rights statements in the portal: the record page, the rights facet, the API, OAI-PMH
(schema-checked) and IIIF."""

from __future__ import annotations

from lxml import html
from sqlalchemy import update

from catalog.models import Record
from portal.services import get_services
from tests.portal.public.test_public_oai import NS, oai, schema  # noqa: F401 - fixtures
from tests.portal.public.test_public_search import facet_links, result_titles

PDM = "https://creativecommons.org/publicdomain/mark/1.0/"
INC_EDU = "http://rightsstatements.org/vocab/InC-EDU/1.0/"
XLINK = "{http://www.w3.org/1999/xlink}href"


def _set_rights(app, record_id: int, uri: str | None, text: str | None) -> None:
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(update(Record).where(Record.id == record_id).values(rights_uri=uri, rights=text))


def test_the_record_page_shows_the_statement_with_icon_and_link(client, library):
    doc = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    statement = doc.find_class("rights-statement")[0]
    link = statement.find(".//a")
    assert link.get("href") == PDM and link.text_content() == "Public Domain Mark 1.0"
    icon = statement.find(".//img")
    assert icon.get("src").endswith("/static/img/rights/pdm.svg") and icon.get("alt") == ""
    assert client.get(icon.get("src")).status_code == 200
    assert doc.find_class("rights")[0].text_content() == "Domain publik"  # the partner's words
    in_malay = html.fromstring(client.get(f"/records/{library.manuscript}?lang=ms").data)
    assert in_malay.find_class("rights-statement")[0].find(".//a").text == "Tanda Domain Awam 1.0"


def test_free_text_without_a_statement_stays_shown(app, client, library):
    _set_rights(app, library.manuscript, None, "Hak cipta Kerajaan Negeri")
    doc = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    assert not doc.find_class("rights-statement")
    assert doc.find_class("rights")[0].text_content() == "Hak cipta Kerajaan Negeri"


def test_the_rights_facet_filters_and_is_labelled(app, client, library):
    _set_rights(app, library.plain, INC_EDU, None)
    with app.app_context():
        get_services().search.reindex()
    doc = html.fromstring(client.get("/search?lang=id").data)
    links = facet_links(doc, "rights")
    assert set(links) == {PDM, INC_EDU}
    assert links[PDM].text_content() == "Tanda Domain Publik 1.0"
    narrowed = html.fromstring(client.get("/search" + links[INC_EDU].get("href")).data)
    assert result_titles(narrowed) == ["Peta Pontianak"]
    data = client.get("/api/search", query_string={"rights": PDM}).get_json()
    assert [hit["id"] for hit in data["hits"]] == [library.manuscript]
    assert data["hits"][0]["fields"]["rights"] == PDM
    facet = {v["value"]: v for v in data["facets"]["rights"]}
    assert facet[PDM] == {
        "value": PDM,
        "count": 1,
        "selected": True,
        "code": "PDM 1.0",
        "label": "Public Domain Mark 1.0",
    }


def test_the_api_record_carries_uri_label_and_access(client, library):
    data = client.get(f"/api/records/{library.manuscript}?lang=id").get_json()
    assert data["rights"] == "Domain publik" and data["rights_uri"] == PDM
    assert data["rights_statement"] == {
        "uri": PDM,
        "code": "PDM 1.0",
        "label": "Tanda Domain Publik 1.0",
    }
    assert data["access"] == {"level": "open", "embargo_until": None}
    plain = client.get(f"/api/records/{library.plain}").get_json()
    assert plain["rights_uri"] is None and plain["rights_statement"] is None
    spec = client.get("/api/openapi.json").get_json()
    record = spec["components"]["schemas"]["Record"]["properties"]
    assert {"rights_uri", "rights_statement", "access"} <= set(record)


def test_oai_records_carry_the_uri_in_both_formats(oai, library):  # noqa: F811
    ident = f"oai:warisan.example:{library.manuscript}"
    dc = oai(verb="GetRecord", identifier=ident, metadataPrefix="oai_dc")
    assert [e.text for e in dc.iterfind(".//dc:rights", NS)] == ["Domain publik", PDM]
    mods = oai(verb="GetRecord", identifier=ident, metadataPrefix="mods")
    conditions = list(mods.iterfind(".//m:accessCondition", NS))
    assert [c.text for c in conditions] == ["Domain publik", PDM]
    assert conditions[1].get(XLINK) == PDM and conditions[0].get(XLINK) is None


def test_a_uri_only_record_is_not_repeated(app, oai, library):  # noqa: F811
    _set_rights(app, library.manuscript, PDM, PDM)
    ident = f"oai:warisan.example:{library.manuscript}"
    dc = oai(verb="GetRecord", identifier=ident, metadataPrefix="oai_dc")
    assert [e.text for e in dc.iterfind(".//dc:rights", NS)] == [PDM]


def test_the_iiif_manifest_rights_is_the_statement_uri_only(app, client, library):
    _set_rights(app, library.manuscript, None, "https://example.org/our-terms")
    manifest = client.get(f"/iiif/objects/{library.object_id}/manifest.json").get_json()
    assert "rights" not in manifest  # not a rightsstatements.org or CC URI
    _set_rights(app, library.manuscript, INC_EDU, "Untuk pendidikan")
    manifest = client.get(f"/iiif/objects/{library.object_id}/manifest.json").get_json()
    assert manifest["rights"] == INC_EDU
