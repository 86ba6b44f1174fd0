"""Every public and workspace page in Chromium, in English, Indonesian and Malay, checked
by axe-core: no ``serious`` or ``critical`` violation anywhere.

The workspace pages are not listed by hand: every GET rule under ``/workspace/`` in
``app.url_map`` is visited, at the example URL the authorization matrix gives for it, as
the first principal the matrix lets see it (pages behind a mailed link, at a real link).
A new workspace page is therefore checked
the day it is added; one that cannot be shown this way (POST only, a page that needs a
real token) must be named in :data:`SKIP` with the reason, or the test fails.

Each page is also saved as a screenshot at desktop and phone sizes
(:data:`tests.e2e.axe.SCREENSHOTS`) for people to look at.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from sqlalchemy import update

from catalog import accounts, controls, invitations, password_resets
from catalog.models import Page
from ingest import batches, corrections, suggestions, upload_batches, uploads
from ingest.upload_settings import UploadSettings
from portal import create_app
from portal.services import get_services
from tests.e2e import axe
from tests.e2e.conftest import require_browser, serve
from tests.e2e.test_e2e_portal import _compile_translations
from tests.portal.public.conftest import build_library
from tests.portal.test_authorization_matrix import MATRIX
from tests.support.drafts import make_draft
from tests.support.scans import jpeg_bytes
from tests.support.web import PASSWORD, make_user

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-GB", "id": "id-ID", "ms": "ms-MY"}

PUBLIC = (
    # (name, URL template with the library's ids, expected status)
    ("home", "/", 200),
    ("search", "/search?q=hikajat", 200),
    ("search-all-facets", "/search?q=", 200),
    ("search-narrowed", "/search?q=&country=ID", 200),
    ("search-nothing", "/search?q=zzzqqq", 200),
    ("browse", "/browse/", 200),
    ("partners", "/browse/partners", 200),
    ("partner", "/browse/partners/rajang", 200),
    ("record-viewer", "/records/{manuscript}?q=radja", 200),
    ("record-plain", "/records/{plain}", 200),
    ("status", "/status", 200),
    ("not-found", "/no-such-page", 404),
    ("record-not-found", "/records/999999", 404),
    ("record-withdrawn", "/records/{hostile}", 410),
)

SKIP = {
    "/workspace/logout": "POST only: the button is on every workspace page checked here",
    "/workspace/pages/<int:page_id>/<any(thumb, display):kind>": (
        "an image: the review screen checked here shows it"
    ),
    "/workspace/batches/<int:batch_id>/files": "JSON for the batch page's script, not a page",
    "/workspace/sheets/template.<fmt>": "a file to download (XLSX or CSV), not a page",
}
"""Workspace GET rules this test does not open, each with the reason."""

# Who opens a workspace page: the first of these the authorization matrix lets see it.
VISITORS = ("consortium admin", "partner admin of A", "anonymous")
EMAILS = {"consortium admin": "konsortium@example.org", "partner admin of A": "rajang@example.org"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The portal with the test library (its hostile record withdrawn) and two members,
    on a loopback server: (base URL, app, library)."""
    require_browser()
    axe.require_axe()
    folder = tmp_path_factory.mktemp("a11y")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "e2e-a11y",
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(folder / "tr")),
        }
    )
    with app.app_context():
        get_services().catalog.upgrade()
    library = build_library(app)
    with app.app_context():
        services = get_services()
        admin = make_user(services.catalog, EMAILS["consortium admin"], ("consortium-admin", None))
        make_user(services.catalog, EMAILS["partner admin of A"], ("partner-admin", "rajang"))
        who = accounts.principal(services.catalog, admin)
        controls.withdraw(services.catalog, who, [library.hostile], "Withdrawn <b>for</b> a test")
        # a corrected page: its badge and OCR text in the viewer, versions in the workspace
        corrections.correct(services.catalog, who, library.page_ids[0], {2: "Sambas <i>"})
        # and a researcher's suggestion waiting on it (the partner takes them)
        suggestions.allow_suggestions(services.catalog, who, "rajang", True)
        reader = make_user(services.catalog, "reader@example.org")
        reader = accounts.principal(services.catalog, reader)
        suggestions.suggest(services.catalog, reader, library.page_ids[0], {1: "Hikayat radja"})
        services.search.reindex()
        _, invitation = invitations.create_invitation(
            services.catalog, "invited@example.org", "curator", "rajang", actor=admin
        )
        forgetful = make_user(services.catalog, "forgetful@example.org", ("curator", "rajang"))
        reset = password_resets.reset_token(forgetful, app.config["SECRET_KEY"])
        _batch_with_files(app, services.catalog, accounts.principal(services.catalog, admin))
        draft = make_draft(
            services.catalog, services.files, "rajang", [["Satu", "Dua"], ["Tiga"]], tmp=folder
        )
        with services.catalog.session() as s:  # as if read (a pending page keeps /status busy)
            for page_id, confidence in zip(draft.page_ids, (91.5, 47.0, 78.0), strict=True):
                s.execute(
                    update(Page)
                    .where(Page.id == page_id)
                    .values(ocr_status="done", mean_confidence=confidence, text="Warisan")
                )
        # batch 1's sheet: errors, a note, and a cell that must show as text
        sheet = (
            "local_id;berkas;judul;jenis;warna\nA1;surat.jpg;<b>Syair</b> Rajang;naskah;\n"
            "A2;;Peta;xyz;merah\n"
        )
        batches.attach_sheet(services.catalog, who, 1, "koleksi.csv", sheet.encode())
    # A draft's review screen, with every page action (the matrix's example is public).
    app.config["A11Y_DRAFT_REVIEW"] = f"/workspace/records/{draft.record_id}/review"
    # Pages behind a link from a mail: opened (GET only, which uses nothing up) anonymously.
    app.config["A11Y_LINKS"] = {
        "/workspace/invitations/<token>": f"/workspace/invitations/{invitation}",
        "/workspace/password/reset/<token>": f"/workspace/password/reset/{reset}",
    }
    with serve(app) as base:
        yield base, app, library
    app.extensions["warisan"].close()


