"""Access levels and embargoes enforced on every route that serves content.

A record's metadata stays public; its content (files, tiles, IIIF manifest and content
search, API page text and search inside, the viewer, OCR text in search) is served only
when its effective access is open (catalog.access). Refusals are 403 with a reason.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from lxml import html
from sqlalchemy import update

from catalog.base import utcnow
from catalog.models import DigitalObject, File, Page, Record
from portal.services import get_services
from search.indexing import drain

FUTURE = utcnow() + dt.timedelta(days=400)
CLOSED = {
    "metadata": {"access": "metadata"},
    "onsite": {"access": "onsite"},
    "embargo": {"embargo_until": FUTURE},
}


def _set_record(app, record_id: int, **values) -> None:
    """Set a record's access columns (as the workspace controls do), due for indexing."""
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(update(Record).where(Record.id == record_id).values(index_due=utcnow(), **values))


def _set_object(app, object_id: int, level: str | None) -> None:
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(update(DigitalObject).where(DigitalObject.id == object_id).values(access=level))


def _content_routes(lib) -> dict[str, str]:
    rid, oid = lib.manuscript, lib.object_id
    return {
        "display": f"/files/{lib.display_sha}",
        "master": f"/files/{lib.master_sha}",
        "thumb": f"/files/{lib.thumb_sha}",
        "tile": f"/tiles/{lib.master_sha}/0/0_0.jpg",
        "manifest": f"/iiif/objects/{oid}/manifest.json",
        "iiif_search": f"/iiif/objects/{oid}/search?q=Sambas",
        "api_page": f"/api/records/{rid}/pages/1",
        "api_inside": f"/api/records/{rid}/search?q=Sambas",
    }


def test_open_content_is_served_everywhere(client, indexed):
    for name, url in _content_routes(indexed).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("level", sorted(CLOSED))
def test_closed_content_is_refused_with_403_on_every_route(app, client, indexed, level):
    _set_record(app, indexed.manuscript, **CLOSED[level])
    for name, url in _content_routes(indexed).items():
        response = client.get(url)
        assert response.status_code == 403, (name, response.status_code)
        if url.startswith(("/api/", "/iiif/")):
            body = response.get_json()
            assert body["error"] == "ContentRestricted" and body["access"] == level, name
            assert body["partner"] == "Pustaka Warisan Rajang"
    # a refused file as a page says why, in words
    page = client.get(f"/files/{indexed.display_sha}").text
    expected = {
        "metadata": "Metadata only",
        "onsite": "only on site at Pustaka Warisan Rajang",
        "embargo": "Under embargo",
    }[level]
    assert expected in page
    # the metadata stays public
    record = client.get(f"/api/records/{indexed.manuscript}").get_json()
    assert record["title"] == "Hikajat Radja-Radja Sambas"
    if level == "embargo":
        assert record["access"]["embargo_until"].startswith(str(FUTURE.year))
    else:
        assert record["access"] == {"level": level, "embargo_until": None}
    assert [p["open"] for p in record["pages"]] == [False, False]


@pytest.mark.parametrize("level", sorted(CLOSED))
def test_the_record_page_shows_a_notice_and_no_images(app, client, library, level):
    _set_record(app, library.manuscript, **CLOSED[level])
    response = client.get(f"/records/{library.manuscript}?q=Sambas")
    assert response.status_code == 200
    doc = html.fromstring(response.data)
    assert not doc.find_class("viewer")
    assert library.display_sha not in response.text and library.master_sha not in response.text
    assert "manifest.json" not in response.text
    notice = " ".join(n.text_content() for n in doc.find_class("notice"))
    if level == "embargo":
        assert "Under embargo" in notice and str(FUTURE.year) in notice
    elif level == "onsite":
        assert "only on site at Pustaka Warisan Rajang" in notice
    else:
        assert "Metadata only" in notice
    assert "Hikajat Radja-Radja Sambas" in response.text  # the description stays


def test_the_notice_is_translated(app, client, library):
    _set_record(app, library.manuscript, access="onsite")
    page = client.get(f"/records/{library.manuscript}?lang=id").text
    assert "hanya tersedia di tempat" in page


def test_an_ended_embargo_serves_the_content(app, client, library):
    _set_record(app, library.manuscript, embargo_until=utcnow() - dt.timedelta(days=1))
    assert client.get(f"/files/{library.display_sha}").status_code == 200
    doc = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    assert doc.find_class("viewer") and not doc.find_class("notice")


