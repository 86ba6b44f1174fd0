"""The search page and /api/search over the real search service (tantivy)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from lxml import html


def facet_links(doc, field):
    return {a.get("data-value"): a for a in doc.xpath(f"//section[@data-facet='{field}']//a")}


def result_titles(doc):
    return [a.text_content().strip() for a in doc.xpath("//ol[@class='record-list']//h3/a")]


def test_search_page_lists_hits_with_marked_snippets_and_thumbnails(client, indexed):
    doc = html.fromstring(client.get("/search?q=sambas").data)
    assert result_titles(doc) == ["Hikajat Radja-Radja Sambas"]
    marks = doc.xpath("//p[@class='snippet']/mark")
    assert marks and all(m.text.lower() in ("sambas",) for m in marks)
    thumb = doc.xpath("//li[@class='record-card']/img")[0]
    assert thumb.get("loading") == "lazy" and indexed.thumb_sha in thumb.get("src")
    link = doc.xpath("//ol[@class='record-list']//h3/a")[0].get("href")
    assert parse_qs(urlsplit(link).query) == {"q": ["sambas"]}


def test_facets_combine_and_filters_are_removable(client, indexed):
    doc = html.fromstring(client.get("/search").data)
    assert len(result_titles(doc)) == 3
    countries = facet_links(doc, "country")
    assert set(countries) == {"MY", "ID"}
    assert countries["MY"].text_content() == "Malaysia"
    narrowed = html.fromstring(client.get("/search" + countries["MY"].get("href")).data)
    assert sorted(result_titles(narrowed)) == sorted(
        ["Hikajat Radja-Radja Sambas", 'Surat <script>alert("x")</script> & co']
    )
    decade = facet_links(narrowed, "decade")["1920"]
    both = html.fromstring(client.get("/search" + decade.get("href")).data)
    assert result_titles(both) == ["Hikajat Radja-Radja Sambas"]
    query = parse_qs(urlsplit(decade.get("href")).query)
    assert query == {"country": ["MY"], "decade": ["1920"]}
    removers = both.xpath("//ul[@class='active-filters']//a[@class='remove-filter']")
    assert len(removers) == 2
    back = html.fromstring(client.get("/search" + removers[1].get("href")).data)
    assert len(result_titles(back)) == 2


def test_sort_and_pagination_keep_the_state_in_the_url(app, client, indexed):
    app.config["PORTAL_PAGE_SIZE"] = 1
    doc = html.fromstring(
        client.get("/search?sort=date_asc&type=map&type=text&type=manuscript").data
    )
    assert result_titles(doc) == ["Peta Pontianak"]
    nxt = doc.xpath("//a[@rel='next']")[0].get("href")
    assert parse_qs(urlsplit(nxt).query) == {
        "type": ["map", "text", "manuscript"],
        "sort": ["date_asc"],
        "page": ["2"],
    }
    second = html.fromstring(client.get("/search" + nxt).data)
    assert result_titles(second) == ["Hikajat Radja-Radja Sambas"]


def test_zero_results_page_helps(client, indexed):
    doc = html.fromstring(client.get("/search?q=qwxzvy&country=ID").data)
    zero = doc.find_class("zero-results")[0]
    assert zero.xpath(".//a[contains(@href, 'q=qwxzvy')]")
    assert "Old spellings" in zero.text_content()


def test_bad_search_arguments_are_clear_errors(client, indexed):
    assert client.get("/search?page=abc").status_code == 400
    assert client.get("/search?sort=sideways").status_code == 400
    error = client.get("/api/search?page_size=1000")
    assert error.status_code == 400 and error.get_json()["error"] == "InvalidInput"


def test_search_arguments_are_checked_once_by_the_service_naming_the_argument(client, indexed):
    for args, argument in [
        ("sort=sideways", "sort"),
        ("page=0", "page"),
        ("page=501", "page"),  # past SEARCH_MAX_RESULTS at 20 a page
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page=abc", "page"),
    ]:
        error = client.get(f"/api/search?{args}")
        assert error.status_code == 400, args
        assert error.get_json()["argument"] == argument, args
    assert client.get("/search?page=501").status_code == 400
    assert client.get("/search?page_size=21").status_code == 400  # above PORTAL_PAGE_SIZE
    assert client.get("/api/search?page_size=21").status_code == 200


def test_hostile_title_in_results_is_text(client, indexed):
    body = client.get("/search?q=surat").get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_api_search_returns_hits_and_facets(client, indexed):
    data = client.get("/api/search?q=hikajat&country=MY").get_json()
    assert data["total"] == 1
    assert data["hits"][0]["id"] == indexed.manuscript
    assert data["query"]["filters"] == {"country": ["MY"]}
    assert {v["value"] for v in data["facets"]["country"]} == {"MY"}


def test_search_inside_boxes_the_word_on_the_page(client, indexed):
    doc = html.fromstring(client.get(f"/records/{indexed.manuscript}?q=radja").data)
    import json

    hits = json.loads(doc.find_class("viewer")[0].get("data-hits"))
    assert hits == [{"n": 1, "boxes": [[240, 60, 120, 40]]}]
    listed = doc.xpath("//ol[@class='hit-list']/li")
    assert len(listed) == 1 and listed[0].find(".//mark").text == "radja"
    api = client.get(f"/api/records/{indexed.manuscript}/search?q=sambas").get_json()
    assert api["hits"][0]["number"] == 1
    assert api["hits"][0]["boxes"] == [{"x": 40, "y": 140, "w": 170, "h": 40, "text": "Sambas"}]
    assert client.get(f"/api/records/{indexed.manuscript}/search").status_code == 400


def test_did_you_mean_links_to_the_corrected_search(client, indexed):
    doc = html.fromstring(client.get("/search?q=pontianek&country=ID").data)
    link = doc.xpath("//p[@class='suggestion']/a")[0]
    assert link.text == "pontianak"
    assert parse_qs(urlsplit(link.get("href")).query) == {"q": ["pontianak"], "country": ["ID"]}


def test_record_page_opens_on_the_first_page_with_a_hit(client, indexed):
    import json

    doc = html.fromstring(client.get(f"/records/{indexed.manuscript}?q=sambas").data)
    assert doc.find_class("viewer")[0].get("data-page") == "1"
    second = html.fromstring(client.get(f"/records/{indexed.manuscript}?q=kapuas").data)
    assert second.find_class("viewer")[0].get("data-page") == "2"
    no_pages = html.fromstring(client.get(f"/records/{indexed.plain}?q=peta").data)
    assert not no_pages.find_class("viewer")  # no pages: no viewer, no error
    chosen = html.fromstring(client.get(f"/records/{indexed.manuscript}?q=hikajat&page=2").data)
    viewer = chosen.find_class("viewer")[0]
    assert viewer.get("data-page") == "2"
    assert {h["n"] for h in json.loads(viewer.get("data-hits"))} == {1, 2}


def test_search_and_inside_answers_match_the_openapi_schemas(client, indexed):
    from jsonschema import Draft202012Validator

    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    for name, path in (
        ("SearchResult", "/api/search?q=sambas&country=MY"),
        ("InsideResult", f"/api/records/{indexed.manuscript}/search?q=sambas"),
    ):
        data = client.get(path).get_json()
        assert list(Draft202012Validator(schemas[name]).iter_errors(data)) == [], name