def _batch_with_files(app, catalog, who) -> None:
    """Upload batch 1 of rajang (the matrix's example) with a received and a refused file."""
    settings = UploadSettings.from_config(app.config)
    batch = upload_batches.create_batch(catalog, who, "rajang", "Kotak 1", "ind")
    for name, content in (("surat.jpg", jpeg_bytes()), ("notes.tif", b"Minutes\n" * 40)):
        upload = uploads.create(catalog, settings, who, batch.id, len(content), {"filename": name})
        uploads.append(catalog, settings, who, upload.id, 0, io.BytesIO(content))


def workspace_pages(app) -> list[tuple[str, str, str]]:
    """(rule, example URL template, visitor) for every workspace GET rule not skipped:
    a page behind a mailed link at a real link made by the fixture, any other at the
    matrix's example as the first of :data:`VISITORS` the matrix lets see it."""
    pages, unchecked = [], []
    for rule in sorted({r.rule for r in app.url_map.iter_rules() if "GET" in r.methods}):
        if not rule.startswith("/workspace/") or rule in SKIP:
            continue
        if rule in app.config["A11Y_LINKS"]:
            pages.append((rule, app.config["A11Y_LINKS"][rule], "anonymous"))
            continue
        template, outcome = MATRIX[rule]
        seen_by = [
            p for p in VISITORS if (outcome[p] if isinstance(outcome, dict) else outcome) == 200
        ]
        if seen_by:
            pages.append((rule, template, seen_by[0]))
        else:
            unchecked.append(rule)
    assert unchecked == [], (
        "workspace pages no visitor of this test can open: give them a way in or a reason in SKIP"
    )
    return pages


def _visit(page, url: str, status: int) -> None:
    response = page.goto(url)
    assert response.status == status, (url, response.status)
    page.wait_for_load_state("load")


def _look(page, name: str, problems: list[str], shots: list) -> None:
    """axe and a screenshot at desktop and at phone size (a table or a form that does
    not fit a phone can hide content from keyboards there only)."""
    for size, viewport in axe.VIEWPORTS.items():
        page.set_viewport_size(viewport)
        problems.extend(axe.check(page, f"{name} [{size}]"))
        shots.append(axe.screenshot(page, f"{name}-{size}"))
    page.set_viewport_size(axe.VIEWPORTS["desktop"])


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/workspace/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.login-form [type=submit]")
    page.wait_for_url(base + "/workspace/")


@pytest.mark.parametrize("language", list(LOCALES))
def test_every_page_passes_axe(site, browser, language):
    base, app, library = site
    ids = dataclasses.asdict(library)
    problems: list[str] = []
    shots: list = []
    contexts = {}

    def tab(visitor: str):
        if visitor not in contexts:
            context = browser.new_context(
                locale=LOCALES[language], viewport=axe.VIEWPORTS["desktop"]
            )
            contexts[visitor] = context.new_page()
            if visitor in EMAILS:
                _log_in(contexts[visitor], base, EMAILS[visitor])
        return contexts[visitor]

    try:
        anonymous = tab("anonymous")
        for name, template, status in PUBLIC:
            _visit(anonymous, base + template.format(**ids), status)
            assert anonymous.locator("html").get_attribute("lang") == language
            _look(anonymous, f"{language}-public-{name}", problems, shots)
        _visit(anonymous, base + "/workspace/login", 200)
        anonymous.fill("#email", "nobody@example.org")
        anonymous.fill("#password", "wrong password, surely")
        anonymous.click("form.login-form [type=submit]")
        anonymous.wait_for_selector(".error-message")
        _look(anonymous, f"{language}-workspace-login-failed", problems, shots)
        for rule, template, visitor in workspace_pages(app):
            page = tab(visitor)
            _visit(page, base + template.format(**ids), 200)
            assert page.locator("html").get_attribute("lang") == language
            name = rule.strip("/").replace("/", "-").replace("<", "").replace(">", "")
            _look(page, f"{language}-{name}", problems, shots)
        page = tab("partner admin of A")
        _visit(page, base + app.config["A11Y_DRAFT_REVIEW"], 200)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        _look(page, f"{language}-workspace-review-draft", problems, shots)
    finally:
        for page in contexts.values():
            page.context.close()
    print(f"\n{len(shots)} screenshots in {axe.SCREENSHOTS}")
    assert problems == [], "axe found serious or critical violations:\n" + "\n".join(problems)


def test_axe_catches_what_it_should(page):
    """The helper is not blind: an invalid ``lang``, an image without text and a field
    without a label are reported (what the portal once had: ``lang="ind"``)."""
    require_browser()
    axe.require_axe()
    page.set_content(
        '<!doctype html><html lang="ind"><head><title>t</title></head><body><main>'
        '<h1>t</h1><img src="data:,"><input type="text"><p lang="xx1">a</p></main></body></html>'
    )
    found = {v["id"] for v in axe.violations(page)}
    assert {"html-lang-valid", "image-alt", "label", "valid-lang"} <= found, found
