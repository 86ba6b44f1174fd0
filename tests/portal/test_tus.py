"""The tus 1.0 endpoint (``portal/views/workspace/tus.py``) driven by a real tus client,
the ``tuspy`` package, against the portal served on loopback, logged in through the
real login form with CSRF on; and the same endpoint's refusals asked with plain HTTP."""

from __future__ import annotations

import base64
import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests
from lxml import html
from sqlalchemy import select
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from catalog import accounts
from catalog.upload_models import Upload, UploadStatus
from ingest import upload_batches
from portal.services import get_services
from tests.e2e.conftest import serve
from tests.support.scans import hostile_files, tiff_bytes
from tests.support.web import PASSWORD, make_user

ENDPOINT = "/workspace/uploads/"
TUS = {"Tus-Resumable": "1.0.0"}


class Browser:
    """A ``requests`` session logged in through the login form, with a CSRF token."""

    def __init__(self, base: str, email: str | None) -> None:
        self.base, self.http = base, requests.Session()
        if email is not None:
            form = self.token("/workspace/login")
            data = {"csrf_token": form, "email": email, "password": PASSWORD}
            answer = self.http.post(base + "/workspace/login", data=data, allow_redirects=False)
            assert answer.status_code == 302, answer.status_code
        self.csrf = self.token("/workspace/password" if email else "/workspace/login")

    def token(self, path: str) -> str:
        page = self.http.get(self.base + path)
        return html.fromstring(page.content).xpath('//input[@name="csrf_token"]/@value')[0]

    def headers(self, csrf: bool = True) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        extra = {"X-CSRFToken": self.csrf} if csrf else {}
        return {"Cookie": cookie, **TUS, **extra}

    def tus(self) -> tus_client.TusClient:
        return tus_client.TusClient(self.base + ENDPOINT, headers=self.headers())

    def request(self, method: str, path: str, *, csrf: bool = True, **headers):
        return requests.request(
            method, self.base + path, headers={**self.headers(csrf), **headers}, timeout=30
        )

    def create(self, batch_id: int, length: int, name: str = "a.tif", **kw):
        meta = ",".join(f"{k} {_b64(v)}" for k, v in (("filename", name), ("batch_id", batch_id)))
        headers = {"Upload-Length": str(length), "Upload-Metadata": meta}
        return self.request("POST", ENDPOINT, **headers, **kw)


def _b64(value) -> str:
    return base64.b64encode(str(value).encode()).decode()


@pytest.fixture
def live(app):
    """(base URL, catalogue, batch id of rajang, {who: Browser})."""
    app.config.update(
        WTF_CSRF_ENABLED=True,
        SESSION_COOKIE_SECURE=False,
        UPLOAD_MAX_FILE_MB=2,
        UPLOAD_QUOTA_MB=3,
    )
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    catalog.add_partner("khatulistiwa", name="Khatulistiwa", country="ID")
    users = {
        "operator of A": ("op@example.org", ("operator", "rajang")),
        "curator of A": ("cur@example.org", ("curator", "rajang")),
        "partner admin of B": ("admin.b@example.org", ("partner-admin", "khatulistiwa")),
    }
    for email, membership in users.values():
        make_user(catalog, email, membership)
    operator = accounts.find_user_by_email(catalog, "op@example.org")
    batch = upload_batches.create_batch(
        catalog, accounts.principal(catalog, operator), "rajang", "Kotak 1"
    )
    with serve(app) as base:
        browsers = {who: Browser(base, email) for who, (email, _) in users.items()}
        browsers["anonymous"] = Browser(base, None)
        yield base, catalog, batch.id, browsers


def _row(catalog, upload_id: str) -> Upload:
    with catalog.session() as s:
        return s.get(Upload, upload_id)


def _uploader(browser, path, batch_id, **kw):
    meta = {"filename": path.name, "batch_id": str(batch_id)}
    return browser.tus().uploader(str(path), metadata=meta, retries=0, **kw)


