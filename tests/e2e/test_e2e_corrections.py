"""In Chromium: an operator corrects a word the OCR misread, and a visitor then finds it.

A scan is printed with Pillow with one word half worn away ("Kuching" reads "Kuc…"), taken
in by ``warisan ingest`` and read by the real Tesseract (``warisan ocr``). The operator
opens the record page, follows "Correct the text of this page", focuses the misread line
(its box is marked on the image), types the word and saves. The indexer runs through the
job body (``indexing.drain``); an anonymous visitor's search then finds the corrected
word, the record page shows the "text corrected" badge and the viewer boxes the word
where it is printed. The pages are saved as screenshots in EN/ID/MS, desktop and phone.
"""

from __future__ import annotations

import pytest
from PIL import ImageDraw

from portal import create_app
from portal.services import get_services
from search import indexing
from tests.e2e import axe
from tests.e2e.conftest import require_browser, screen_geometry, serve, wait_for_viewer
from tests.e2e.test_e2e_portal import _compile_translations
from tests.ingest.conftest import render, save
from tests.support.web import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.tesseract]

OPERATOR = "operator@rajang.example"
LINES = ["Kapal api tiba di Kuching pada pagi hari", "membawa surat khabar dari Singapura."]
WORD = "Kuching"
LOCALES = {"en": "en-GB", "id": "id-ID", "ms": "ms-MY"}


