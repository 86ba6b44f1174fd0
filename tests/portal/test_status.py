"""``/status``: harvest runs and OCR progress as people and scripts see them."""

from __future__ import annotations

from lxml import html

from catalog.models import DigitalObject, File, Page
from catalog.records import RecordData
from portal.services import get_services


def test_status_of_the_demo_instance(demo_app):
    client = demo_app.test_client()
    data = client.get("/status?format=json").get_json()
    assert {run["partner"] for run in data["runs"]} == {"khatulistiwa", "rajang", "kampong-ayer"}
    assert all(run["status"] == "completed" for run in data["runs"])
    assert data["pages"]["done"] >= 18 and data["pages"]["failed"] == 0
    assert data["busy"] is False
    page = html.fromstring(client.get("/status").data)
    assert page.get_element_by_id("pages-done").text_content().strip() == str(data["pages"]["done"])
    assert len(page.xpath("//table[@class='runs']/tbody/tr")) == len(data["runs"])
    assert not page.xpath("//meta[@http-equiv='refresh']")


def test_failures_and_waiting_pages_are_shown_escaped(app, client):
    with app.app_context():
        catalog = get_services().catalog
        catalog.add_partner("arkib", name="Arkib", country="BN")
        rid = catalog.upsert_record(
            "arkib", RecordData(oai_identifier="x:1", title="Peta")
        ).record_id
        with catalog.session() as s:
            s.add(File(sha256="b" * 64, media_type="image/png", size=1, path="bb/bb/" + "b" * 64))
            s.flush()
            obj = DigitalObject(record_id=rid, file_sha256="b" * 64, status="ingested")
            s.add(obj)
            s.flush()
            s.add(
                Page(
                    object_id=obj.id,
                    order=1,
                    image_sha256="b" * 64,
                    ocr_status="failed",
                    ocr_error="<b>image is truncated</b>",
                )
            )
            s.add(Page(object_id=obj.id, order=2, image_sha256="b" * 64, ocr_status="pending"))
    body = client.get("/status").get_data(as_text=True)
    assert "&lt;b&gt;image is truncated&lt;/b&gt;" in body
    assert 'http-equiv="refresh"' in body
    data = client.get("/status?format=json").get_json()
    assert data["pages"] == {"pending": 1, "running": 0, "done": 0, "failed": 1}
    assert data["busy"] is True


def test_status_page_in_malay(client):
    body = client.get("/status?lang=ms").get_data(as_text=True)
    assert "Status kerja" in body