def test_a_real_tus_client_uploads_a_scan_in_chunks(live, tmp_path):
    _base, catalog, batch, who = live
    content = tiff_bytes(size=(1000, 800), pages=2)
    path = tmp_path / "surat-1936.tif"
    path.write_bytes(content)
    uploader = _uploader(who["operator of A"], path, batch, chunk_size=256 * 1024)
    uploader.upload()
    upload_id = uploader.url.rsplit("/", 1)[-1]
    row = _row(catalog, upload_id)
    assert (row.status, row.media_type, row.pages) == ("complete", "image/tiff", 2)
    assert (row.filename, row.offset, row.length) == ("surat-1936.tif", len(content), len(content))
    head = who["operator of A"].request("HEAD", f"{ENDPOINT}{upload_id}")
    assert head.headers["Upload-Offset"] == str(len(content))
    assert head.headers["Cache-Control"] == "no-store"


def test_an_interrupted_patch_resumes_from_the_offset_the_server_kept(live, tmp_path):
    base, catalog, batch, who = live
    browser = who["operator of A"]
    content = tiff_bytes(size=(1200, 1000))
    path = tmp_path / "peta.tif"
    path.write_bytes(content)
    uploader = _uploader(browser, path, batch, chunk_size=len(content))
    uploader.set_url(uploader.create_url())
    upload_path = urlsplit(uploader.url).path

    # a PATCH announcing every byte, of which 300,000 arrive before the connection drops
    netloc = urlsplit(base).netloc
    conn = http.client.HTTPConnection(netloc, timeout=10)
    conn.putrequest("PATCH", upload_path)
    patch_headers = {
        **browser.headers(),
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": "0",
        "Content-Length": str(len(content)),
    }
    for key, value in patch_headers.items():
        conn.putheader(key, value)
    conn.endheaders()
    conn.send(content[:300_000])
    conn.sock.close()

    offset = _settled_offset(browser, upload_path)
    assert 0 < offset <= 300_000

    resumed = browser.tus().uploader(str(path), url=uploader.url, retries=0)
    assert resumed.offset == offset  # tuspy asked HEAD for it
    resumed.upload()
    row = _row(catalog, upload_path.rsplit("/", 1)[-1])
    assert row.status == "complete" and row.pages == 1


