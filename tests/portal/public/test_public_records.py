"""Record pages, citations, JSON-LD, files and the JSON API over a real catalogue."""

from __future__ import annotations

import json
import re

from lxml import html


def test_record_page_shows_metadata_provenance_rights_and_permalink(client, library):
    page = client.get(f"/records/{library.manuscript}")
    assert page.status_code == 200
    doc = html.fromstring(page.data)
    assert doc.findtext(".//h1") == "Hikajat Radja-Radja Sambas"
    text = page.get_data(as_text=True)
    assert "Chronicle of the Kings of Sambas" in text
    assert "Pustaka Warisan Rajang" in text
    assert "https://pustaka-rajang.example/item/1" in text
    assert "Domain publik" in text
    permalink = doc.get_element_by_id("permalink").get("value")
    assert permalink == f"http://localhost/records/{library.manuscript}"
    assert doc.find(".//link[@rel='canonical']").get("href") == permalink


def test_record_page_json_ld_is_schema_org(client, library):
    doc = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    block = doc.find(".//script[@type='application/ld+json']")
    data = json.loads(block.text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Manuscript"
    assert data["name"] == "Hikajat Radja-Radja Sambas"
    assert data["provider"]["name"] == "Pustaka Warisan Rajang"
    assert data["thumbnailUrl"].endswith(library.thumb_sha)


def test_harvested_script_in_a_title_is_text_everywhere(client, library):
    page = client.get(f"/records/{library.hostile}")
    body = page.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body
    ld = html.fromstring(page.data).find(".//script[@type='application/ld+json']").text
    assert "</script" not in ld and json.loads(ld)["name"].startswith("Surat <script>")


def test_deleted_and_unknown_records_are_not_found(client, library):
    assert client.get(f"/records/{library.deleted}").status_code == 404
    assert client.get("/records/999999").status_code == 404
    missing = client.get("/api/records/999999")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "NotFound"


def test_citations_in_three_formats(client, library):
    bib = client.get(f"/records/{library.manuscript}/cite.bibtex")
    assert bib.mimetype == "application/x-bibtex"
    assert "attachment" in bib.headers["Content-Disposition"]
    text = bib.get_data(as_text=True)
    assert text.startswith(f"@unpublished{{warisan{library.manuscript},")
    assert "raja-raja Sambas \\& silsilahnya" not in text  # description is not in BibTeX
    assert "year = {1923}" in text
    ris = client.get(f"/records/{library.manuscript}/cite.ris").get_data(as_text=True)
    assert ris.startswith("TY  - MANSCPT\r\n") and ris.rstrip().endswith("ER  -")
    assert "AU  - Anonim" in ris and "PY  - 1923" in ris
    csl = client.get(f"/records/{library.manuscript}/cite.csl").get_json(force=True)
    assert csl[0]["type"] == "manuscript"
    assert csl[0]["issued"] == {"date-parts": [[1923]]}
    assert client.get(f"/records/{library.manuscript}/cite.docx").status_code == 400


def test_bibtex_escapes_special_characters(client, library):
    text = client.get(f"/records/{library.hostile}/cite.bibtex").get_data(as_text=True)
    assert "\\& co" in text


def test_page_files_are_revalidated_with_etag(client, library):
    response = client.get(f"/files/{library.display_sha}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, no-cache"  # access may change
    assert response.headers["ETag"] == f'"{library.display_sha}"'
    again = client.get(
        f"/files/{library.display_sha}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    assert client.get("/files/" + "0" * 64).status_code == 404
    assert client.get("/files/not-a-checksum").status_code == 404


def test_record_page_viewer_has_pages_strip_and_text(client, library):
    doc = html.fromstring(client.get(f"/records/{library.manuscript}?page=2").data)
    viewer = doc.find_class("viewer")[0]
    pages = json.loads(viewer.get("data-pages"))
    assert [p["n"] for p in pages] == [1, 2]
    assert pages[0]["width"] == 800 and pages[0]["image"].endswith(library.display_sha)
    assert viewer.get("data-page") == "2"
    strip = doc.find_class("page-strip")[0]
    current = strip.xpath(".//a[@aria-current='page']")
    assert [a.get("data-page") for a in current] == ["2"]
    assert "Text of page 2" in doc.find_class("page-text")[0].text_content()
    scripts = [s.get("src") for s in doc.iter("script") if s.get("src")]
    assert "/static/vendor/openseadragon/openseadragon.min.js" in scripts


def test_api_record_and_page_words(client, library):
    data = client.get(f"/api/records/{library.manuscript}").get_json()
    assert data["title"] == "Hikajat Radja-Radja Sambas"
    assert data["partner"]["country"] == "MY"
    assert [p["number"] for p in data["pages"]] == [1, 2]
    page = client.get(f"/api/records/{library.manuscript}/pages/1").get_json()
    assert page["text"].startswith("Hikajat")
    assert page["words"][1] == {
        "text": "radja",
        "x": 240,
        "y": 60,
        "w": 120,
        "h": 40,
        "confidence": 88.0,
        "line": 1,
    }
    assert client.get(f"/api/records/{library.manuscript}/pages/3").status_code == 404


def test_openapi_document_lists_every_api_path(client, app):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = set(doc["paths"])
    rules = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json"
    }
    assert rules == documented


def test_security_headers_and_no_inline_script(client, library):
    response = client.get(f"/records/{library.manuscript}")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    doc = html.fromstring(response.data)
    for script in doc.iter("script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
    assert not doc.xpath("//*[@style]")
    assert [(s.text or "") for s in doc.xpath("//style")] == [""]  # only the empty OSD marker
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")


def test_static_files_are_cached(client):
    response = client.get("/static/css/warisan.css")
    assert response.status_code == 200
    assert response.cache_control.max_age == 86400 and response.cache_control.public


def test_record_page_survives_a_search_failure(tmp_path):
    """Search on an Elasticsearch that is not there: record pages still work."""
    from portal import create_app
    from portal.services import get_services
    from tests.portal.public.conftest import build_library
    from tests.support.servers import free_port

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test",
            "SEARCH_URL": f"http://127.0.0.1:{free_port()}",
        }
    )
    with app.app_context():
        get_services().catalog.upgrade()
    library = build_library(app)
    client = app.test_client()
    try:
        page = client.get(f"/records/{library.manuscript}?q=radja")
        assert page.status_code == 200
        assert "Search inside is not available" in page.get_data(as_text=True)
        assert client.get("/search?q=radja").status_code == 503
    finally:
        app.extensions["warisan"].close()


def test_api_answers_match_the_openapi_schemas(client, library):
    from jsonschema import Draft202012Validator

    doc = client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]

    def check(name, data):
        schema = {**schemas[name], "components": doc["components"]}
        errors = list(Draft202012Validator(schema).iter_errors(data))
        assert errors == [], (name, [e.message for e in errors])

    assert list(Draft202012Validator(schemas["Record"]).iter_errors({"id": "1"}))  # it checks
    check("Record", client.get(f"/api/records/{library.manuscript}").get_json())
    check("Record", client.get(f"/api/records/{library.hostile}").get_json())
    check("Page", client.get(f"/api/records/{library.manuscript}/pages/1").get_json())
    for path, op in (("/api/records/{record_id}", "getRecord"), ("/api/search", "search")):
        ref = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ref["schema"]["$ref"].startswith("#/components/schemas/"), op
