"""Correcting OCR text in the workspace, end to end through the real app: the correction
page and its form and JSON posts, versions and revert, who may (partner A's members, not
partner B's admin nor a researcher), CSRF, text kept as text, and how a corrected page
shows in the public portal and the API."""

from __future__ import annotations

import pytest
from lxml import html
from sqlalchemy import select

from catalog.account_models import AuditEvent
from catalog.models import Page, Record
from portal.services import get_services
from tests.portal.public.conftest import build_library
from tests.support.web import csrf_token, log_in, make_user

HOSTILE = '<script>alert("x")</script> radja'


@pytest.fixture
def library(app):
    return build_library(app)


@pytest.fixture
def users(app, library):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
        make_user(catalog, "op@rajang.example", ("operator", "rajang"))
        make_user(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))
        make_user(catalog, "reader@example.org")


def _client(app, email):
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


@pytest.fixture
def operator(app, users):
    return _client(app, "op@rajang.example")


@pytest.fixture
def admin_b(app, users):
    return _client(app, "admin@khatulistiwa.example")


def _url(library, suffix=""):
    return f"/workspace/pages/{library.page_ids[0]}/corrections{suffix}"


def _page(app, library) -> Page:
    with app.app_context(), get_services().catalog.session() as s:
        return s.get(Page, library.page_ids[0])


def _post(client, library, lines, **extra):
    token = csrf_token(client, _url(library))
    data = {"csrf_token": token, **{f"line-{n}": text for n, text in lines.items()}, **extra}
    return client.post(_url(library), data=data)


def test_the_page_lists_each_line_to_correct(operator, library):
    page = operator.get(_url(library))
    assert page.status_code == 200
    doc = html.fromstring(page.data)
    inputs = doc.xpath('//form[@class="correct-form"]//input[@type="text"]')
    assert [(i.get("name"), i.get("value"), i.get("data-box")) for i in inputs] == [
        ("line-1", "Hikajat radja", "40,60,320,40"),
        ("line-2", "Sambas", "40,140,170,40"),
    ]
    assert doc.xpath('//label[@for="line-1"]')
    assert "This page has not been corrected yet." in page.text


def test_a_saved_correction_is_a_version_with_who_and_when(app, operator, library):
    response = _post(operator, library, {1: "Hikayat raja", 2: "Sambas"})
    assert response.status_code == 302 and response.location.endswith(_url(library))
    page = operator.get(_url(library))
    assert "version 1" in page.text
    doc = html.fromstring(page.data)
    assert doc.xpath('//input[@name="line-1"]/@value') == ["Hikayat raja"]
    assert "OCR read: Hikajat radja" in page.text
    [row] = doc.xpath('//table[@class="versions"]/tbody/tr')
    assert "op@rajang.example" in row.text_content()
    stored = _page(app, library)
    assert stored.text == "Hikajat radja\nSambas"  # the OCR kept
    assert stored.corrected_text == "Hikayat raja\nSambas"
    with app.app_context(), get_services().catalog.session() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "page.correct"))
        assert event.actor == "op@rajang.example" and event.partner_id == "rajang"
        assert s.get(Record, library.manuscript).index_due is not None


