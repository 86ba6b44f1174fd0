"""The portal over the real demo instance (harvested feeds, Tesseract OCR, tantivy
index), in Chromium: search and narrow, a search-inside hit boxed over the word that OCR
found on the scan, and the demo record whose title holds ``<script>`` shown as text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import DigitalObject, Page, Record
from portal.services import get_services
from tests.e2e.conftest import require_browser, screen_geometry, serve, wait_for_viewer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_live(demo_app):
    require_browser()
    with serve(demo_app) as base:
        yield base


def _a_word_on_a_page(app) -> tuple[int, int, list]:
    """A record, the page number (1-based) and one OCR word of at least six letters
    that occurs once in the whole record."""
    with app.app_context(), get_services().catalog.session() as s:
        rows = s.execute(
            select(Record.id, DigitalObject.id, Page)
            .join(DigitalObject, DigitalObject.record_id == Record.id)
            .join(Page, Page.object_id == DigitalObject.id)
            .where(Record.deleted.is_(False), Page.ocr_status == "done")
            .order_by(Record.id, DigitalObject.id, Page.order)
        ).all()
    by_record: dict[int, list[Page]] = {}
    for record_id, _, page in rows:
        by_record.setdefault(record_id, []).append(page)
    for record_id, pages in by_record.items():
        words = [w for p in pages for w in p.words]
        counts: dict[str, int] = {}
        for w in words:
            counts[w[0].lower()] = counts.get(w[0].lower(), 0) + 1
        for number, page in enumerate(pages, start=1):
            for word in page.words:
                text = word[0]
                sure = word[5] is None or word[5] >= 85
                if sure and re.fullmatch(r"[A-Za-z]{6,}", text) and counts[text.lower()] == 1:
                    return record_id, number, word
    pytest.fail("no OCR word found in the demo instance")


def test_search_and_narrow_on_the_demo(demo_live, page):
    page.goto(demo_live + "/search?q=pontianak")
    total = page.locator("ol.record-list > li").count()
    assert total > 1
    page.click("section[data-facet='type'] li:first-child a")
    page.wait_for_url("**type=**")
    assert 0 < page.locator("ol.record-list > li").count() <= total
    assert page.problems == []


def test_hit_box_over_an_ocr_word_of_a_demo_scan(demo_app, demo_live, page):
    record_id, number, word = _a_word_on_a_page(demo_app)
    text, left, top, width, height = word[:5]
    page.goto(f"{demo_live}/records/{record_id}?q={text}&page={number}")
    wait_for_viewer(page, number)
    geometry = screen_geometry(page)
    img = geometry["img"]
    pages = page.evaluate("() => JSON.parse(document.querySelector('.viewer').dataset.pages)")
    scale = img["w"] / pages[number - 1]["width"]
    expected = (img["x"] + left * scale, img["y"] + top * scale, width * scale, height * scale)
    assert any(
        all(
            abs(got - want) <= 2
            for got, want in zip((b["x"], b["y"], b["w"], b["h"]), expected, strict=True)
        )
        for b in geometry["boxes"]
    ), (text, expected, geometry["boxes"])
    assert page.problems == []


def test_demo_title_with_script_renders_as_text(demo_live, page):
    page.goto(demo_live + "/search?q=Ketapang")
    link = page.locator("ol.record-list h3 a", has_text="Sekolah Rakyat Ketapang")
    assert "<script>alert(1)</script>" in link.inner_text()
    link.click()
    assert page.inner_text("h1") == "Daftar murid Sekolah Rakyat Ketapang <script>alert(1)</script>"
    assert page.problems == []
