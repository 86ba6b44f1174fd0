"""Editing a partner's public profile and logo in the workspace, and the public page."""

from __future__ import annotations

import io

import pytest
from lxml import html
from PIL import Image

from catalog import profiles
from catalog.audit import audit_events
from tests.portal.profile.conftest import A, B
from tests.support.web import csrf_token

PAGE = f"/workspace/partners/{A}/profile"
LOGO = f"/workspace/partners/{A}/profile/logo"
MARKUP = '<script>alert("x")</script><b>bold</b>'


def form(client, **fields) -> dict:
    data = {"csrf_token": csrf_token(client, PAGE), "save": "Save"}
    data.update(fields)
    return data


def png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "PNG")
    return out.getvalue()


def profile_events(catalog):
    """Partner A's profile and logo events, newest first (not its members' events)."""
    return [e for e in audit_events(catalog, partner_id=A) if e.action.startswith("partner.")]


def stored(catalog):
    return profiles.get_profile(catalog, A)


def test_a_partner_admin_saves_the_profile_and_it_is_audited(catalog, login):
    client = login("admin-a@example.org")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="names_id"' in page.text and 'name="contacts-0-email"' in page.text
    data = form(
        client,
        names_en="Rajang Heritage Library",
        names_ms="Pustaka Warisan Rajang",
        description_id="Naskah dari lembah Rajang.",
        **{"contacts-0-name": "Siti", "contacts-0-email": "siti@rajang.example"},
    )
    response = client.post(PAGE, data=data)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert "The profile is saved." in client.get(PAGE).text
    _partner, profile = stored(catalog)
    assert profile.names == {"en": "Rajang Heritage Library", "ms": "Pustaka Warisan Rajang"}
    assert profile.contacts == (profiles.Contact(name="Siti", email="siti@rajang.example"),)
    [event] = profile_events(catalog)
    assert event.actor == "admin-a@example.org" and event.actor_id is not None
    assert event.after["description.id"] == "Naskah dari lembah Rajang."


def test_errors_show_next_to_their_fields_and_nothing_typed_is_lost(catalog, login):
    client = login("admin-a@example.org")
    data = form(
        client,
        names_en="x" * 301,
        description_en="Kept text",
        **{"contacts-0-name": "Siti", "contacts-0-email": "not-an-email"},
    )
    response = client.post(PAGE, data=data)
    assert response.status_code == 400
    doc = html.fromstring(response.data)
    email = doc.get_element_by_id("contacts-0-email")
    assert email.get("aria-invalid") == "true" and email.get("value") == "not-an-email"
    assert "not an e-mail address" in doc.get_element_by_id("contacts-0-email-errors").text
    assert "300" in doc.get_element_by_id("names_en-errors").text
    assert doc.get_element_by_id("description_en").text.lstrip("\n") == "Kept text"
    assert stored(catalog)[1] == profiles.Profile()
    assert profile_events(catalog) == []


def test_errors_are_translated(catalog, login):
    client = login("admin-a@example.org")
    data = form(client, **{"contacts-0-email": "x@y.example"})
    response = client.post(PAGE + "?lang=id", data=data)
    assert response.status_code == 400
    assert "Kontak memerlukan nama." in response.text


@pytest.mark.parametrize("who", ["admin-b@example.org", "curator-a@example.org"])
def test_others_may_not_edit_the_profile_or_logo(catalog, login, who):
    client = login(who)
    token = csrf_token(client, "/workspace/")
    assert client.get(PAGE).status_code == 403
    data = {"csrf_token": token, "names_en": "Taken over", "save": "Save"}
    assert client.post(PAGE, data=data).status_code == 403
    upload = {"csrf_token": token, "upload": "Upload", "logo": (io.BytesIO(png()), "x.png")}
    assert client.post(LOGO, data=upload, content_type="multipart/form-data").status_code == 403
    remove = {"csrf_token": token, "remove": "Remove"}
    assert client.post(LOGO, data=remove).status_code == 403
    partner, profile = stored(catalog)
    assert profile == profiles.Profile() and partner.logo_sha256 is None
    assert profile_events(catalog) == []


def test_a_consortium_admin_edits_any_profile(catalog, login):
    client = login("root@example.org")
    response = client.post(PAGE, data=form(client, names_id="Perpustakaan Rajang"))
    assert response.status_code == 302
    assert stored(catalog)[1].names == {"id": "Perpustakaan Rajang"}
    assert client.get("/workspace/partners/nobody/profile").status_code == 404


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(catalog, login):
    client = login("admin-a@example.org")
    assert client.post(PAGE, data={"names_en": "No token"}).status_code == 400
    assert client.post(PAGE, data={"names_en": "Bad", "csrf_token": "forged"}).status_code == 400
    upload = {"upload": "Upload", "logo": (io.BytesIO(png()), "x.png")}
    assert client.post(LOGO, data=upload, content_type="multipart/form-data").status_code == 400
    partner, profile = stored(catalog)
    assert profile == profiles.Profile() and partner.logo_sha256 is None


def upload(client, data: bytes, name: str = "logo.png"):
    body = {"csrf_token": csrf_token(client, PAGE), "upload": "Upload"}
    body["logo"] = (io.BytesIO(data), name)
    return client.post(LOGO, data=body, content_type="multipart/form-data")


