"""The review screen through the real app: a draft's pages in order and worst first,
the page operations and Publish/Unpublish end to end (the public page shows the new
order; search finds the published text), and every refusal: another partner's admin,
an operator unpublishing, a public page, a missing CSRF token, a hostile title."""

from __future__ import annotations

import io

import pytest
from lxml import html
from PIL import Image
from sqlalchemy import select, update

from catalog.account_models import AuditEvent
from catalog.models import DigitalObject, Page, Record
from portal.services import get_services
from portal.tasks import get_jobs
from search import indexing
from tests.portal.public.conftest import build_library
from tests.support.drafts import make_draft
from tests.support.web import csrf_token, log_in, make_user

HOSTILE = '<script>alert("x")</script> Hikayat & co'


@pytest.fixture
def setup(app, tmp_path):
    """The public library, a draft of rajang with three pages (two objects: a TIFF of
    two pages and a PNG) and users of both partners, CSRF on."""
    library = build_library(app)
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        services = get_services()
        catalog = services.catalog
        draft = make_draft(
            catalog,
            services.files,
            "rajang",
            [["Satu", "Dua"], ["Tiga"]],
            title=HOSTILE,
            tmp=tmp_path,
        )
        for email, role, partner in (
            ("op@rajang.example", "operator", "rajang"),
            ("curator@rajang.example", "curator", "rajang"),
            ("admin@khatulistiwa.example", "partner-admin", "khatulistiwa"),
        ):
            make_user(catalog, email, (role, partner))
        services.search.reindex()
    return library, draft


def _client(app, email):
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


@pytest.fixture
def operator(app, setup):
    return _client(app, "op@rajang.example")


@pytest.fixture
def curator(app, setup):
    return _client(app, "curator@rajang.example")


@pytest.fixture
def admin_b(app, setup):
    return _client(app, "admin@khatulistiwa.example")


def _screen(record_id):
    return f"/workspace/records/{record_id}/review"


def _post(client, record_id, path, data=None, **kw):
    token = csrf_token(client, "/workspace/")
    return client.post(path, data={"csrf_token": token, **(data or {})}, **kw)


def _order(app, record_id) -> list[int]:
    with app.app_context(), get_services().catalog.session() as s:
        return list(
            s.scalars(
                select(Page.id)
                .join(DigitalObject, Page.object_id == DigitalObject.id)
                .where(DigitalObject.record_id == record_id)
                .order_by(DigitalObject.id, Page.order)
            )
        )


def _shown(client, record_id, **args) -> list[int]:
    doc = html.fromstring(client.get(_screen(record_id), query_string=args).data)
    return [int(li.get("data-page-id")) for li in doc.xpath("//li[@data-page-id]")]


def _actions(app):
    with app.app_context(), get_services().catalog.session() as s:
        return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_screen_shows_the_pages_worst_first_on_request(app, operator, setup):
    _library, draft = setup
    p = draft.page_ids
    with app.app_context(), get_services().catalog.session() as s:
        for page_id, value in zip(p, (88.4, 41.0, None), strict=True):
            s.execute(update(Page).where(Page.id == page_id).values(mean_confidence=value))
    page = operator.get(_screen(draft.record_id))
    assert page.status_code == 200
    doc = html.fromstring(page.data)
    assert _shown(operator, draft.record_id) == p
    assert _shown(operator, draft.record_id, sort="worst") == [p[1], p[0], p[2]]
    text = doc.text_content()
    assert "OCR confidence: 88%" in text and "OCR confidence: 41%" in text
    assert "Not read yet" in text
    assert HOSTILE in text and "<script>alert" not in page.text  # the title as text
    assert doc.xpath("//form[contains(@action, '/publish')]")  # an operator may publish
    assert not doc.xpath("//form[contains(@action, '/unpublish')]")
    # the thumbnails come from the workspace, not from the (404) public file route
    thumb = doc.xpath("//li[@data-page-id]//img/@src")[0]
    assert thumb.startswith("/workspace/pages/") and operator.get(thumb).status_code == 200


