"""Researchers' suggested corrections through the real app: off by default; turned on by
the partner admin; a researcher suggests from the record page; partner A's members
approve or reject it; partner B's admin and the researcher may not decide; CSRF."""

from __future__ import annotations

import pytest
from lxml import html

from catalog.models import Page
from portal.services import get_services
from tests.portal.public.conftest import build_library
from tests.support.web import csrf_token, log_in, make_user


@pytest.fixture
def library(app):
    library = build_library(app)
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
        make_user(catalog, "admin@rajang.example", ("partner-admin", "rajang"))
        make_user(catalog, "op@rajang.example", ("operator", "rajang"))
        make_user(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))
        make_user(catalog, "reader@example.org")
    return library


def _client(app, email):
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _page(app, library) -> Page:
    with app.app_context(), get_services().catalog.session() as s:
        return s.get(Page, library.page_ids[0])


def _turn_on(app):
    admin = _client(app, "admin@rajang.example")
    token = csrf_token(admin, "/workspace/partners/rajang/suggestions")
    response = admin.post(
        "/workspace/partners/rajang/suggestions/setting", data={"csrf_token": token, "allowed": "1"}
    )
    assert response.status_code == 302
    return admin


def _suggest(client, library, text):
    url = f"/workspace/pages/{library.page_ids[0]}/suggestions"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "line-1": text})


def test_off_until_the_partner_turns_it_on(app, library):
    reader = _client(app, "reader@example.org")
    record = html.fromstring(reader.get(f"/records/{library.manuscript}").data)
    assert not record.xpath('//a[@class="correct-link"]')
    page = reader.get(f"/workspace/pages/{library.page_ids[0]}/suggestions")
    assert page.status_code == 200 and "does not take suggested corrections" in page.text
    assert not html.fromstring(page.data).xpath('//form[@class="correct-form"]')
    token = csrf_token(reader, "/workspace/password")
    refused = reader.post(
        f"/workspace/pages/{library.page_ids[0]}/suggestions",
        data={"csrf_token": token, "line-1": "Hikayat raja"},
    )
    assert refused.status_code == 403
    op = _client(app, "op@rajang.example")  # an operator may not change the setting
    token = csrf_token(op, "/workspace/password")
    setting = op.post(
        "/workspace/partners/rajang/suggestions/setting", data={"csrf_token": token, "allowed": "1"}
    )
    assert setting.status_code == 403


def test_a_researcher_suggests_and_a_member_approves(app, library):
    _turn_on(app)
    reader = _client(app, "reader@example.org")
    record = html.fromstring(reader.get(f"/records/{library.manuscript}").data)
    [link] = record.xpath('//a[@class="correct-link"]')
    assert link.get("href") == f"/workspace/pages/{library.page_ids[0]}/suggestions"
    assert link.text == "Suggest a correction of this page"
    response = _suggest(reader, library, "Hikayat <b>raja</b>")
    assert response.status_code == 302
    assert "waits for the partner" in reader.get(response.location).text
    assert _page(app, library).corrected_text is None
    op = _client(app, "op@rajang.example")
    listing = op.get("/workspace/partners/rajang/suggestions")
    assert (
        "Hikayat &lt;b&gt;raja&lt;/b&gt;" in listing.text and "reader@example.org" in listing.text
    )
    doc = html.fromstring(listing.data)
    [approve] = doc.xpath('//form[contains(@action, "/approve")]/@action')
    token = csrf_token(op, "/workspace/password")
    decided = op.post(approve, data={"csrf_token": token, "partner": "rajang"})
    assert decided.status_code == 302
    assert _page(app, library).corrected_text == "Hikayat <b>raja</b>\nSambas"
    again = op.post(approve, data={"csrf_token": token, "partner": "rajang"})
    assert again.status_code == 409


def test_reject_and_who_may_decide(app, library):
    _turn_on(app)
    reader = _client(app, "reader@example.org")
    _suggest(reader, library, "coretan")
    op = _client(app, "op@rajang.example")
    doc = html.fromstring(op.get(f"/workspace/pages/{library.page_ids[0]}/corrections").data)
    assert "suggested, waiting" in doc.text_content()
    [reject] = doc.xpath('//form[contains(@action, "/reject")]/@action')
    for outsider in ("admin@khatulistiwa.example", "reader@example.org"):
        client = _client(app, outsider)
        token = csrf_token(client, "/workspace/password")
        assert client.post(reject, data={"csrf_token": token}).status_code == 403
        assert client.get("/workspace/partners/rajang/suggestions").status_code == 403
    assert op.post(reject, data={"page": library.page_ids[0]}).status_code == 400  # no token
    token = csrf_token(op, "/workspace/password")
    response = op.post(reject, data={"csrf_token": token, "page": library.page_ids[0]})
    assert response.location.endswith(f"/workspace/pages/{library.page_ids[0]}/corrections")
    assert "suggestion rejected" in op.get(response.location).text
    assert _page(app, library).corrected_text is None


def test_suggestions_on_closed_or_unknown_pages_are_not_found(app, library):
    _turn_on(app)
    reader = _client(app, "reader@example.org")
    assert reader.get("/workspace/pages/99999/suggestions").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/workspace/pages/{library.page_ids[0]}/suggestions").status_code == 302
