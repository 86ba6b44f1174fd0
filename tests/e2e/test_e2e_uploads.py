"""Uploading a batch of scans in Chromium: an operator logs in, opens a batch, adds real
files through Uppy's file chooser, and watches each file's progress end — the good ones
received, each hostile one refused with its reason while the rest of the batch goes on.
Then the server is killed (``kill -9``) in the middle of an upload and started again on
the same port and instance: Uppy carries on from the offset the server kept.

Screenshots of the batch page in English, Indonesian and Malay, at desktop and phone
sizes, go to :data:`tests.e2e.axe.SCREENSHOTS`; axe checks the page with its files.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog import accounts
from catalog.upload_models import Upload
from ingest import upload_batches
from portal import create_app
from portal.services import get_services
from tests.e2e import axe
from tests.e2e.conftest import require_browser, serve
from tests.e2e.test_e2e_portal import _compile_translations
from tests.support import portal_process
from tests.support.scans import hostile_files, jpeg_bytes, png_bytes, tiff_bytes
from tests.support.servers import free_port
from tests.support.web import PASSWORD, make_user

pytestmark = pytest.mark.browser

OPERATOR = "operator.rajang@example.org"
LOCALES = {"en": "en-GB", "id": "id-ID", "ms": "ms-MY"}
UPPY = Path(__file__).resolve().parents[2] / "static" / "vendor" / "uppy" / "uppy.min.js"
SETTLED = """() => {
    const uppy = document.getElementById('batch-upload').warisanUppy;
    const files = uppy.getFiles();
    return files.length === %d && files.every((f) => f.progress.uploadComplete || f.error);
}"""


def _require_uppy() -> None:
    require_browser()
    if not UPPY.is_file():
        pytest.skip("Uppy is not built in static/vendor/uppy: run make portal-assets")


def _setup(instance: Path) -> tuple[object, int]:
    """A catalogue with partner rajang, its operator and an open batch: (app, batch id)."""
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "e2e-uploads",
            "WTF_CSRF_ENABLED": True,
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(instance.parent / "tr")),
        }
    )
    with app.app_context():
        catalog = get_services().catalog
        catalog.upgrade()
    catalog.add_partner("rajang", name="Pustaka Warisan Rajang", country="MY")
    user = make_user(catalog, OPERATOR, ("operator", "rajang"))
    batch = upload_batches.create_batch(
        catalog, accounts.principal(catalog, user), "rajang", "Kotak surat 1936", "zsm"
    )
    return app, batch.id


def _log_in(page, base: str) -> None:
    page.goto(base + "/workspace/login")
    page.fill("#email", OPERATOR)
    page.fill("#password", PASSWORD)
    page.click("form.login-form [type=submit]")
    page.wait_for_url(base + "/workspace/")


def _choose(page, paths: list[Path]) -> None:
    """Add files through the Dashboard's own file chooser (its hidden input)."""
    page.wait_for_selector(".uppy-Dashboard-input", state="attached")
    page.locator(".uppy-Dashboard-input").first.set_input_files([str(p) for p in paths])


def _rows(page) -> dict[str, dict[str, str]]:
    return page.evaluate(
        """() => Object.fromEntries(Array.from(
            document.querySelectorAll('#batch-files tbody tr[data-upload]')).map((r) => {
                const cells = Array.from(r.cells).map((c) => c.textContent.trim());
                return [cells[0], {state: r.className, message: cells[4], pages: cells[3]}];
            }))"""
    )


@pytest.fixture
def files(tmp_path) -> tuple[list[Path], dict[str, str]]:
    """Good scans and hostile files on disk: (paths, {hostile name: words of its reason})."""
    folder = tmp_path / "scans"
    folder.mkdir()
    good = {
        "surat-1936.tif": tiff_bytes(pages=2),
        "peta-kuching.jpg": jpeg_bytes(),
        "gambar.png": png_bytes(),
    }
    paths = []
    for name, content in good.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    reasons = {}
    for name, (content, words) in hostile_files().items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
        reasons[name] = words
    return paths, reasons


