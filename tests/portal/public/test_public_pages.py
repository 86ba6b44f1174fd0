"""Home, browse, partner pages, the language switch and redirects."""

from __future__ import annotations

from lxml import html


def test_home_has_search_partners_countries_collections_and_new(client, library):
    doc = html.fromstring(client.get("/").data)
    form = doc.find(".//form[@role='search']")
    assert form.get("action") == "/search" and form.find(".//input[@name='q']") is not None
    assert doc.find(".//label[@for='home-q']") is not None
    text = doc.text_content()
    assert "Pustaka Warisan Rajang" in text and "Arsip Khatulistiwa" in text
    assert "Malaysia" in text and "Indonesia" in text
    assert "Manuskrip Melayu" in text  # featured collection by its set name
    new = [a.text_content() for a in doc.xpath("//section[@aria-labelledby='h-new']//h3/a")]
    assert "Peta Pontianak" in new and "Gone" not in new


def test_home_counts_only_live_records(client, library):
    doc = html.fromstring(client.get("/").data)
    rows = doc.xpath("//section[@aria-labelledby='h-partners']//li")
    rajang = next(r for r in rows if "Rajang" in r.text_content())
    assert "2 records" in rajang.text_content()


def test_browse_links_to_filtered_searches(client, library):
    doc = html.fromstring(client.get("/browse/").data)
    hrefs = {a.get("href") for a in doc.iter("a")}
    assert "/search?partner=rajang" in hrefs
    assert "/search?country=MY" in hrefs
    assert "/search?type=manuscript" in hrefs
    assert "/search?decade=1920" in hrefs
    assert "/search?subject=Sejarah" in hrefs


def test_partner_page_shows_collections_and_feed_status(client, library):
    text = html.fromstring(client.get("/browse/partners/rajang").data).text_content()
    assert "Manuskrip Melayu" in text
    assert "http://127.0.0.1/oai" in text
    assert "Not harvested yet" in text
    assert client.get("/browse/partners/nobody").status_code == 404


def test_language_switch_persists_and_accept_language_decides_first(client, library):
    assert 'lang="id"' in client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    response = client.get("/language/ms?next=/browse/")
    assert response.status_code == 302 and response.headers["Location"] == "/browse/"
    page = client.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="ms">' in page.get_data(as_text=True)


def test_language_switch_refuses_open_redirects(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/language/id", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_forms_that_post_need_a_csrf_token(app, library):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert client.post("/language/id").status_code == 400
    oai = client.post("/oai", data={"verb": "Identify"})  # a protocol endpoint: exempt
    assert oai.status_code == 200


def test_partner_page_shows_the_last_harvest(app, client, library):
    from catalog.models import HarvestRun, utcnow

    with app.app_context():
        from portal.services import get_services

        with get_services().catalog.session() as s:
            s.add(HarvestRun(partner_id="rajang", status="completed", finished_at=utcnow()))
    text = html.fromstring(client.get("/browse/partners/rajang").data).text_content()
    assert "completed" in text and "Not harvested yet" not in text


def test_home_counts_are_reused_then_counted_again(app, client, library):
    from catalog.records import RecordData
    from portal.services import get_services

    def rajang_count():
        doc = html.fromstring(client.get("/").data)
        rows = doc.xpath("//section[@aria-labelledby='h-partners']//li")
        return next(r for r in rows if "Rajang" in r.text_content()).text_content()

    assert "2 records" in rajang_count()
    with app.app_context():
        get_services().catalog.upsert_records("rajang", [RecordData("oai:rajang:9", title="New")])
    assert "2 records" in rajang_count()  # within PORTAL_OVERVIEW_TTL
    app.config["PORTAL_OVERVIEW_TTL"] = 0
    assert "3 records" in rajang_count()