def test_moving_and_reordering_pages(app, operator, setup):
    _library, draft = setup
    p, rid = draft.page_ids, draft.record_id
    moved = _post(operator, rid, f"{_screen(rid)}/pages/{p[2]}/move", {"direction": "up"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(_screen(rid))
    assert _order(app, rid) == [p[0], p[2], p[1]]
    assert "The page was moved." in operator.get(_screen(rid)).text
    dropped = _post(operator, rid, f"{_screen(rid)}/order", {"page": [p[1], p[0], p[2]]})
    assert dropped.status_code == 303
    assert _order(app, rid) == [p[1], p[0], p[2]]
    bad = _post(operator, rid, f"{_screen(rid)}/order", {"page": [p[1], p[0]]})
    assert bad.status_code == 400 and "each page in review once" in bad.text
    assert _actions(app).count("page.reorder") == 2


def test_rotating_deleting_replacing_and_the_cover(app, operator, setup, tmp_path):
    _library, draft = setup
    p, rid = draft.page_ids, draft.record_id
    with app.app_context(), get_services().catalog.session() as s:
        before = s.get(Page, p[0])
    turned = _post(operator, rid, f"{_screen(rid)}/pages/{p[0]}/rotate", {"degrees": "90"})
    assert turned.status_code == 303
    with app.app_context():
        with get_services().catalog.session() as s:
            after = s.get(Page, p[0])
        assert ("ocr_page", p[0]) in get_jobs().queued()  # read again
    assert after.image_sha256 != before.image_sha256
    assert (after.width, after.height) == (before.height, before.width)
    assert (
        _post(operator, rid, f"{_screen(rid)}/pages/{p[0]}/rotate", {"degrees": "45"}).status_code
        == 400
    )

    assert _post(operator, rid, f"{_screen(rid)}/pages/{p[1]}/cover").status_code == 303
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Record, rid).cover_page_id == p[1]
    assert "Cover" in operator.get(_screen(rid)).text

    out = io.BytesIO()
    Image.new("RGB", (300, 420), "teal").save(out, "PNG")
    replaced = _post(
        operator,
        rid,
        f"{_screen(rid)}/pages/{p[2]}/replace",
        {"image": (io.BytesIO(out.getvalue()), "baru.png")},
        content_type="multipart/form-data",
    )
    assert replaced.status_code == 303
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Page, p[2]).width == 300
    hostile = _post(
        operator,
        rid,
        f"{_screen(rid)}/pages/{p[2]}/replace",
        {"image": (io.BytesIO(b"MZ\x90\x00 not an image"), "virus.png")},
        content_type="multipart/form-data",
    )
    assert hostile.status_code == 422 and "not a supported file" in hostile.text

    assert _post(operator, rid, f"{_screen(rid)}/pages/{p[1]}/delete").status_code == 303
    assert _order(app, rid) == [p[0], p[2]]
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Record, rid).cover_page_id is None
    assert {"page.rotate", "record.cover", "page.replace", "page.delete"} <= set(_actions(app))


def test_publishing_shows_the_pages_in_the_new_order(app, client, operator, setup):
    _library, draft = setup
    p, rid = draft.page_ids, draft.record_id
    assert client.get(f"/records/{rid}").status_code == 404
    _post(operator, rid, f"{_screen(rid)}/order", {"page": [p[2], p[0], p[1]]})
    published = _post(operator, rid, f"/workspace/records/{rid}/publish")
    assert published.status_code == 303
    with app.app_context():
        services = get_services()
        assert ("index_due", None) in get_jobs().queued()
        indexing.drain(services.catalog, services.search)
    record = client.get(f"/api/records/{rid}").get_json()
    assert record["title"] == HOSTILE
    with app.app_context(), get_services().catalog.session() as s:
        by_page = {pid: s.get(Page, pid).object_id for pid in p}
    assert [page["object_id"] for page in record["pages"]] == [
        by_page[i] for i in (p[2], p[0], p[1])
    ]
    assert client.get("/api/search?q=Hikayat").get_json()["total"] >= 1
    # once public, its pages are no longer in review
    refused = _post(operator, rid, f"{_screen(rid)}/pages/{p[0]}/delete")
    assert refused.status_code == 409 and "review is for drafts" in refused.text
    assert len(_order(app, rid)) == 3


def test_only_a_curator_unpublishes_and_gives_a_reason(app, operator, curator, setup):
    library, _draft = setup
    rid = library.manuscript
    path = f"/workspace/records/{rid}/unpublish"
    assert _post(operator, rid, path, {"reason": "Salah"}).status_code == 403
    assert not html.fromstring(operator.get(_screen(rid)).data).xpath(
        "//form[contains(@action, '/unpublish')]"
    )
    assert _post(curator, rid, path, {"reason": "  "}).status_code == 400
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Record, rid).draft is False
    done = _post(curator, rid, path, {"reason": "Hak cipta belum jelas"})
    assert done.status_code == 303
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Record, rid).draft is True
    visitor = app.test_client()
    assert visitor.get(f"/records/{rid}").status_code == 404
    oai = visitor.get(
        "/oai",
        query_string={
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:warisan.example:{rid}",
        },
    ).text
    assert 'status="deleted"' in oai  # published once: harvesters learn it is gone
    assert "record.unpublish" in _actions(app)