def test_a_batch_uploads_and_each_hostile_file_says_why(browser, tmp_path, files):
    _require_uppy()
    axe.require_axe()
    paths, reasons = files
    app, batch = _setup(tmp_path / "instance")
    problems: list[str] = []
    try:
        with serve(app) as base:
            context = browser.new_context(locale="en-GB", viewport=axe.VIEWPORTS["desktop"])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            _log_in(page, base)
            page.goto(f"{base}/workspace/partners/rajang/batches")
            page.click(f"a[href='/workspace/batches/{batch}']")
            page.wait_for_selector(".uppy-Dashboard")
            _choose(page, paths)
            page.wait_for_function(SETTLED % len(paths), timeout=60_000)

            complete = page.locator(".uppy-Dashboard-Item.is-complete")
            refused = page.locator(".uppy-Dashboard-Item.is-error")
            assert (complete.count(), refused.count()) == (3, len(reasons))
            for name, words in reasons.items():
                item = page.locator(".uppy-Dashboard-Item.is-error", has_text=name)
                detail = item.locator(".uppy-Dashboard-Item-errorDetails")
                assert words in detail.get_attribute("aria-label"), name
            page.wait_for_function(
                "n => document.querySelectorAll('#batch-files tbody tr[data-upload]').length === n"
                " && !document.querySelector('#batch-files tr.upload-receiving')",
                arg=len(paths),
            )
            axe.screenshot(page, "uploads-batch-en-desktop-after-upload")
            rows = _rows(page)
            for name in ("surat-1936.tif", "peta-kuching.jpg", "gambar.png"):
                assert rows[name]["state"] == "upload-complete", rows[name]
            assert rows["surat-1936.tif"]["pages"] == "2"
            for name, words in reasons.items():
                assert rows[name]["state"] == "upload-rejected" and words in rows[name]["message"]
            assert errors == []
            context.close()
            _look_in_three_languages(browser, base, batch, problems)
    finally:
        app.extensions["warisan"].close()
    assert problems == [], "axe found serious or critical violations:\n" + "\n".join(problems)


def _look_in_three_languages(browser, base: str, batch: int, problems: list[str]) -> None:
    """The batch page with its files: axe, and screenshots at desktop and phone size."""
    for language, locale in LOCALES.items():
        context = browser.new_context(locale=locale, viewport=axe.VIEWPORTS["desktop"])
        page = context.new_page()
        _log_in(page, base)
        page.goto(f"{base}/workspace/batches/{batch}")
        page.wait_for_selector(".uppy-Dashboard")
        assert page.locator("html").get_attribute("lang") == language
        for size, viewport in axe.VIEWPORTS.items():
            page.set_viewport_size(viewport)
            problems.extend(axe.check(page, f"batch {language} {size}"))
            axe.screenshot(page, f"uploads-batch-{language}-{size}")
        context.close()


def test_an_upload_goes_on_after_the_server_is_killed_and_started_again(browser, tmp_path):
    """kill -9 mid-upload, the same port and instance again: Uppy asks the offset (HEAD)
    and sends the rest from there (a PATCH at a non-zero offset)."""
    _require_uppy()
    instance = tmp_path / "instance"
    app, batch = _setup(instance)
    app.extensions["warisan"].close()  # the child process serves this instance
    big = tmp_path / "master.tif"
    big.write_bytes(tiff_bytes(size=(3000, 2000)))  # 6 MB, uncompressed
    port = free_port()
    settings = {
        "SECRET_KEY": "e2e-uploads",
        "BABEL_TRANSLATION_DIRECTORIES": str(instance.parent / "tr"),
    }
    log = str(tmp_path / "server.log")
    server = portal_process.start(port, str(instance), settings, log)
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(locale="en-GB", viewport=axe.VIEWPORTS["desktop"])
    page = context.new_page()
    patches: list[tuple[int, str]] = []
    page.on(
        "request",
        lambda r: (
            r.method == "PATCH"
            and patches.append((int(r.headers.get("upload-offset", "-1")), r.url))
        ),
    )
    try:
        _log_in(page, base)
        page.goto(f"{base}/workspace/batches/{batch}")
        page.wait_for_selector(".uppy-Dashboard")
        cdp = context.new_cdp_session(page)  # a slow line: 6 MB take about 6 s
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": 1024 * 1024,
            },
        )
        _choose(page, [big])
        part = _wait_for_bytes(instance / "uploads", 1024 * 1024)
        portal_process.kill(server)
        kept = part.stat().st_size
        assert 0 < kept < big.stat().st_size
        server = portal_process.start(port, str(instance), settings, log)
        cdp.send("Network.emulateNetworkConditions", _unthrottled())
        page.wait_for_function(SETTLED % 1, timeout=90_000)
        assert page.locator(".uppy-Dashboard-Item.is-complete").count() == 1
        resumed = [offset for offset, _url in patches if offset > 0]
        assert resumed and resumed[0] <= kept, patches
        with app.app_context(), get_services().catalog.session() as s:
            row = s.scalars(select(Upload)).one()
        assert (row.status, row.offset) == ("complete", big.stat().st_size)
        assert row.pages == 1
    finally:
        context.close()
        portal_process.kill(server)
        app.extensions["warisan"].close()


def _unthrottled() -> dict:
    return {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def _wait_for_bytes(folder: Path, at_least: int) -> Path:
    """The ``.part`` file once the server has written ``at_least`` bytes of it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for part in folder.glob("*.part"):
            if part.stat().st_size >= at_least:
                return part
        time.sleep(0.05)
    raise AssertionError("the upload never reached the server")
