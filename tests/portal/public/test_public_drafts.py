"""Drafts are invisible to the public everywhere: draft records, and the draft objects
(scans waiting for review) of a public record.

A draft object's files, tiles, IIIF manifest and text answer as if they did not exist
(404, no page, no hit), while the published objects of the same record still show; a
draft record is in no listing, count, search or page.
"""

from __future__ import annotations

import io
import json

import pytest
from lxml import html
from PIL import Image
from sqlalchemy import update

from catalog.base import utcnow
from catalog.models import DigitalObject, File, Page, Record
from catalog.records import RecordData
from portal.services import get_services

DRAFT_WORD = "Pelabuhanratu"
"""A word only on the draft object's page."""


def _stored(session, files, data: bytes, media_type: str) -> str:
    stored = files.put_bytes(data)
    if session.get(File, stored.sha256) is None:
        session.add(
            File(sha256=stored.sha256, media_type=media_type, size=stored.size, path=stored.relpath)
        )
    return stored.sha256


def _image(colour: str, size=(640, 480), kind="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def add_object(app, record_id: int, *, draft: bool, colour: str, text: str) -> dict:
    """Give a record one more object with one page (its own master, display and thumb)."""
    with app.app_context():
        services = get_services()
        with services.catalog.session() as s:
            master = _stored(s, services.files, _image(colour), "image/png")
            display = _stored(s, services.files, _image(colour, (320, 240), "JPEG"), "image/jpeg")
            thumb = _stored(s, services.files, _image(colour, (80, 60), "JPEG"), "image/jpeg")
            obj = DigitalObject(record_id=record_id, label=colour, status="ingested", draft=draft)
            s.add(obj)
            s.flush()
            page = Page(
                object_id=obj.id,
                order=1,
                image_sha256=master,
                display_sha256=display,
                thumb_sha256=thumb,
                width=640,
                height=480,
                text=text,
                words=[[text.split()[0], 10, 10, 200, 40, 90.0, 1]],
                ocr_status="done",
                mean_confidence=90.0,
            )
            s.add(page)
            s.execute(update(Record).where(Record.id == record_id).values(index_due=utcnow()))
            s.flush()
            return {
                "object": obj.id,
                "page": page.id,
                "master": master,
                "display": display,
                "thumb": thumb,
            }


def _reindex(app) -> None:
    with app.app_context():
        get_services().search.reindex()


@pytest.fixture
def with_draft_object(app, library):
    """The library's manuscript (two published pages) with a draft object added."""
    draft = add_object(
        app, library.manuscript, draft=True, colour="navy", text=f"{DRAFT_WORD} lama"
    )
    _reindex(app)
    return library, draft


def test_a_draft_objects_content_answers_404_everywhere(client, with_draft_object):
    lib, draft = with_draft_object
    for name, url in {
        "master": f"/files/{draft['master']}",
        "display": f"/files/{draft['display']}",
        "thumb": f"/files/{draft['thumb']}",
        "tile": f"/tiles/{draft['master']}/0/0_0.jpg",
        "manifest": f"/iiif/objects/{draft['object']}/manifest.json",
        "iiif_search": f"/iiif/objects/{draft['object']}/search?q={DRAFT_WORD}",
    }.items():
        assert client.get(url).status_code == 404, name
    # the record's published object still shows
    for url in (
        f"/files/{lib.master_sha}",
        f"/files/{lib.display_sha}",
        f"/tiles/{lib.master_sha}/0/0_0.jpg",
        f"/iiif/objects/{lib.object_id}/manifest.json",
    ):
        assert client.get(url).status_code == 200, url


def test_the_record_page_and_api_show_only_published_pages(client, with_draft_object):
    lib, draft = with_draft_object
    record = client.get(f"/api/records/{lib.manuscript}").get_json()
    assert [p["number"] for p in record["pages"]] == [1, 2]
    assert {p["object_id"] for p in record["pages"]} == {lib.object_id}
    assert client.get(f"/api/records/{lib.manuscript}/pages/2").status_code == 200
    assert client.get(f"/api/records/{lib.manuscript}/pages/3").status_code == 404
    page = client.get(f"/records/{lib.manuscript}?page=3")
    assert page.status_code == 200
    assert draft["display"] not in page.text and draft["thumb"] not in page.text
    assert lib.display_sha in client.get(f"/records/{lib.manuscript}?page=1").text


def test_a_draft_objects_text_is_not_searchable(client, with_draft_object):
    lib, _draft = with_draft_object
    found = client.get(f"/api/search?q={DRAFT_WORD}").get_json()
    assert found["total"] == 0
    inside = client.get(f"/api/records/{lib.manuscript}/search?q={DRAFT_WORD}").get_json()
    assert inside["hits"] == []
    # the published text still is
    assert client.get("/api/search?q=Kapuas").get_json()["total"] == 1
    inside = client.get(f"/api/records/{lib.manuscript}/search?q=Kapuas").get_json()
    assert [hit["number"] for hit in inside["hits"]] == [2]


def test_publishing_the_object_shows_it(app, client, with_draft_object):
    lib, draft = with_draft_object
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(update(DigitalObject).values(draft=False))
        s.execute(update(Record).values(index_due=utcnow()))
    _reindex(app)
    assert client.get(f"/files/{draft['display']}").status_code == 200
    assert client.get(f"/api/search?q={DRAFT_WORD}").get_json()["total"] == 1
    pages = client.get(f"/api/records/{lib.manuscript}").get_json()["pages"]
    assert [p["object_id"] for p in pages][-1] == draft["object"]


def test_a_record_with_only_draft_scans_has_no_thumbnail(app, client, library):
    draft = add_object(app, library.plain, draft=True, colour="olive", text="Peta baru")
    home = client.get("/")
    assert "Peta Pontianak" in home.text and draft["thumb"] not in home.text
    _reindex(app)
    search = client.get("/search?q=Pontianak")
    assert "Peta Pontianak" in search.text and draft["thumb"] not in search.text
    assert client.get(f"/api/records/{library.plain}").get_json()["pages"] == []


def test_the_cover_page_is_the_records_thumbnail(app, client, library):
    second = add_object(app, library.manuscript, draft=False, colour="teal", text="Sampul buku")
    home = client.get("/")
    assert library.thumb_sha in home.text and second["thumb"] not in home.text
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(update(Record).values(cover_page_id=second["page"]))
    home = client.get("/")
    assert second["thumb"] in home.text and library.thumb_sha not in home.text
    doc = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert second["thumb"] in json.dumps(data)
    # a cover on a draft object is not shown
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(
            update(DigitalObject).where(DigitalObject.id == second["object"]).values(draft=True)
        )
    home = client.get("/")
    assert library.thumb_sha in home.text and second["thumb"] not in home.text


@pytest.fixture
def draft_record(app, library):
    """A draft record of rajang (an upload under review) with one page, indexed."""
    with app.app_context():
        catalog = get_services().catalog
        record_id = catalog.upsert_records(
            "rajang",
            [
                RecordData(
                    oai_identifier="upload:rajang:draft-1",
                    title="Kitab Draf Tersembunyi",
                    type="manuscript",
                    subjects=("Rahasia",),
                    year_from=1931,
                    year_to=1931,
                )
            ],
        )[0].record_id
        with catalog.session() as s:
            s.execute(
                update(Record)
                .where(Record.id == record_id)
                .values(draft=True, origin="uploaded", index_due=utcnow())
            )
    page = add_object(app, record_id, draft=False, colour="maroon", text=f"{DRAFT_WORD} draf")
    _reindex(app)
    return record_id, page


def test_a_draft_record_is_in_no_public_listing(app, client, draft_record):
    record_id, page = draft_record
    title = "Kitab Draf Tersembunyi"
    home = client.get("/")
    assert title not in home.text and page["thumb"] not in home.text
    doc = html.fromstring(home.data)
    rows = doc.xpath("//section[@aria-labelledby='h-partners']//li")
    rajang = next(r for r in rows if "Rajang" in r.text_content())
    assert "2 records" in rajang.text_content()  # the two live ones, not the draft
    assert "Rahasia" not in client.get("/browse/").text
    partner = client.get("/browse/partners/rajang").text
    assert "Kitab Draf" not in partner
    for url in ("/search?q=Kitab", f"/search?q={DRAFT_WORD}", "/search?partner=rajang"):
        found = client.get(url).text
        assert title not in found and f"/records/{record_id}" not in found, url
    assert client.get(f"/api/search?q={DRAFT_WORD}").get_json()["total"] == 0
    with app.app_context():
        assert get_services().catalog.record_counts()["rajang"] == 2


def test_a_draft_record_and_its_content_answer_404(client, draft_record):
    record_id, page = draft_record
    for url in (
        f"/records/{record_id}",
        f"/api/records/{record_id}",
        f"/api/records/{record_id}/pages/1",
        f"/records/{record_id}/cite.ris",
        f"/files/{page['display']}",
        f"/files/{page['master']}",
        f"/tiles/{page['master']}/0/0_0.jpg",
        f"/iiif/objects/{page['object']}/manifest.json",
    ):
        assert client.get(url).status_code == 404, url
    oai = client.get(
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:warisan.example:{record_id}"
    ).text
    assert "Kitab Draf" not in oai
    listing = client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").text
    assert f":{record_id}<" not in listing