def _settled_offset(browser, upload_path: str) -> int:
    """The offset once the server has written what it received (the dropped request
    ends in its own thread: asked until two answers agree)."""
    seen = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen.append(int(browser.request("HEAD", upload_path).headers["Upload-Offset"]))
        if len(seen) > 1 and seen[-1] == seen[-2] and seen[-1] > 0:
            locked = browser.request(
                "PATCH",
                upload_path,
                **{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"},
            )
            if locked.status_code == 409 and "another request" not in locked.text:
                return seen[-1]
        time.sleep(0.1)
    raise AssertionError(f"the offset did not settle: {seen}")


def test_a_stopped_upload_continues_with_a_new_client(live, tmp_path):
    _base, catalog, batch, who = live
    content = tiff_bytes(size=(1200, 1000))
    path = tmp_path / "kitab.tif"
    path.write_bytes(content)
    first = _uploader(who["operator of A"], path, batch, chunk_size=100_000)
    first.upload(stop_at=300_000)
    assert first.offset == 300_000
    second = who["operator of A"].tus().uploader(str(path), url=first.url, chunk_size=100_000)
    assert second.offset == 300_000
    second.upload()
    assert _row(catalog, first.url.rsplit("/", 1)[-1]).status == "complete"


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_a_hostile_file_is_refused_with_its_reason(live, tmp_path, name):
    _base, catalog, batch, who = live
    content, words = hostile_files()[name]
    path = tmp_path / name
    path.write_bytes(content)
    uploader = _uploader(who["operator of A"], path, batch, chunk_size=50_000)
    with pytest.raises(TusCommunicationError) as refused:
        uploader.upload()
    assert refused.value.status_code == 422
    assert words in refused.value.response_content.decode()
    with catalog.session() as s:
        row = s.scalars(select(Upload).where(Upload.filename == name)).one()
    assert row.status == UploadStatus.REJECTED and words in row.error


def test_caps_quota_and_termination(live, tmp_path):
    _base, catalog, batch, who = live
    op = who["operator of A"]
    big = op.create(batch, 2 * 1024 * 1024 + 1)
    assert big.status_code == 413 and "largest accepted" in big.json()["message"]
    first = op.create(batch, 2 * 1024 * 1024)
    assert first.status_code == 201
    over = op.create(batch, 1024 * 1024 + 1)
    assert over.status_code == 413 and "quota" in over.json()["message"]
    location = urlsplit(first.headers["Location"]).path
    assert op.request("DELETE", location).status_code == 204
    assert op.request("HEAD", location).status_code == 410
    assert op.create(batch, 1024 * 1024 + 1).status_code == 201  # the quota is free again
    assert _row(catalog, location.rsplit("/", 1)[-1]).status == "terminated"


def test_the_protocol_headers(live):
    base, _catalog, batch, who = live
    options = requests.options(base + ENDPOINT, timeout=10)
    assert options.status_code == 204
    assert options.headers["Tus-Version"] == "1.0.0"
    assert options.headers["Tus-Extension"] == "creation,termination"
    assert options.headers["Tus-Max-Size"] == str(2 * 1024 * 1024)
    op = who["operator of A"]
    wrong = op.create(batch, 10, **{"Tus-Resumable": "0.2.2"})
    assert (wrong.status_code, wrong.headers["Tus-Version"]) == (412, "1.0.0")
    location = urlsplit(op.create(batch, 10).headers["Location"]).path
    text = op.request("PATCH", location, **{"Content-Type": "text/plain", "Upload-Offset": "0"})
    assert text.status_code == 415
    elsewhere = op.request(
        "PATCH",
        location,
        **{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "5"},
    )
    assert elsewhere.status_code == 409 and "offset 0" in elsewhere.json()["message"]
    for answer in (wrong, text, elsewhere, options):
        assert answer.headers["Tus-Resumable"] == "1.0.0"


def test_csrf_is_required_for_every_change(live):
    _base, catalog, batch, who = live
    op = who["operator of A"]
    assert op.create(batch, 10, csrf=False).status_code == 400
    with catalog.session() as s:
        assert s.scalars(select(Upload)).all() == []
    location = urlsplit(op.create(batch, 10).headers["Location"]).path
    patch = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    refused = requests.patch(
        op.base + location, data=b"0123456789", headers={**op.headers(csrf=False), **patch}
    )
    assert refused.status_code == 400 and refused.headers["Tus-Resumable"] == "1.0.0"
    assert op.request("DELETE", location, csrf=False).status_code == 400
    row = _row(catalog, location.rsplit("/", 1)[-1])
    assert (row.status, row.offset) == ("receiving", 0)


def test_who_may_upload_where(live):
    _base, catalog, batch, who = live
    anonymous = who["anonymous"].create(batch, 10)
    assert anonymous.status_code == 401
    assert who["curator of A"].create(batch, 10).status_code == 403
    assert who["partner admin of B"].create(batch, 10).status_code == 403
    assert who["operator of A"].create(999, 10).status_code == 404

    location = urlsplit(who["operator of A"].create(batch, 10).headers["Location"]).path
    other = who["partner admin of B"]
    patch = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    assert other.request("HEAD", location).status_code == 404
    sent = requests.patch(
        other.base + location, data=b"0123456789", headers={**other.headers(), **patch}
    )
    assert sent.status_code == 404
    assert other.request("DELETE", location).status_code == 404
    row = _row(catalog, location.rsplit("/", 1)[-1])
    assert (row.status, row.offset) == ("receiving", 0)


def test_starting_uploads_is_throttled_per_user(app, live):
    _base, _catalog, batch, who = live
    app.config["UPLOAD_LIMIT_PER_USER"] = "3 per minute"
    op = who["operator of A"]
    codes = [op.create(batch, 1).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    assert who["partner admin of B"].create(batch, 1).status_code == 403  # not throttled