def _worn_scan(path) -> tuple[int, int, int, int]:
    """The scan with the right half of ``WORD`` erased; returns the word's printed box."""
    rendered = render(LINES, size=(1400, 400))
    draw = ImageDraw.Draw(rendered.image)
    [box] = [b[1:] for b in rendered.boxes if b[0] == WORD]
    left, top, right, bottom = box
    draw.rectangle([left + (right - left) * 45 // 100, top - 2, right + 2, bottom + 2], fill=255)
    save(rendered.image, path, dpi=(300, 300))
    return left, top, right - left, bottom - top


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("corrections")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "e2e-corrections",
            "WTF_CSRF_ENABLED": True,
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(folder / "tr")),
        }
    )
    with app.app_context():
        services = get_services()
        services.catalog.upgrade()
        services.catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
        make_user(services.catalog, OPERATOR, ("operator", "rajang"))
    scans = folder / "scans"
    scans.mkdir()
    printed = _worn_scan(scans / "warta.png")
    save(render(["Halaman kedua surat khabar."], size=(1400, 400)).image, scans / "warta2.png")
    (scans / "metadata.csv").write_text(
        "files,title,language,type\nwarta.png;warta2.png,Warta Rajang,msa,newspaper\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["ingest", str(scans), "--partner", "rajang", "--csv", str(scans / "metadata.csv")]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["ocr"]).exit_code == 0
    with app.app_context():
        get_services().search.reindex()
    with serve(app) as base:
        yield base, app, printed
    app.extensions["warisan"].close()


def _record_url(page, base: str) -> str:
    page.goto(f"{base}/search?q=Singapura")
    return page.locator(".results a[href^='/records/']").first.get_attribute("href").split("?")[0]


def test_correct_a_misread_word_then_find_it(live, browser):
    base, app, printed = live
    visitor = browser.new_context(locale="en-GB", viewport=axe.VIEWPORTS["desktop"]).new_page()
    record = _record_url(visitor, base)
    visitor.goto(f"{base}/search?q={WORD}")
    assert visitor.locator(".results a[href^='/records/']").count() == 0  # OCR missed it

    context = browser.new_context(locale="en-GB", viewport=axe.VIEWPORTS["desktop"])
    operator = context.new_page()
    problems: list[str] = []
    operator.on("pageerror", lambda e: problems.append(str(e)))
    operator.goto(f"{base}/workspace/login")
    operator.fill("#email", OPERATOR)
    operator.fill("#password", PASSWORD)
    operator.click("form.login-form [type=submit]")
    operator.wait_for_url(f"{base}/workspace/")
    operator.goto(base + record)
    operator.click("a.correct-link")
    operator.wait_for_selector("section.correct")
    inputs = operator.locator(".correct-lines input[type=text]")
    values = [inputs.nth(i).input_value() for i in range(inputs.count())]
    [index] = [i for i, v in enumerate(values) if "Kapal" in v]
    misread = values[index]
    assert WORD not in misread, misread
    line = inputs.nth(index)
    operator.wait_for_function(
        "() => { const v = document.querySelector('section.viewer').warisanViewer;"
        " return v && v.world.getItemAt(0) && v.world.getItemAt(0).getFullyLoaded(); }"
    )
    line.focus()
    operator.wait_for_selector(".line-box", state="attached")
    box = [int(v) for v in operator.locator(".line-box").get_attribute("data-box").split(",")]
    assert box[0] <= printed[0] and box[0] + box[2] >= printed[0] + printed[2] // 2
    fixed = " ".join(WORD if w.startswith("Kuc") else w for w in misread.split())
    assert WORD in fixed, misread
    line.fill(fixed)
    operator.click(".correct-form [type=submit]")
    operator.wait_for_selector(".flash")
    assert operator.locator(".flash").inner_text() == "Your correction was saved as version 1."
    assert operator.locator("table.versions tbody tr").count() == 1
    with app.app_context():  # the indexing job's body, as a worker runs it
        services = get_services()
        assert indexing.drain(services.catalog, services.search) >= 1

    visitor.goto(f"{base}/search?q={WORD}")
    assert (
        visitor.locator(".results a[href^='/records/']")
        .first.get_attribute("href")
        .startswith(record)
    )
    visitor.goto(f"{base}{record}?q={WORD}")
    wait_for_viewer(visitor, 1)
    assert visitor.locator(".corrected-badge").inner_text() == "Text corrected by Pustaka Rajang"
    assert WORD in visitor.locator("#page-text > pre").inner_text()
    geometry = screen_geometry(visitor)
    [hit] = geometry["boxes"]
    scale = geometry["img"]["w"] / 1400
    expected_x = geometry["img"]["x"] + printed[0] * scale
    assert abs(hit["x"] - expected_x) < 12 * scale + 2
    # the corrected word keeps the box the OCR gave the worn word: the printed part of it
    assert printed[2] * scale * 0.3 < hit["w"] <= (printed[2] + 12) * scale
    # the script shows another page's text and comes back: badge and OCR text again
    visitor.click(".page-strip a[data-page='2']")
    visitor.wait_for_function("() => !document.querySelector('#page-text .corrected-badge')")
    visitor.click(".page-strip a[data-page='1']")
    visitor.wait_for_selector("#page-text .corrected-badge")
    assert WORD in visitor.locator("#page-text > pre").inner_text()
    assert "Kuc " in visitor.locator("#page-text details pre").text_content()
    assert problems == []
    _screenshots(browser, base, record)
    context.close()
    visitor.context.close()


def _screenshots(browser, base: str, record: str) -> None:
    """The correction page and the corrected record page in each language and size."""
    for language, locale in LOCALES.items():
        context = browser.new_context(locale=locale, viewport=axe.VIEWPORTS["desktop"])
        tab = context.new_page()
        tab.goto(f"{base}/workspace/login")
        tab.fill("#email", OPERATOR)
        tab.fill("#password", PASSWORD)
        tab.click("form.login-form [type=submit]")
        tab.wait_for_url(f"{base}/workspace/")
        tab.goto(f"{base}{record}?q={WORD}")
        wait_for_viewer(tab, 1)
        correct_url = tab.locator("a.correct-link").get_attribute("href")
        for size, viewport in axe.VIEWPORTS.items():
            tab.set_viewport_size(viewport)
            axe.screenshot(tab, f"corrections-{language}-record-{size}")
        tab.goto(base + correct_url)
        tab.locator(".correct-lines input[type=text]").first.focus()
        tab.wait_for_selector(".line-box", state="attached")
        for size, viewport in axe.VIEWPORTS.items():
            tab.set_viewport_size(viewport)
            axe.screenshot(tab, f"corrections-{language}-page-{size}")
        context.close()