def test_an_object_level_overrides_its_record_both_ways(app, client, library):
    routes = _content_routes(library)
    del routes["iiif_search"], routes["api_inside"]  # (no search service needed here)
    _set_record(app, library.manuscript, access="metadata")
    _set_object(app, library.object_id, "open")
    for name, url in routes.items():
        assert client.get(url).status_code == 200, name
    pages = client.get(f"/api/records/{library.manuscript}").get_json()["pages"]
    assert [p["open"] for p in pages] == [True, True]
    _set_record(app, library.manuscript, access="open")
    _set_object(app, library.object_id, "onsite")
    for name, url in routes.items():
        assert client.get(url).status_code == 403, name
    # an embargo closes even an object marked open
    _set_object(app, library.object_id, "open")
    _set_record(app, library.manuscript, embargo_until=FUTURE)
    assert client.get(routes["display"]).status_code == 403


def test_a_file_shared_with_an_open_object_is_still_served(app, client, library):
    """The other partner's open record shows the same display image on its own page:
    closing the manuscript refuses the files only it uses, not the shared one."""
    with app.app_context(), get_services().catalog.session() as s:
        obj = DigitalObject(record_id=library.plain, label="Salinan", status="done")
        s.add(obj)
        s.flush()
        s.add(
            Page(
                object_id=obj.id,
                order=1,
                image_sha256=library.display_sha,
                width=400,
                height=300,
                ocr_status="done",
            )
        )
    _set_record(app, library.manuscript, access="metadata")
    assert client.get(f"/files/{library.display_sha}").status_code == 200
    assert client.get(f"/tiles/{library.display_sha}/0/0_0.jpg").status_code == 200
    assert client.get(f"/files/{library.master_sha}").status_code == 403
    assert client.get(f"/files/{library.thumb_sha}").status_code == 403
    assert client.get("/files/" + "0" * 64).status_code == 404  # unknown stays 404


def test_a_file_of_no_page_is_not_served(app, client, library):
    with app.app_context(), get_services().catalog.session() as s:
        orphan = s.get(File, library.thumb_sha)
        s.execute(update(Page).values(thumb_sha256=None))
        assert orphan is not None
    assert client.get(f"/files/{library.thumb_sha}").status_code == 404


def _search(client, q: str) -> dict:
    return client.get("/api/search", query_string={"q": q}).get_json()


def test_search_drops_the_text_of_closed_content_until_it_opens(app, client, indexed):
    """OCR text only: "Kapuas" is on page 2 alone, the title stays findable."""
    found = _search(client, "Kapuas")
    assert [h["id"] for h in found["hits"]] == [indexed.manuscript]
    assert found["hits"][0]["pages"]

    _set_record(app, indexed.manuscript, embargo_until=FUTURE)
    with app.app_context():
        services = get_services()
        assert drain(services.catalog, services.search) >= 1
    assert _search(client, "Kapuas")["hits"] == []
    title_hit = _search(client, "Sambas")["hits"]
    assert [h["id"] for h in title_hit] == [indexed.manuscript]
    assert title_hit[0]["pages"] == []  # no snippets of the closed pages
    page = client.get("/search", query_string={"q": "Sambas"}).text
    assert "Kapuas" not in page and indexed.thumb_sha not in page

    _set_record(app, indexed.manuscript, embargo_until=None)  # the release job's change
    with app.app_context():
        services = get_services()
        assert drain(services.catalog, services.search) >= 1
    assert [h["id"] for h in _search(client, "Kapuas")["hits"]] == [indexed.manuscript]


def test_the_manifest_of_an_open_object_carries_the_rights_uri(client, library):
    manifest = client.get(f"/iiif/objects/{library.object_id}/manifest.json").get_json()
    assert manifest["rights"] == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert manifest["requiredStatement"]["value"] == {"none": ["Pustaka Warisan Rajang"]}
    assert json.dumps(manifest).count('"Canvas"') == 2


def test_a_cached_copy_is_not_revalidated_once_closed(app, client, library):
    """Files and tiles are revalidated on each use: a browser holding a copy asks again
    and gets the 403, not a 304, once the partner closed the content."""
    urls = [f"/files/{library.display_sha}", f"/tiles/{library.master_sha}/0/0_0.jpg"]
    etags = {}
    for url in urls:
        first = client.get(url)
        assert first.headers["Cache-Control"] == "public, no-cache"
        etags[url] = first.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etags[url]}).status_code == 304
    _set_record(app, library.manuscript, access="onsite")
    for url in urls:
        assert client.get(url, headers={"If-None-Match": etags[url]}).status_code == 403
