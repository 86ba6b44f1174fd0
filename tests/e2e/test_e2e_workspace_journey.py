"""A partner's new curator, from the invitation mail to withdrawing and restoring a
record, in Chromium against a live portal, with axe-core checking every page on the way.

The mail goes through a real SMTP server (aiosmtpd on loopback); the browser follows the
link it carries, sets a password, logs out and in again with it, withdraws a record of
its partner with a reason, and a visitor sees the record gone from search and answering
410 Gone; after the restore, it is back in search and answers 200. The index is brought
up to date between the steps by the body of the indexing job (``indexing.drain``), which
a worker runs in production.
"""

from __future__ import annotations

import pytest

from portal import create_app
from portal.services import get_services
from search import indexing
from tests.e2e import axe
from tests.e2e.conftest import require_browser, serve
from tests.e2e.test_e2e_portal import _compile_translations
from tests.portal.public.conftest import build_library
from tests.support.mail import Mailbox
from tests.support.web import PASSWORD, make_user

pytestmark = pytest.mark.browser

ADMIN = "admin.rajang@example.org"
INVITEE = "kurator.baru@example.org"
NEW_PASSWORD = "tiga kata sandi panjang"
REASON = "Hak cipta belum jelas <b>(diperiksa)</b>"
TITLE = "Hikajat Radja-Radja Sambas"


@pytest.fixture
def live(tmp_path):
    """(base URL, app, library, mailbox): the portal with the test library, the partner
    admin of ``rajang`` and a real SMTP server its mail goes to."""
    require_browser()
    axe.require_axe()
    mailbox = Mailbox().start()
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "e2e-journey",
            "WTF_CSRF_ENABLED": True,
            "MAIL_URL": mailbox.url,
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_translations(tmp_path / "tr")),
        }
    )
    with app.app_context():
        services = get_services()
        services.catalog.upgrade()
    library = build_library(app)
    with app.app_context():
        services.search.reindex()
        make_user(services.catalog, ADMIN, ("partner-admin", "rajang"))
    try:
        with serve(app) as base:
            yield base, app, library, mailbox
    finally:
        app.extensions["warisan"].close()
        mailbox.stop()


class Steps:
    """Runs axe on each page of the journey and keeps a screenshot of it."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.count = 0

    def check(self, page, name: str) -> None:
        self.count += 1
        label = f"journey-{self.count:02d}-{name}"
        self.problems.extend(axe.check(page, label))
        axe.screenshot(page, label)


def _drain(app) -> None:
    with app.app_context():
        services = get_services()
        indexing.drain(services.catalog, services.search)


def _titles_found(page, base: str) -> list[str]:
    response = page.goto(base + "/search?q=hikajat")
    assert response.status == 200
    return page.locator("ol.record-list h3 a").all_inner_texts()


def test_invited_curator_withdraws_and_restores_a_record(live, browser):
    base, app, library, mailbox = live
    steps = Steps()
    contexts = [browser.new_context(locale=locale) for locale in ("en-GB", "id-ID", "en-GB")]
    admin, curator, visitor = (context.new_page() for context in contexts)
    try:
        # The partner admin invites a curator, the invitation to be in Indonesian.
        admin.goto(base + "/workspace/login")
        admin.fill("#email", ADMIN)
        admin.fill("#password", PASSWORD)
        admin.click("form.login-form [type=submit]")
        admin.wait_for_url(base + "/workspace/")
        admin.goto(base + "/workspace/partners/rajang/members")
        steps.check(admin, "members")
        admin.fill("form.invite-form #email", INVITEE)
        admin.select_option("form.invite-form #role", "curator")
        admin.select_option("form.invite-form #language", "id")
        admin.click("form.invite-form [type=submit]")
        admin.wait_for_load_state()
        assert INVITEE in admin.inner_text("main")  # among the pending invitations
        steps.check(admin, "invited")

        # The mail arrived at the SMTP server; its one link opens the invitation.
        mail = mailbox.last(INVITEE)
        link = mailbox.link(INVITEE)
        assert link.startswith(base + "/workspace/invitations/")
        assert "Pustaka Warisan Rajang" in Mailbox.body(mail)
        assert curator.goto(link).status == 200
        assert curator.locator("html").get_attribute("lang") == "id"
        steps.check(curator, "invitation")
        curator.fill("form.join-form #name", "Kurator Baru")
        curator.fill("form.join-form #password", NEW_PASSWORD)
        curator.fill("form.join-form #repeat", NEW_PASSWORD)
        curator.click("form.join-form [type=submit]")
        curator.wait_for_url(base + "/workspace/")
        steps.check(curator, "joined")

        # Out, and in again with the password just chosen.
        curator.click("form.logout-form [type=submit]")
        curator.wait_for_url(base + "/")
        curator.goto(base + "/workspace/login")
        curator.fill("#email", INVITEE)
        curator.fill("#password", NEW_PASSWORD)
        curator.click("form.login-form [type=submit]")
        curator.wait_for_url(base + "/workspace/")
        assert "Kurator Baru" in curator.inner_text("main")

        # The partner's record, found through the workspace, is withdrawn with a reason.
        curator.goto(base + "/workspace/partners/rajang/records")
        steps.check(curator, "records")
        curator.click(f"table.records-table a:text-is('{TITLE}')")
        curator.wait_for_url(f"{base}/workspace/records/{library.manuscript}")
        steps.check(curator, "record")
        assert TITLE in _titles_found(visitor, base)
        withdraw = curator.locator("section[aria-labelledby='h-withdraw']")
        withdraw.locator("textarea").fill(REASON)
        withdraw.locator("[type=submit]").click()
        curator.wait_for_selector(".flash")
        steps.check(curator, "withdrawn")

        # Gone for the public: not found by search, and the page answers 410 Gone.
        _drain(app)
        assert TITLE not in _titles_found(visitor, base)
        steps.check(visitor, "search-without")
        gone = visitor.goto(f"{base}/records/{library.manuscript}")
        assert gone.status == 410
        assert "withdrawn by the partner" in visitor.inner_text("main")
        assert REASON in visitor.inner_text("main")  # the markup shown as text
        steps.check(visitor, "gone")

        # Restored: back in search, and the page answers 200 again.
        curator.reload()
        curator.locator("section[aria-labelledby='h-withdraw'] [type=submit]").click()
        curator.wait_for_selector(".flash")
        steps.check(curator, "restored")
        _drain(app)
        assert TITLE in _titles_found(visitor, base)
        steps.check(visitor, "search-with")
        assert visitor.goto(f"{base}/records/{library.manuscript}").status == 200
        assert visitor.inner_text("h1") == TITLE
        steps.check(visitor, "back")
    finally:
        for context in contexts:
            context.close()
    assert steps.problems == [], "axe found serious or critical violations:\n" + "\n".join(
        steps.problems
    )
