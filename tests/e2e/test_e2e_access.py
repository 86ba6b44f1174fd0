"""Closed content in a real browser: the record page of an on-site-only record shows the
notice and the rights statement, loads no page image, and passes axe in every language."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from catalog.models import Record
from portal import create_app
from portal.services import get_services
from tests.e2e import axe
from tests.e2e.conftest import require_browser, serve
from tests.e2e.test_e2e_portal import _compile_translations
from tests.portal.public.conftest import build_library

pytestmark = pytest.mark.browser

NOTICE = {
    "en": "only on site at Pustaka Warisan Rajang",
    "id": "hanya tersedia di tempat",
    "ms": "hanya tersedia di premis",
}
STATEMENT = {
    "en": "Public Domain Mark 1.0",
    "id": "Tanda Domain Publik 1.0",
    "ms": "Tanda Domain Awam 1.0",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    axe.require_axe()
    folder = tmp_path_factory.mktemp("access")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "e2e-access",
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(folder / "tr")),
        }
    )
    with app.app_context():
        get_services().catalog.upgrade()
    library = build_library(app)
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(update(Record).where(Record.id == library.manuscript).values(access="onsite"))
    with serve(app) as base:
        yield base, library


@pytest.mark.parametrize("language", sorted(NOTICE))
def test_an_onsite_record_page_shows_why_and_loads_no_image(site, page, language):
    base, library = site
    images: list[str] = []
    page.on("request", lambda r: images.append(r.url) if "/files/" in r.url else None)
    response = page.goto(f"{base}/records/{library.manuscript}?lang={language}")
    assert response.status == 200
    page.wait_for_load_state("load")
    assert NOTICE[language] in page.locator(".access-notice").inner_text()
    assert page.locator(".viewer").count() == 0
    assert page.locator(".rights-statement a").inner_text() == STATEMENT[language]
    assert images == []
    assert axe.check(page, f"record-onsite [{language}]") == []