def test_another_partners_admin_changes_nothing(app, admin_b, setup):
    library, draft = setup
    p, rid = draft.page_ids, draft.record_id
    token = csrf_token(admin_b, "/workspace/")
    assert admin_b.get(_screen(rid)).status_code == 403
    assert admin_b.get(f"/workspace/pages/{p[0]}/thumb").status_code == 403
    before = _actions(app)
    for path, data in (
        (f"{_screen(rid)}/pages/{p[0]}/move", {"direction": "down"}),
        (f"{_screen(rid)}/order", {"page": [p[2], p[1], p[0]]}),
        (f"{_screen(rid)}/pages/{p[0]}/rotate", {"degrees": "90"}),
        (f"{_screen(rid)}/pages/{p[0]}/cover", {}),
        (f"{_screen(rid)}/pages/{p[0]}/delete", {}),
        (f"/workspace/records/{rid}/publish", {}),
        (f"/workspace/records/{library.manuscript}/unpublish", {"reason": "x"}),
    ):
        response = admin_b.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    replace = admin_b.post(
        f"{_screen(rid)}/pages/{p[0]}/replace",
        data={"csrf_token": token, "image": (io.BytesIO(b"x"), "a.png")},
        content_type="multipart/form-data",
    )
    assert replace.status_code == 403
    assert _order(app, rid) == p and _actions(app) == before
    # a page of partner A's record named under partner B's own record: not found
    with app.app_context():
        catalog = get_services().catalog
        with catalog.session() as s:
            s.execute(update(Record).where(Record.id == library.plain).values(draft=True))
    wrong = admin_b.post(
        f"{_screen(library.plain)}/pages/{p[0]}/delete", data={"csrf_token": token}
    )
    assert wrong.status_code == 404 and _order(app, rid) == p


def test_without_a_csrf_token_nothing_changes(app, operator, setup):
    _library, draft = setup
    p, rid = draft.page_ids, draft.record_id
    for path, data in (
        (f"{_screen(rid)}/pages/{p[0]}/move", {"direction": "down"}),
        (f"{_screen(rid)}/order", {"page": [p[2], p[1], p[0]]}),
        (f"{_screen(rid)}/pages/{p[0]}/delete", {}),
        (f"/workspace/records/{rid}/publish", {}),
    ):
        assert operator.post(path, data=data).status_code == 400, path
    assert _order(app, rid) == p
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Record, rid).draft is True


def test_scans_not_usable_or_still_processed_are_listed(app, operator, setup):
    _library, draft = setup
    with app.app_context(), get_services().catalog.session() as s:
        s.add(
            DigitalObject(
                record_id=draft.record_id,
                label="rusak.tif",
                status="failed",
                error="rusak.tif: image data is broken or truncated",
            )
        )
        s.add(DigitalObject(record_id=draft.record_id, label="baru.tif", status="stored"))
    text = html.fromstring(operator.get(_screen(draft.record_id)).data).text_content()
    assert "rusak.tif: rusak.tif: image data is broken or truncated" in text
    assert "Being processed baru.tif" in " ".join(text.split())


def test_the_drafts_list_and_nav(app, operator, setup):
    library, draft = setup
    nav = html.fromstring(operator.get("/workspace/partners/rajang/").data)
    assert nav.xpath("//nav//a[contains(@href, 'state=draft')]")
    listing = operator.get("/workspace/partners/rajang/records?state=draft")
    doc = html.fromstring(listing.data)
    links = doc.xpath("//table//a/@href")
    assert _screen(draft.record_id) in links
    assert f"/workspace/records/{library.manuscript}" not in links
    public = html.fromstring(operator.get("/workspace/partners/rajang/records?state=visible").data)
    assert f"/workspace/records/{draft.record_id}" not in public.xpath("//table//a/@href")


def test_publishing_scans_added_to_a_public_record(app, client, operator, setup, tmp_path):
    with app.app_context():
        services = get_services()
        added = make_draft(
            services.catalog,
            services.files,
            "rajang",
            [["Lima", "Enam"]],
            title="Surat Umum",
            tmp=tmp_path,
            draft_record=False,
        )
    rid = added.record_id
    assert client.get(f"/api/records/{rid}").get_json()["pages"] == []
    page = operator.get(_screen(rid)).text
    assert "Public, with new scans waiting for review" in page
    published = _post(operator, rid, f"/workspace/records/{rid}/publish", follow_redirects=True)
    assert "Published: the new scans are public." in published.text
    assert len(client.get(f"/api/records/{rid}").get_json()["pages"]) == 2
    again = _post(operator, rid, f"/workspace/records/{rid}/publish", follow_redirects=True)
    assert "Nothing changed." in again.text
