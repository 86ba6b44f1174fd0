"""The workspace's batch pages (``portal/views/workspace/batches.py``): starting a batch,
its language checked, the batch page listing each file with its state and the reason a
file was refused (as text), the JSON the page refreshes from, and who may do what —
with the real login form and CSRF on."""

from __future__ import annotations

import io

import pytest
from lxml import html
from sqlalchemy import select

from catalog import accounts
from catalog.account_models import AuditEvent
from catalog.upload_models import UploadBatch
from ingest import upload_batches, uploads
from ingest.upload_settings import UploadSettings
from portal.services import get_services
from tests.support.scans import jpeg_bytes
from tests.support.web import csrf_token, log_in, make_user

HOSTILE_NAME = "<img src=x onerror=alert(1)>.tif"


@pytest.fixture
def catalog(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    catalog.add_partner("khatulistiwa", name="Khatulistiwa", country="ID")
    make_user(catalog, "op@example.org", ("operator", "rajang"))
    make_user(catalog, "cur@example.org", ("curator", "rajang"))
    make_user(catalog, "admin.b@example.org", ("partner-admin", "khatulistiwa"))
    return catalog


def _client(app, email):
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _batches(catalog):
    with catalog.session() as s:
        return s.scalars(select(UploadBatch)).all()


def test_an_operator_starts_a_batch_and_lands_on_its_page(app, catalog):
    client = _client(app, "op@example.org")
    page = client.get("/workspace/partners/rajang/")
    assert b"/workspace/partners/rajang/batches" in page.data  # the nav entry
    token = csrf_token(client, "/workspace/partners/rajang/batches")
    data = {"csrf_token": token, "label": "Kotak 7", "language": "Banjar"}
    answer = client.post("/workspace/partners/rajang/batches", data=data)
    (batch,) = _batches(catalog)
    assert answer.status_code == 302 and answer.location == f"/workspace/batches/{batch.id}"
    assert (batch.label, batch.language, batch.partner_id) == ("Kotak 7", "bjn", "rajang")
    page = client.get(answer.location)
    assert page.status_code == 200
    doc = html.fromstring(page.data)
    upload_box = doc.get_element_by_id("batch-upload")
    assert upload_box.get("data-endpoint") == "/workspace/uploads/"
    assert upload_box.get("data-batch") == str(batch.id) and upload_box.get("data-csrf")
    assert not doc.xpath("//script[not(@src)]"), "no inline script (CSP)"
    listing = client.get("/workspace/partners/rajang/batches")
    assert b"Kotak 7" in listing.data
    with catalog.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "batch.create")).one()
    assert event.partner_id == "rajang" and event.actor == "op@example.org"


def test_a_wrong_language_is_refused_with_its_value_and_nothing_is_made(app, catalog):
    client = _client(app, "op@example.org")
    token = csrf_token(client, "/workspace/partners/rajang/batches")
    data = {"csrf_token": token, "label": "Kotak 8", "language": "jaw"}
    answer = client.post("/workspace/partners/rajang/batches", data=data)
    assert answer.status_code == 400
    doc = html.fromstring(answer.data)
    assert "jaw" in doc.get_element_by_id("language-errors").text_content()
    assert doc.get_element_by_id("label").get("value") == "Kotak 8"  # what was typed stays
    assert _batches(catalog) == []


def test_who_may_start_a_batch_and_csrf(app, catalog):
    client = _client(app, "op@example.org")
    assert client.post("/workspace/partners/rajang/batches", data={"label": "x"}).status_code == 400
    for email in ("cur@example.org", "admin.b@example.org"):
        other = _client(app, email)
        token = csrf_token(other, "/workspace/password")
        answer = other.post(
            "/workspace/partners/rajang/batches", data={"csrf_token": token, "label": "x"}
        )
        assert answer.status_code == 403, email
    assert _batches(catalog) == []


def test_the_batch_page_lists_files_with_the_reason_a_file_was_refused(app, catalog):
    op = accounts.principal(catalog, accounts.find_user_by_email(catalog, "op@example.org"))
    batch = upload_batches.create_batch(catalog, op, "rajang", "Kotak 9")
    settings = UploadSettings.from_config(app.config)
    text = b"Minutes of the meeting.\n" * 10
    bad = uploads.create(catalog, settings, op, batch.id, len(text), {"filename": HOSTILE_NAME})
    uploads.append(catalog, settings, op, bad.id, 0, io.BytesIO(text))
    good_bytes = jpeg_bytes()
    good = uploads.create(
        catalog, settings, op, batch.id, len(good_bytes), {"filename": "baik.jpg"}
    )
    uploads.append(catalog, settings, op, good.id, 0, io.BytesIO(good_bytes))

    client = _client(app, "op@example.org")
    page = client.get(f"/workspace/batches/{batch.id}")
    assert b"<img src=x" not in page.data  # a file name is text, never markup
    doc = html.fromstring(page.data)
    rows = {
        r.get("data-upload"): [c.text_content().strip() for c in r.xpath("td")]
        for r in doc.xpath('//table[@id="batch-files"]/tbody/tr')
    }
    assert rows[good.id][0] == "baik.jpg" and rows[good.id][2] == "Received"
    assert rows[good.id][3] == "1" and rows[good.id][4] == ""
    assert rows[bad.id][0] == HOSTILE_NAME and rows[bad.id][2] == "Refused"
    assert "not a supported file" in rows[bad.id][4]

    data = client.get(f"/workspace/batches/{batch.id}/files").get_json()
    by_id = {f["id"]: f for f in data["files"]}
    assert by_id[bad.id]["status"] == "rejected" and "not a supported" in by_id[bad.id]["message"]
    assert by_id[good.id]["pages"] == "1" and data["summary"] == "2 files"

    other = _client(app, "admin.b@example.org")
    assert other.get(f"/workspace/batches/{batch.id}").status_code == 403
    assert other.get(f"/workspace/batches/{batch.id}/files").status_code == 403
    assert client.get("/workspace/batches/999").status_code == 404


def test_the_pages_speak_indonesian_and_malay(app, catalog):
    client = _client(app, "op@example.org")
    for code, words in (("id", "Mulai batch"), ("ms", "Mulakan kelompok")):
        client.get(f"/language/{code}?next=/")
        page = client.get("/workspace/partners/rajang/batches")
        assert words in page.get_data(as_text=True), code