def test_a_logo_is_uploaded_served_to_all_and_removed(app, catalog, login):
    client = login("admin-a@example.org")
    response = upload(client, png())
    assert response.status_code == 302
    assert "The logo is saved." in client.get(PAGE).text
    sha = stored(catalog)[0].logo_sha256
    anonymous = app.test_client()
    served = anonymous.get(f"/files/{sha}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (300, 200)
    assert f"/files/{sha}" in anonymous.get(f"/browse/partners/{A}").text

    removal = {"csrf_token": csrf_token(client, PAGE), "remove": "Remove"}
    assert client.post(LOGO, data=removal).status_code == 302
    assert stored(catalog)[0].logo_sha256 is None
    assert anonymous.get(f"/files/{sha}").status_code == 404
    assert [e.action for e in profile_events(catalog)] == ["partner.logo"] * 2


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (SVG, "logo.svg", "SVG images are not accepted"),
        (b"plain text", "logo.png", "This is not a PNG, JPEG, WebP or GIF image."),
        (png()[:200], "logo.png", "The image is damaged or incomplete."),
        (b"", "logo.png", "The file is empty."),
    ],
)
def test_a_bad_logo_is_refused_with_a_clear_message(catalog, login, data, name, message):
    client = login("admin-a@example.org")
    assert upload(client, png()).status_code == 302
    before = stored(catalog)[0].logo_sha256
    response = upload(client, data, name)
    assert response.status_code == 422
    assert message in html.fromstring(response.data).get_element_by_id("logo-errors").text
    assert stored(catalog)[0].logo_sha256 == before
    assert len(profile_events(catalog)) == 1


def test_no_file_chosen_is_an_error_not_a_crash(catalog, login):
    client = login("admin-a@example.org")
    body = {"csrf_token": csrf_token(client, PAGE), "upload": "Upload"}
    response = client.post(LOGO, data=body, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose an image file." in response.text


# --- the public partner page ------------------------------------------------------------


def test_the_public_page_shows_the_profile_in_each_language(app, catalog):
    profiles.update_profile(
        catalog,
        A,
        {
            "names": {"en": "Rajang Heritage Library", "id": "Perpustakaan Warisan Rajang"},
            "description": {"en": "Manuscripts.", "ms": "Manuskrip Melayu."},
            "services": {"id": "Salinan digital."},
            "access_conditions": {"en": "By appointment."},
            "contacts": [{"name": "Siti", "role": "Pustakawan", "email": "siti@rajang.example"}],
        },
        "cli",
    )
    client = app.test_client()
    pages = {lang: client.get(f"/browse/partners/{A}?lang={lang}") for lang in ("en", "id", "ms")}
    docs = {lang: html.fromstring(page.data) for lang, page in pages.items()}
    h1 = {lang: doc.xpath("//h1")[0] for lang, doc in docs.items()}
    assert h1["en"].text_content() == "Rajang Heritage Library"
    assert h1["id"].text_content() == "Perpustakaan Warisan Rajang"
    assert (h1["ms"].text_content(), h1["ms"].get("lang")) == ("Rajang Heritage Library", "en")
    assert "Manuskrip Melayu." in pages["ms"].text and "Manuscripts." not in pages["ms"].text
    assert "Manuscripts." in pages["id"].text  # no Indonesian: English
    assert "Salinan digital." in pages["en"].text  # only Indonesian: that one
    assert docs["en"].xpath('//a[@href="mailto:siti@rajang.example"]')
    assert "In the catalogue: Pustaka Warisan Rajang" in pages["en"].text
    assert "Layanan" in pages["id"].text  # the headings are translated


def test_markup_in_every_profile_field_is_shown_as_text(app, catalog):
    contact = {"name": MARKUP, "role": MARKUP, "email": "<b>x</b>@rajang.example"}
    contact["address"] = MARKUP + "\n" + MARKUP
    texts = {lang: MARKUP for lang in profiles.LANGUAGES}
    profiles.update_profile(
        catalog,
        A,
        {field: texts for field in profiles.TEXT_FIELDS} | {"contacts": [contact]},
        "cli",
    )
    client = app.test_client()
    for url in (f"/browse/partners/{A}", "/browse/partners"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<b>bold</b>" not in page and "<b>x</b>" not in page
    page = client.get(f"/browse/partners/{A}").text
    assert page.count("&lt;script&gt;alert(") >= 7  # name, title, 3 texts, contact ×3…
    doc = html.fromstring(page)
    assert doc.xpath("//h1")[0].text_content() == MARKUP


def test_the_partner_list_shows_the_logo_and_the_name_in_the_language(app, catalog, login):
    app.config["PORTAL_OVERVIEW_TTL"] = 0
    profiles.update_profile(catalog, A, {"names": {"ms": "Pustaka Rajang"}}, "cli")
    assert upload(login("admin-a@example.org"), png()).status_code == 302
    page = app.test_client().get("/browse/partners?lang=ms")
    doc = html.fromstring(page.data)
    assert doc.xpath('//a[text()="Pustaka Rajang"]')
    sha = stored(catalog)[0].logo_sha256
    assert doc.xpath(f'//img[@src="/files/{sha}"]')
    assert html.fromstring(app.test_client().get("/browse/partners?lang=id").data).xpath(
        '//a[text()="Pustaka Rajang"]'
    )  # no Indonesian, no English: the one written


def test_the_workspace_lists_the_sections_the_policy_allows(catalog, login):
    admin = login("admin-a@example.org").get(f"/workspace/partners/{A}/").text
    assert PAGE in admin and f"/workspace/partners/{A}/audit" in admin
    curator = login("curator-a@example.org").get(f"/workspace/partners/{A}/").text
    assert PAGE not in curator and "/audit" not in curator
    assert B  # both partners exist
