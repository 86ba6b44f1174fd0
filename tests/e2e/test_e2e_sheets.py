"""A digitization operator's metadata sheet in Chromium against a live portal: an XLSX
with one error sent through the file chooser, the error shown with its row and column in
the preview (in English, Indonesian and Malay, at desktop and phone size), the corrected
sheet sent again, the batch confirmed, and the drafts in the partner's review list.

The batch and its one uploaded scan are made in the catalogue as the uploads area leaves
them (a complete upload with its bytes in the uploads folder); everything from the sheet
on goes through the browser. axe-core checks every page on the way.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from PIL import Image
from sqlalchemy import select

from catalog.models import Record
from catalog.upload_models import Upload, UploadBatch, UploadStatus
from ingest import uploads
from ingest.upload_settings import UploadSettings
from portal import create_app
from portal.services import get_services
from tests.e2e import axe
from tests.e2e.conftest import require_browser, serve
from tests.e2e.test_e2e_portal import _compile_translations
from tests.portal.public.conftest import build_library
from tests.support.web import PASSWORD, make_user

pytestmark = pytest.mark.browser

OPERATOR = "operator.rajang@example.org"
HEADER = ["local_id", "files", "title", "date", "language", "type", "subjects"]
ROWS = [
    ["KR-1", "hikayat-001.png", "Hikayat Raja Pasai <b>tebal</b>", "abad ke-19", "msa",
     "manuscript", "Sejarah; Pasai"],
    ["KR-2", "", "Peta Sungai Rajang", "1890", "msa", "peta kuno sekali", ""],
]  # fmt: skip
LANGUAGES = {"en": "en-GB", "id": "id-ID", "ms": "ms-MY"}


@pytest.fixture
def live(tmp_path):
    """(base URL, app, batch id): the portal with the test library, an operator of
    ``rajang`` and an open batch of it holding one uploaded scan."""
    require_browser()
    axe.require_axe()
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "e2e-sheets",
            "WTF_CSRF_ENABLED": True,
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(tmp_path / "tr")),
        }
    )
    with app.app_context():
        services = get_services()
        services.catalog.upgrade()
    build_library(app)
    with app.app_context():
        user = make_user(services.catalog, OPERATOR, ("operator", "rajang"))
        settings = UploadSettings.from_config(app.config)
        settings.directory.mkdir(parents=True, exist_ok=True)
        scan = io.BytesIO()
        Image.new("RGB", (120, 80), "ivory").save(scan, "PNG")
        with services.catalog.session() as s:
            batch = UploadBatch(partner_id="rajang", user_id=user.id, label="Kotak Pasai")
            s.add(batch)
            s.flush()
            s.add(
                Upload(
                    id="e2e-scan-1", user_id=user.id, partner_id="rajang", batch_id=batch.id,
                    filename="hikayat-001.png", length=len(scan.getvalue()),
                    offset=len(scan.getvalue()), status=UploadStatus.COMPLETE,
                    media_type="image/png", pages=1,
                )
            )  # fmt: skip
            batch_id = batch.id
        uploads.upload_path(settings, "e2e-scan-1").write_bytes(scan.getvalue())
    try:
        with serve(app) as base:
            yield base, app, batch_id
    finally:
        app.extensions["warisan"].close()


def _xlsx(path, rows):
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    book.save(path)
    return path


def _send_sheet(page, path) -> None:
    """Choose the sheet with the real file chooser and send it."""
    with page.expect_file_chooser() as chooser:
        page.click("form.sheet-form input[type=file]")
    chooser.value.set_files(str(path))
    with page.expect_navigation():
        page.click("form.sheet-form button[type=submit]")


def _cells(page, table: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"#{table} tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))",
    )


def test_a_sheet_error_is_shown_fixed_and_the_batch_confirmed(live, browser, tmp_path):
    base, app, batch_id = live
    problems: list[str] = []
    context = browser.new_context(locale="en-GB", viewport=axe.VIEWPORTS["desktop"])
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    try:
        page.goto(base + "/workspace/login")
        page.fill("#email", OPERATOR)
        page.fill("#password", PASSWORD)
        page.click("form.login-form [type=submit]")
        page.wait_for_url(base + "/workspace/")
        preview = f"{base}/workspace/batches/{batch_id}/preview"
        page.goto(f"{base}/workspace/batches/{batch_id}")  # the batch page: its sheet form

        _send_sheet(page, _xlsx(tmp_path / "koleksi.xlsx", ROWS))
        assert page.url == preview
        assert _cells(page, "sheet-errors") == [
            ["3", "type", page.locator("#sheet-errors td").nth(2).inner_text().strip()]
        ]
        error = _cells(page, "sheet-errors")[0][2]
        assert error.startswith("Type “peta kuno sekali” is not one of")
        rows = _cells(page, "sheet-rows")
        assert rows[0][1] == "New draft record" and rows[0][4] == "hikayat-001.png"
        assert rows[0][2].startswith("Hikayat Raja Pasai <b>tebal</b>")  # shown as text
        assert rows[1][1] == "Not catalogued: fix its errors"
        assert page.locator("form[action$='/confirm']").count() == 0
        for language, locale in LANGUAGES.items():
            page.goto(f"{base}/language/{language}?next=/workspace/batches/{batch_id}/preview")
            assert page.locator("html").get_attribute("lang") == language
            expected = {"en": "type", "id": "jenis", "ms": "jenis"}[language]
            assert _cells(page, "sheet-errors")[0][:2] == ["3", expected], locale
            for size, viewport in axe.VIEWPORTS.items():
                page.set_viewport_size(viewport)
                problems.extend(axe.check(page, f"sheets-preview-{language}-{size}"))
                axe.screenshot(page, f"sheets-preview-errors-{language}-{size}")
            page.set_viewport_size(axe.VIEWPORTS["desktop"])
        page.goto(f"{base}/language/en?next=/workspace/batches/{batch_id}/preview")

        fixed = [ROWS[0], [*ROWS[1][:5], "map", ""]]
        _send_sheet(page, _xlsx(tmp_path / "koleksi-betul.xlsx", fixed))
        assert _cells(page, "sheet-errors") == []
        assert [r[1] for r in _cells(page, "sheet-rows")] == ["New draft record"] * 2
        problems.extend(axe.check(page, "sheets-02-fixed"))
        axe.screenshot(page, "sheets-preview-fixed-en-desktop")
        with page.expect_navigation():
            page.click("form[action$='/confirm'] button")
        assert page.url == f"{base}/workspace/partners/rajang/records?state=draft"
        listing = page.locator("table.records-table").inner_text()
        assert "Hikayat Raja Pasai <b>tebal</b>" in listing and "Peta Sungai Rajang" in listing
        assert "Batch confirmed: 2 new draft record(s)" in page.locator(".flashes").inner_text()
        problems.extend(axe.check(page, "sheets-03-drafts"))
        axe.screenshot(page, "sheets-drafts-en-desktop")

        # The same sheet in a new batch, without its scan: every row unchanged, nothing added.
        with app.app_context(), get_services().catalog.session() as s:
            made_ids = {r.local_id: r.id for r in s.scalars(select(Record).where(
                Record.batch_id == batch_id))}  # fmt: skip
        page.goto(f"{base}/workspace/partners/rajang/batches")
        page.fill("form.batch-form input[name=label]", "Kotak Pasai lagi")
        with page.expect_navigation():
            page.click("form.batch-form [type=submit]")
        _send_sheet(page, tmp_path / "koleksi-betul.xlsx")
        again = _cells(page, "sheet-rows")
        assert [r[1] for r in again] == [
            f"Record {made_ids['KR-1']}, unchanged",
            f"Record {made_ids['KR-2']}, unchanged",
        ]
        assert _cells(page, "sheet-errors") == []
        assert _cells(page, "sheet-notes")[0][:2] == ["2", "files"]  # the scan is kept
        axe.screenshot(page, "sheets-preview-again-en-desktop")
        with page.expect_navigation():
            page.click("form[action$='/confirm'] button")
        assert "Batch confirmed: 0 new draft record(s), 0 updated" in page.inner_text(".flashes")
    finally:
        context.close()
    with app.app_context(), get_services().catalog.session() as s:
        assert len(list(s.scalars(select(Record).where(Record.local_id.is_not(None))))) == 2
        made = {r.local_id: r for r in s.scalars(select(Record).where(Record.batch_id == batch_id))}
        assert {k: (r.draft, r.origin) for k, r in made.items()} == {
            "KR-1": (True, "uploaded"),
            "KR-2": (True, "catalogued"),
        }
        assert [o.label for o in made["KR-1"].objects] == ["hikayat-001.png"]
    assert problems == [], "\n".join(problems)