def test_json_posts_with_the_token_in_a_header(app, operator, library):
    token = csrf_token(operator, _url(library))
    headers = {"X-CSRFToken": token}
    response = operator.post(_url(library), json={"lines": {"2": "Sambas."}}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["version"] == 1
    assert response.get_json()["lines"] == [[2, "Sambas."]]
    again = operator.post(_url(library), json={"lines": {"2": "Sambas."}}, headers=headers)
    assert again.status_code == 200 and again.get_json() == {"saved": False}
    bad = operator.post(_url(library), json={"lines": {"9": "x"}}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["message"] == "This page has no such line."
    stale = operator.post(
        _url(library), json={"lines": {"2": "Sambas!"}, "seen": {"2": "Sambas"}}, headers=headers
    )
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale"
    shape = operator.post(_url(library), json=["x"], headers=headers)
    assert shape.status_code == 400
    no_token = operator.post(_url(library), json={"lines": {"2": "Dirampas"}})
    assert no_token.status_code == 400
    assert _page(app, library).corrected_text == "Hikajat radja\nSambas."


def test_without_a_csrf_token_nothing_changes(app, operator, library):
    response = operator.post(_url(library), data={"line-1": "Dirampas"})
    assert response.status_code == 400
    token = csrf_token(operator, _url(library))
    revert = operator.post(_url(library, "/revert"), data={"version": "0"})
    assert revert.status_code == 400 and token
    assert _page(app, library).corrections == 0


def test_bad_input_is_shown_with_what_was_typed(app, operator, library):
    long_line = "panjang " * 80
    response = _post(operator, library, {1: long_line})
    assert response.status_code == 400
    doc = html.fromstring(response.data)
    assert "Line 1 is longer than 500 characters." in doc.xpath('//p[@role="alert"]')[0].text
    assert doc.xpath('//input[@name="line-1"]/@value') == [long_line]
    control = _post(operator, library, {2: "bell\x07"})
    assert control.status_code == 400
    assert "Line 2 holds characters that cannot be stored." in control.text
    assert _page(app, library).corrections == 0


def test_revert_to_a_version_and_to_the_ocr(app, operator, library):
    _post(operator, library, {1: "Hikayat raja"})
    _post(operator, library, {2: "Sambas!"})
    token = csrf_token(operator, _url(library))
    response = operator.post(_url(library, "/revert"), data={"csrf_token": token, "version": "1"})
    assert response.status_code == 302
    assert _page(app, library).corrected_text == "Hikayat raja\nSambas"
    operator.post(_url(library, "/revert"), data={"csrf_token": token, "version": "0"})
    page = _page(app, library)
    assert page.corrected_text is None and page.corrections == 4
    missing = operator.post(_url(library, "/revert"), data={"csrf_token": token, "version": "9"})
    assert missing.status_code == 404
    bad = operator.post(_url(library, "/revert"), data={"csrf_token": token, "version": "x"})
    assert bad.status_code == 400


def test_other_partners_researchers_and_visitors_may_not(app, admin_b, library, users):
    token = csrf_token(admin_b, f"/workspace/records/{library.plain}")
    assert admin_b.get(_url(library)).status_code == 403
    post = admin_b.post(_url(library), data={"csrf_token": token, "line-1": "Dirampas"})
    assert post.status_code == 403
    headers = {"X-CSRFToken": token}
    as_json = admin_b.post(_url(library), json={"lines": {"1": "Dirampas"}}, headers=headers)
    assert as_json.status_code == 403 and as_json.is_json
    revert = admin_b.post(_url(library, "/revert"), data={"csrf_token": token, "version": "0"})
    assert revert.status_code == 403
    reader = _client(app, "reader@example.org")
    assert reader.get(_url(library)).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(_url(library)).status_code == 302  # to the login form
    assert admin_b.get("/workspace/pages/99999/corrections").status_code == 404
    assert _page(app, library).corrections == 0


def test_text_stays_text_everywhere(app, operator, library):
    assert _post(operator, library, {1: HOSTILE}).status_code == 302
    for body in (
        operator.get(_url(library)).text,
        operator.get(f"/records/{library.manuscript}").text,
        app.test_client().get(f"/records/{library.manuscript}").text,
    ):
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert" in body
    api = app.test_client().get(f"/api/records/{library.manuscript}/pages/1").get_json()
    assert api["text"].startswith(HOSTILE)


def test_a_corrected_page_is_marked_in_the_portal_and_the_api(app, operator, library):
    _post(operator, library, {1: "Hikayat raja"})
    public = app.test_client()
    doc = html.fromstring(public.get(f"/records/{library.manuscript}").data)
    [badge] = doc.xpath('//p[@class="corrected-badge"]')
    assert badge.text == "Text corrected by Pustaka Warisan Rajang"
    text = doc.xpath('//div[@id="page-text"]/pre')[0].text
    assert text == "Hikayat raja\nSambas"
    assert doc.xpath('//div[@id="page-text"]/details/pre')[0].text == "Hikajat radja\nSambas"
    counts = doc.xpath('//section[@class="correction-progress"]//dd/text()')
    assert counts == ["1 of 2", "1 of 4"]
    assert not doc.xpath('//a[@class="correct-link"]')  # a visitor may not correct
    page = public.get(f"/api/records/{library.manuscript}/pages/1").get_json()
    assert page["corrected"] is True and page["corrected_by"] == "Pustaka Warisan Rajang"
    assert page["text"] == "Hikayat raja\nSambas"
    assert page["original_text"] == "Hikajat radja\nSambas"
    assert [w["text"] for w in page["words"]] == ["Hikayat", "raja", "Sambas"]
    assert [w["text"] for w in page["original_words"]] == ["Hikajat", "radja", "Sambas"]
    assert page["corrected_at"].endswith("Z")
    second = public.get(f"/api/records/{library.manuscript}/pages/2").get_json()
    assert second["corrected"] is False and "original_words" not in second
    record = public.get(f"/api/records/{library.manuscript}").get_json()
    assert [p["corrected"] for p in record["pages"]] == [True, False]
    assert record["corrections"] == {
        "pages": 2,
        "pages_corrected": 1,
        "lines": 4,
        "lines_corrected": 1,
    }


def test_members_find_the_correction_page_from_the_viewer_and_workspace(
    app, operator, admin_b, library
):
    doc = html.fromstring(operator.get(f"/records/{library.manuscript}").data)
    [link] = doc.xpath('//a[@class="correct-link"]')
    assert link.get("href") == _url(library)
    assert not html.fromstring(admin_b.get(f"/records/{library.manuscript}").data).xpath(
        '//a[@class="correct-link"]'
    )
    workspace = html.fromstring(operator.get(f"/workspace/records/{library.manuscript}").data)
    links = workspace.xpath('//details[@class="text-pages"]//a/@href')
    assert links == [_url(library), f"/workspace/pages/{library.page_ids[1]}/corrections"]
    assert workspace.xpath('//section[@class="correction-progress"]//dd/text()') == [
        "0 of 2",
        "0 of 4",
    ]


def test_a_draft_page_is_corrected_with_the_workspace_image(app, operator, library):
    with app.app_context(), get_services().catalog.session() as s:
        s.get(Record, library.manuscript).draft = True
    doc = html.fromstring(operator.get(_url(library)).data)
    [image] = doc.xpath('//div[@id="viewer-image"]/img/@src')
    assert image == f"/workspace/pages/{library.page_ids[0]}/display"
    assert operator.get(image).status_code == 200
    assert not doc.xpath('//a[text()="Public page of this record"]')
    assert _post(operator, library, {2: "Sambas."}).status_code == 302
    assert _page(app, library).corrected_text == "Hikajat radja\nSambas."


def test_search_inside_the_api_and_iiif_box_the_corrected_word(app, operator, library):
    _post(operator, library, {1: "Hikayat Baginda Raja"})
    with app.app_context():
        get_services().search.reindex()
    public = app.test_client()
    api = public.get(f"/api/records/{library.manuscript}/search?q=Baginda").get_json()
    [hit] = api["hits"]
    corrected = {w[0]: w[1:5] for w in _page(app, library).corrected_words}
    [box] = hit["boxes"]
    assert [box[k] for k in ("x", "y", "w", "h")] == corrected["Baginda"]
    assert box["text"] == "Baginda"
    assert "<mark>Baginda</mark>" in hit["snippet"]
    iiif = public.get(f"/iiif/objects/{library.object_id}/search?q=Baginda").get_json()
    [resource] = iiif["resources"]
    assert resource["on"].endswith("#xywh=" + ",".join(map(str, corrected["Baginda"])))


def test_a_form_shown_before_another_correction_keeps_it(app, operator, library):
    form = html.fromstring(operator.get(_url(library)).data)
    data = {
        i.get("name"): i.get("value") for i in form.xpath('//form[@class="correct-form"]//input')
    }
    assert data["seen-1"] == "Hikajat radja" and data["seen-2"] == "Sambas"
    _post(operator, library, {1: "Hikayat raja"})  # someone else, meanwhile
    data["line-2"] = "Sambas."  # this form changes line 2 and sends line 1 as it saw it
    assert operator.post(_url(library), data=data).status_code == 302
    assert _page(app, library).corrected_text == "Hikayat raja\nSambas."
    data["line-1"] = "Hikajat Radja"  # now a change of line 1, seen before its correction
    refused = operator.post(_url(library), data=data)
    assert refused.status_code == 409
    assert "Someone corrected line 1 while you were working on it." in refused.text
    doc = html.fromstring(refused.data)
    assert doc.xpath('//input[@name="line-1"]/@value') == ["Hikajat Radja"]  # kept
    assert doc.xpath('//input[@name="seen-1"]/@value') == ["Hikayat raja"]  # the text now
    assert _page(app, library).corrected_text == "Hikayat raja\nSambas."
    unchanged = {k: v for k, v in data.items() if not k.startswith("line-")}
    unchanged.update({"line-1": "Hikayat raja", "line-2": "Sambas."})
    unchanged.update({"seen-1": "Hikayat raja", "seen-2": "Sambas."})
    response = operator.post(_url(library), data=unchanged)
    assert response.status_code == 302
    assert "Nothing changed." in operator.get(response.location).text
