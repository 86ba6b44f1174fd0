"""A digitization operator reviews a draft in Chromium and publishes it: the draft's
pages were ingested and read by the real pipeline (one sideways); the operator finds it
under Drafts, sorts the worst pages first, turns the sideways page upright, drags one
page before another and moves one with its button, sets the cover and publishes. The
public record page then shows the pages in the new order, with the turned page read
again, and the home page shows the chosen cover."""

from __future__ import annotations

import pytest

from catalog.models import OcrStatus, Page
from ingest import pages as ingest_pages
from ingest.settings import IngestSettings
from portal import create_app
from portal.services import get_services
from search import indexing
from tests.e2e import axe
from tests.e2e.conftest import require_browser, serve
from tests.e2e.test_e2e_portal import _compile_translations
from tests.portal.public.conftest import build_library
from tests.support.drafts import make_draft
from tests.support.web import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.tesseract]

OPERATOR = "operator@rajang.example"
LABELS = ["Satu", "Dua", "Tiga", "Empat"]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The portal with the public library, an operator of rajang and a draft of four
    pages (a TIFF of three and a PNG of one, scanned sideways), OCR'd for real."""
    require_browser()
    axe.require_axe()
    folder = tmp_path_factory.mktemp("review")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "e2e-review",
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(folder / "tr")),
        }
    )
    with app.app_context():
        get_services().catalog.upgrade()
    build_library(app)
    with app.app_context():
        services = get_services()
        make_user(services.catalog, OPERATOR, ("operator", "rajang"))
        draft = make_draft(
            services.catalog,
            services.files,
            "rajang",
            [LABELS[:3], LABELS[3:]],
            title="Hikayat Empat Halaman",
            tmp=folder,
            ocr=True,
            sideways=frozenset({"Empat"}),
        )
        services.search.reindex()
    with serve(app) as base:
        yield base, app, draft
    app.extensions["warisan"].close()


def _shown(page) -> list[int]:
    return [
        int(v)
        for v in page.locator("li[data-page-id]").evaluate_all(
            "items => items.map(li => li.dataset.pageId)"
        )
    ]


def _look(page, name: str, problems: list[str]) -> None:
    for size, viewport in axe.VIEWPORTS.items():
        page.set_viewport_size(viewport)
        problems.extend(axe.check(page, f"{name} [{size}]"))
        axe.screenshot(page, f"{name}-{size}")
    page.set_viewport_size(axe.VIEWPORTS["desktop"])


def _read_pending(app) -> None:
    """What a worker would do with the queued jobs: read the pending pages, index."""
    with app.app_context():
        services = get_services()
        with services.catalog.session() as s:
            pending = s.query(Page.id).filter(Page.ocr_status == OcrStatus.PENDING).all()
        for (page_id,) in pending:
            ingest_pages.ocr_page(services.catalog, services.files, page_id, IngestSettings())
        indexing.drain(services.catalog, services.search)


def test_an_operator_reviews_and_publishes_a_draft(live, browser):
    base, app, draft = live
    satu, dua, tiga, empat = draft.page_ids
    problems: list[str] = []
    context = browser.new_context(locale="en-GB", viewport=axe.VIEWPORTS["desktop"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "/workspace/login")
        page.fill("#email", OPERATOR)
        page.fill("#password", PASSWORD)
        page.click("form.login-form [type=submit]")
        page.wait_for_url(base + "/workspace/")
        assert page.goto(f"{base}/records/{draft.record_id}").status == 404  # a draft

        # the Drafts entry of the partner's workspace lists it
        page.goto(base + "/workspace/partners/rajang/")
        page.get_by_role("link", name="Drafts", exact=True).click()
        page.get_by_role("link", name="Draft: review").click()
        page.wait_for_url(f"{base}/workspace/records/{draft.record_id}/review")
        assert _shown(page) == [satu, dua, tiga, empat]
        page.wait_for_function(
            "() => [...document.querySelectorAll('li[data-page-id] img')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )  # the thumbnails of a draft come from the workspace
        _look(page, "en-review-draft", problems)

        # the sideways page reads worst: it comes first, and is turned upright
        page.get_by_role("link", name="worst pages first").click()
        assert _shown(page)[0] == empat
        page.get_by_role("button", name="Turn right · Page 4").click()
        page.wait_for_selector(".flash")
        assert "turned" in page.locator(".flash").inner_text()
        thumb = page.locator(f"#page-{empat} img")
        thumb.evaluate("i => i.complete || new Promise(ok => i.addEventListener('load', ok))")
        size = thumb.evaluate("i => [i.naturalWidth, i.naturalHeight]")
        assert size[0] < size[1]  # upright: portrait again
        assert "Not read yet" in page.locator(f"#page-{empat}").inner_text()

        # drag "Dua" onto "Satu", then move "Empat" up with its button (across objects)
        page.get_by_role("link", name="in page order").click()
        page.locator(f"#page-{dua}").drag_to(page.locator(f"#page-{satu}"))
        page.wait_for_selector(".flash")
        assert "new page order was saved" in page.locator(".flash").inner_text()
        assert _shown(page) == [dua, satu, tiga, empat]
        page.get_by_role("button", name="Move up · Page 4").click()
        page.wait_for_selector(".flash")
        assert _shown(page) == [dua, satu, empat, tiga]

        page.get_by_role("button", name="Set as cover · Page 2").click()
        assert "Cover" in page.locator(f"#page-{satu}").inner_text()
        _look(page, "en-review-reordered", problems)

        page.get_by_role("button", name="Publish").click()
        page.wait_for_selector(".flash")
        assert "Published" in page.locator(".flash").inner_text()
        assert not page.get_by_role("button", name="Turn right · Page 1").count()  # public now
    finally:
        context.close()

    _read_pending(app)
    visitor = browser.new_context(locale="en-GB").new_page()
    try:
        texts = []
        for number in range(1, 5):
            response = visitor.goto(f"{base}/records/{draft.record_id}?page={number}")
            assert response.status == 200
            texts.append(visitor.locator("#page-text pre").first.inner_text())
        order = [next(label for label in LABELS if label in text) for text in texts]
        assert order == ["Dua", "Satu", "Empat", "Tiga"]
        with app.app_context(), get_services().catalog.session() as s:
            cover = s.get(Page, satu).thumb_sha256
        visitor.goto(base + "/")
        assert visitor.locator(f"img[src*='{cover}']").count() == 1  # the cover in "new"
        visitor.goto(base + "/search?q=Empat")
        assert "Hikayat Empat Halaman" in visitor.locator("main").inner_text()
    finally:
        visitor.context.close()
    assert errors == []
    assert problems == [], "axe found serious or critical violations:\n" + "\n".join(problems)
