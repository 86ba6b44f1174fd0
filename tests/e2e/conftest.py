"""Shared pieces of the browser tests: Debian Chromium through Playwright (never a
downloaded browser), a page that records console errors, a loopback server, and the
geometry of the page viewer."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from portal import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OSD = ROOT / "static" / "vendor" / "openseadragon" / "openseadragon.min.js"


def require_browser() -> None:
    """Skip (fail on CI) when Chromium or the OpenSeadragon assets are missing."""
    if not OSD.is_file():
        message = "OpenSeadragon is not installed in static/vendor: run make portal-assets"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is not installed")


@contextlib.contextmanager
def serve(app):
    """Serve ``app`` on a loopback port; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, page errors and dialogs."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on(
        "console",
        lambda m: m.type == "error" and tab.problems.append(f"console: {m.text} ({m.location})"),
    )
    tab.on("pageerror", lambda e: tab.problems.append(f"pageerror: {e}"))
    tab.on("dialog", lambda d: (tab.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield tab
    context.close()


GEOMETRY = """() => {
    const section = document.querySelector('section.viewer');
    const viewer = section.warisanViewer;
    const bounds = viewer.world.getItemAt(0).getBounds();
    const topLeft = viewer.viewport.viewportToViewerElementCoordinates(bounds.getTopLeft());
    const bottomRight = viewer.viewport.viewportToViewerElementCoordinates(
        bounds.getBottomRight());
    const element = section.querySelector('.viewer-image').getBoundingClientRect();
    const boxes = Array.from(section.querySelectorAll('.hit-box')).map((el) => {
        const r = el.getBoundingClientRect();
        return {x: r.left, y: r.top, w: r.width, h: r.height};
    });
    return {img: {x: element.left + topLeft.x, y: element.top + topLeft.y,
                  w: bottomRight.x - topLeft.x, h: bottomRight.y - topLeft.y},
            boxes: boxes};
}"""


def wait_for_viewer(page, number: int) -> None:
    """Wait until the viewer shows page ``number`` fully loaded with its hits drawn."""
    page.wait_for_selector(f"section.viewer[data-drawn='{number}']", state="attached")
    page.wait_for_function(
        "() => { const v = document.querySelector('section.viewer').warisanViewer;"
        " return v && v.world.getItemAt(0) && v.world.getItemAt(0).getFullyLoaded(); }"
    )


def screen_geometry(page) -> dict:
    """The page image's rectangle on screen and every hit box's rectangle."""
    return page.evaluate(GEOMETRY)
