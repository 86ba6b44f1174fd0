"""The public portal in a real browser (Debian Chromium driven by Playwright).

A portal with a small real library (catalogue, files, tantivy index, compiled
translations) is served on loopback; the browser searches, narrows by a facet, switches
language, opens a record and checks that the search-inside hit box lies over the right
word of the page image, with no console error and harvested ``<script>`` shown as text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import ROOT, create_app
from portal.services import get_services
from tests.e2e.conftest import require_browser, screen_geometry, serve, wait_for_viewer
from tests.portal.public.conftest import WORDS, build_library
from tests.portal.public.test_public_i18n import LOCALES

pytestmark = pytest.mark.browser


def _compile_translations(folder: Path) -> Path:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for locale in LOCALES:
        with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalog = read_po(fh, locale=locale)
        target = folder / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as fh:
            write_mo(fh, catalog)
    return folder


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The portal with the test library on a real loopback server: (base URL, library)."""
    require_browser()
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "e2e",
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(folder / "tr")),
        }
    )
    with app.app_context():
        get_services().catalog.upgrade()
    library = build_library(app)
    with app.app_context():
        get_services().search.reindex()
    with serve(app) as base:
        yield base, library
    app.extensions["warisan"].close()


def test_search_then_a_facet_narrows_the_results(live, page):
    base, _ = live
    page.goto(base + "/")
    page.fill("#home-q", "")
    page.click("form.big-search button")
    titles = page.locator("ol.record-list h3 a")
    assert titles.count() == 3
    page.click("section[data-facet='country'] a[data-value='ID']")
    page.wait_for_url("**country=ID**")
    assert titles.all_inner_texts() == ["Peta Pontianak"]
    assert page.locator("ul.active-filters a.remove-filter").count() == 1
    assert page.problems == []


def test_switching_language_changes_the_interface(live, page):
    base, _ = live
    page.goto(base + "/browse/")
    assert page.inner_text("nav.site-nav a >> nth=0") == "Browse"
    page.click("nav.languages a[lang='id']")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.inner_text("nav.site-nav a >> nth=0") == "Jelajahi"
    page.goto(base + "/")  # the choice persists
    assert page.inner_text("h1") == "Koleksi warisan Borneo"
    assert page.problems == []


def test_hit_box_is_drawn_over_the_word_on_the_page_image(live, page):
    base, library = live
    page.goto(f"{base}/records/{library.manuscript}?q=radja")
    wait_for_viewer(page, 1)
    geometry = screen_geometry(page)
    img, box = geometry["img"], geometry["boxes"][0]
    word = next(w for w in WORDS if w[0] == "radja")
    scale = img["w"] / 800
    assert img["h"] == pytest.approx(600 * scale, rel=0.02)
    assert box["x"] == pytest.approx(img["x"] + word[1] * scale, abs=2)
    assert box["y"] == pytest.approx(img["y"] + word[2] * scale, abs=2)
    assert box["w"] == pytest.approx(word[3] * scale, abs=2)
    assert box["h"] == pytest.approx(word[4] * scale, abs=2)
    assert page.locator(".hit-list mark").inner_text() == "radja"
    assert page.problems == []


def test_page_strip_switches_page_and_text(live, page):
    base, library = live
    page.goto(f"{base}/records/{library.manuscript}")
    page.wait_for_selector("section.viewer .openseadragon-canvas")
    assert page.inner_text("#page-text .page-language") == "Language of the text: Malay"
    page.click(".page-strip a[data-page='2']")
    page.wait_for_function("() => location.search.includes('page=2')")
    page.wait_for_function(
        "() => document.querySelector('#page-text pre').textContent === 'Hikajat\\nKapuas'"
    )
    assert page.locator(".page-strip a[aria-current='page']").get_attribute("data-page") == "2"
    # the second page's language is not known: the label says so, not the first's
    assert page.inner_text("#page-text .page-language") == "Language of the text: unknown"
    assert page.problems == []


def test_harvested_script_renders_as_text(live, page):
    base, library = live
    page.goto(f"{base}/records/{library.hostile}")
    assert page.inner_text("h1") == 'Surat <script>alert("x")</script> & co'
    page.goto(f"{base}/search?q=surat")
    assert "<script>" in page.inner_text("ol.record-list")
    assert page.problems == []
