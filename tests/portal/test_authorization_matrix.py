"""The authorization matrix: every route of ``app.url_map`` × every kind of visitor.

ONE table, :data:`MATRIX`, says what each rule answers, asked with real ids of a small
library (records, an object with pages, files). A public rule has one outcome for
everybody; a workspace rule has one per principal. A rule missing from the table — a
new route nobody thought about — fails the test, and so does an entry for a rule that no
longer exists. The principals are real users made through :mod:`catalog.accounts` and
logged in through the real login form with CSRF on; nothing fakes ``current_user``.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs

import pytest
from werkzeug.exceptions import MethodNotAllowed

from catalog.upload_models import UploadBatch
from portal.services import get_services
from tests.portal.public.conftest import build_library
from tests.support.web import log_in, make_user

PRINCIPALS = (
    "anonymous",
    "researcher",
    "operator of A",
    "curator of A",
    "partner admin of A",
    "partner admin of B",
    "consortium admin",
)
MEMBERS = PRINCIPALS[2:]

# Outcomes: an HTTP status, or LOGIN (302 to the login form, next= the page) or
# WORKSPACE (302 to the workspace home).
LOGIN = "login"
WORKSPACE = "workspace"

UPLOADERS_OF_A = {
    "anonymous": LOGIN,
    **{p: 403 for p in PRINCIPALS[1:]},
    "operator of A": 200,
    "partner admin of A": 200,
    "consortium admin": 200,
}
"""A page of partner A's upload batches: the roles that may upload scans there."""

MATRIX: dict[str, tuple[str, object]] = {
    # rule: (URL asked for with GET, outcome for all | {principal: outcome}).
    # {names} are filled from the library fixture (tests/portal/public/conftest.py):
    # partner A is "rajang", partner B "khatulistiwa".
    "/": ("/", 200),
    "/healthz": ("/healthz", 200),
    "/status": ("/status", 200),
    "/language/<code>": ("/language/ms?next=/browse/", 302),
    "/search": ("/search?q=hikayat", 200),
    "/browse/": ("/browse/", 200),
    "/browse/partners": ("/browse/partners", 200),
    "/browse/partners/<partner_id>": ("/browse/partners/rajang", 200),
    "/records/<int:record_id>": ("/records/{manuscript}", 200),
    "/records/<int:record_id>/cite.<fmt>": ("/records/{manuscript}/cite.bibtex", 200),
    "/files/<sha256>": ("/files/{display_sha}", 200),
    "/tiles/<sha256>/<int:level>/<int:col>_<int:row>.jpg": ("/tiles/{master_sha}/0/0_0.jpg", 200),
    "/static/<path:filename>": ("/static/css/warisan.css", 200),
    "/api/openapi.json": ("/api/openapi.json", 200),
    "/api/search": ("/api/search?q=hikayat", 200),
    "/api/records/<int:record_id>": ("/api/records/{manuscript}", 200),
    "/api/records/<int:record_id>/pages/<int:number>": ("/api/records/{manuscript}/pages/1", 200),
    "/api/records/<int:record_id>/search": ("/api/records/{manuscript}/search?q=sambas", 200),
    "/oai": ("/oai?verb=Identify", 200),
    "/iiif/objects/<int:object_id>/manifest.json": ("/iiif/objects/{object_id}/manifest.json", 200),
    "/iiif/objects/<int:object_id>/search": ("/iiif/objects/{object_id}/search?q=sambas", 200),
    # --- workspace ---------------------------------------------------------------------
    "/workspace/login": (
        "/workspace/login",
        {"anonymous": 200, **{p: WORKSPACE for p in PRINCIPALS[1:]}},
    ),
    "/workspace/logout": ("/workspace/logout", 405),  # POST only (tests/portal/test_auth.py)
    "/workspace/": (
        "/workspace/",
        {"anonymous": LOGIN, "researcher": 403, **{p: 200 for p in MEMBERS}},
    ),
    "/workspace/partners/<partner_id>/": (
        "/workspace/partners/rajang/",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "partner admin of B": 403,
            **{p: 200 for p in MEMBERS if p != "partner admin of B"},
        },
    ),
    # --- workspace: partner control over their records (portal/views/workspace/records.py);
    # POST authorization, cross-partner ids and CSRF: tests/portal/test_workspace_records.py
    "/workspace/partners/<partner_id>/records": (
        "/workspace/partners/rajang/records",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "partner admin of B": 403,
            **{p: 200 for p in MEMBERS if p != "partner admin of B"},
        },
    ),
    "/workspace/records/<int:record_id>": (
        "/workspace/records/{manuscript}",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "partner admin of B": 403,
            **{p: 200 for p in MEMBERS if p != "partner admin of B"},
        },
    ),
    "/workspace/records/<int:record_id>/withdraw": (
        "/workspace/records/{manuscript}/withdraw",
        405,
    ),
    "/workspace/records/<int:record_id>/restore": ("/workspace/records/{manuscript}/restore", 405),
    "/workspace/records/<int:record_id>/embargo": ("/workspace/records/{manuscript}/embargo", 405),
    "/workspace/records/<int:record_id>/embargo/lift": (
        "/workspace/records/{manuscript}/embargo/lift",
        405,
    ),
    "/workspace/records/<int:record_id>/access": ("/workspace/records/{manuscript}/access", 405),
    "/workspace/records/<int:record_id>/rights": ("/workspace/records/{manuscript}/rights", 405),
    # --- sheets: metadata sheets of upload batches (portal/views/workspace/sheets.py); batch
    # 1 is rajang's (the library fixture below). POSTs, cross-partner and CSRF:
    # tests/portal/test_sheets.py
    "/workspace/batches/<int:batch_id>/preview": ("/workspace/batches/1/preview", UPLOADERS_OF_A),
    "/workspace/batches/<int:batch_id>/sheet": ("/workspace/batches/1/sheet", 405),
    "/workspace/batches/<int:batch_id>/confirm": ("/workspace/batches/1/confirm", 405),
    "/workspace/sheets/template.<fmt>": (
        "/workspace/sheets/template.xlsx",
        {**UPLOADERS_OF_A, "partner admin of B": 200},
    ),
    # --- profile: partner profiles and the audit log (tests/portal/profile/) -------------
    "/workspace/partners/<partner_id>/profile": (
        "/workspace/partners/rajang/profile",
        {
            "anonymous": LOGIN,
            **{p: 403 for p in PRINCIPALS[1:]},
            "partner admin of A": 200,
            "consortium admin": 200,
        },
    ),
    "/workspace/partners/<partner_id>/profile/logo": (
        "/workspace/partners/rajang/profile/logo",
        405,  # POST only (tests/portal/profile/test_profile.py)
    ),
    "/workspace/partners/<partner_id>/audit": (
        "/workspace/partners/rajang/audit",
        {
            "anonymous": LOGIN,
            **{p: 403 for p in PRINCIPALS[1:]},
            "partner admin of A": 200,
            "consortium admin": 200,
        },
    ),
    "/workspace/audit": (
        "/workspace/audit",
        {"anonymous": LOGIN, **{p: 403 for p in PRINCIPALS[1:]}, "consortium admin": 200},
    ),
    # --- joining: members, invitations, users, passwords (tests/portal/test_invitations.py,
    # test_password_reset.py, test_workspace_users.py test the POSTs, cross-partner too)
    "/workspace/partners/<partner_id>/members": (
        "/workspace/partners/rajang/members",
        {
            "anonymous": LOGIN,
            **{p: 403 for p in PRINCIPALS[1:]},
            "partner admin of A": 200,
            "consortium admin": 200,
        },
    ),
    "/workspace/partners/<partner_id>/members/<int:user_id>/role": (
        "/workspace/partners/rajang/members/1/role",
        405,
    ),
    "/workspace/partners/<partner_id>/members/<int:user_id>/remove": (
        "/workspace/partners/rajang/members/1/remove",
        405,
    ),
    "/workspace/invitations/<int:invitation_id>/resend": ("/workspace/invitations/1/resend", 405),
    "/workspace/invitations/<int:invitation_id>/revoke": ("/workspace/invitations/1/revoke", 405),
    # a token page is public (the token is the permission): a token that names nothing
    # gets the same clear 404 page whoever asks
    "/workspace/invitations/<token>": ("/workspace/invitations/no-such-token", 404),
    "/workspace/password/reset/<token>": ("/workspace/password/reset/no-such-token", 404),
    "/workspace/password/forgot": ("/workspace/password/forgot", 200),
    "/workspace/password": (
        "/workspace/password",
        {"anonymous": LOGIN, **{p: 200 for p in PRINCIPALS[1:]}},
    ),
    "/workspace/users": (
        "/workspace/users",
        {"anonymous": LOGIN, **{p: 403 for p in PRINCIPALS[1:-1]}, "consortium admin": 200},
    ),
    "/workspace/users/<int:user_id>/disable": ("/workspace/users/1/disable", 405),
    "/workspace/users/<int:user_id>/enable": ("/workspace/users/1/enable", 405),
    # --- review: drafts, review and publishing (portal/views/workspace/review.py); the
    # POSTs' authorization (cross-partner, operator may not unpublish) and CSRF are
    # tested in tests/portal/test_review.py
    "/workspace/records/<int:record_id>/review": (
        "/workspace/records/{manuscript}/review",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "partner admin of B": 403,
            **{p: 200 for p in MEMBERS if p != "partner admin of B"},
        },
    ),
    "/workspace/pages/<int:page_id>/<any(thumb, display):kind>": (
        "/workspace/pages/{page_ids[0]}/thumb",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "partner admin of B": 403,
            **{p: 200 for p in MEMBERS if p != "partner admin of B"},
        },
    ),
    "/workspace/records/<int:record_id>/review/order": (
        "/workspace/records/{manuscript}/review/order",
        405,
    ),
    "/workspace/records/<int:record_id>/review/pages/<int:page_id>/move": (
        "/workspace/records/{manuscript}/review/pages/{page_ids[0]}/move",
        405,
    ),
    "/workspace/records/<int:record_id>/review/pages/<int:page_id>/rotate": (
        "/workspace/records/{manuscript}/review/pages/{page_ids[0]}/rotate",
        405,
    ),
    "/workspace/records/<int:record_id>/review/pages/<int:page_id>/delete": (
        "/workspace/records/{manuscript}/review/pages/{page_ids[0]}/delete",
        405,
    ),
    "/workspace/records/<int:record_id>/review/pages/<int:page_id>/cover": (
        "/workspace/records/{manuscript}/review/pages/{page_ids[0]}/cover",
        405,
    ),
    "/workspace/records/<int:record_id>/review/pages/<int:page_id>/replace": (
        "/workspace/records/{manuscript}/review/pages/{page_ids[0]}/replace",
        405,
    ),
    "/workspace/records/<int:record_id>/publish": ("/workspace/records/{manuscript}/publish", 405),
    "/workspace/records/<int:record_id>/unpublish": (
        "/workspace/records/{manuscript}/unpublish",
        405,
    ),
    # --- uploads: the tus endpoint (portal/views/workspace/tus.py) answers OPTIONS, POST,
    # HEAD, PATCH and DELETE; its authorization, CSRF and cross-partner refusals are
    # tested with a real tus client in tests/portal/test_tus.py
    "/workspace/uploads/": ("/workspace/uploads/", 405),
    "/workspace/uploads/<upload_id>": ("/workspace/uploads/0123abcd", 405),
    # --- corrections: OCR text correction of partner A's page (POSTs, cross-partner and
    # CSRF: tests/portal/test_corrections.py)
    "/workspace/pages/<int:page_id>/corrections": (
        "/workspace/pages/{page_ids[0]}/corrections",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "operator of A": 200,
            "curator of A": 200,
            "partner admin of A": 200,
            "partner admin of B": 403,
            "consortium admin": 200,
        },
    ),
    "/workspace/pages/<int:page_id>/corrections/revert": (
        "/workspace/pages/{page_ids[0]}/corrections/revert",
        405,
    ),
    # --- uploads: batches (portal/views/workspace/batches.py); batch 1 is rajang's (the
    # library fixture below); the POST that starts a batch: tests/portal/test_batches.py
    "/workspace/partners/<partner_id>/batches": (
        "/workspace/partners/rajang/batches",
        UPLOADERS_OF_A,
    ),
    "/workspace/batches/<int:batch_id>": ("/workspace/batches/1", UPLOADERS_OF_A),
    "/workspace/batches/<int:batch_id>/files": ("/workspace/batches/1/files", UPLOADERS_OF_A),
    # a suggestion page answers every logged-in user (it says when the partner takes none)
    "/workspace/pages/<int:page_id>/suggestions": (
        "/workspace/pages/{page_ids[0]}/suggestions",
        {"anonymous": LOGIN, **{p: 200 for p in PRINCIPALS[1:]}},
    ),
    "/workspace/partners/<partner_id>/suggestions": (
        "/workspace/partners/rajang/suggestions",
        {
            "anonymous": LOGIN,
            "researcher": 403,
            "operator of A": 200,
            "curator of A": 200,
            "partner admin of A": 200,
            "partner admin of B": 403,
            "consortium admin": 200,
        },
    ),
    "/workspace/partners/<partner_id>/suggestions/setting": (
        "/workspace/partners/rajang/suggestions/setting",
        405,
    ),
    "/workspace/suggestions/<int:suggestion_id>/<any(approve, reject):decision>": (
        "/workspace/suggestions/1/approve",
        405,
    ),
}


@pytest.fixture
def library(app):
    """Partners, records, an object with pages and files, indexed for search."""
    library = build_library(app)
    with app.app_context():
        get_services().search.reindex()
        with get_services().catalog.session() as s:  # upload batch 1, of partner A
            s.add(UploadBatch(partner_id="rajang", label="Kotak 1"))
    return library


@pytest.fixture
def clients(app, library):
    """A test client per principal, each logged in through the login form."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    roles = {
        "researcher": (),
        "operator of A": (("operator", "rajang"),),
        "curator of A": (("curator", "rajang"),),
        "partner admin of A": (("partner-admin", "rajang"),),
        "partner admin of B": (("partner-admin", "khatulistiwa"),),
        "consortium admin": (("consortium-admin", None),),
    }
    clients = {"anonymous": app.test_client()}
    for n, (principal, memberships) in enumerate(roles.items()):
        email = f"user{n}@example.org"
        make_user(catalog, email, *memberships)
        client = app.test_client()
        assert log_in(client, email).status_code == 302, principal
        clients[principal] = client
    return clients


def outcome_of(response, url: str) -> object:
    if response.status_code == 302:
        location = response.headers["Location"]
        path, _, query = location.partition("?")
        if path == "/workspace/login":
            assert parse_qs(query) == {"next": [url]}, location
            return LOGIN
        if location == "/workspace/":
            return WORKSPACE
    return response.status_code


def test_every_rule_has_an_entry_and_every_entry_a_rule(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules - set(MATRIX) == set(), "routes without an entry in the matrix"
    assert set(MATRIX) - rules == set(), "matrix entries for routes that do not exist"


def test_every_principal_gets_what_the_matrix_says(app, library, clients):
    wrong = []
    for rule, (template, expected) in MATRIX.items():
        url = template.format(**dataclasses.asdict(library))
        assert _rule_of(app, url) == rule, f"{url} is not an example of {rule}"
        for principal in PRINCIPALS:
            want = expected if not isinstance(expected, dict) else expected[principal]
            got = outcome_of(clients[principal].get(url), url)
            if got != want:
                wrong.append((rule, principal, want, got))
    assert wrong == [], "(rule, principal, expected, got)"


def test_a_public_rule_answers_everybody_alike():
    """Outside ``/workspace/`` one outcome for all; inside, a rule may be public too
    (token pages, the reset form), and a per-principal outcome must differ somewhere."""
    for rule, (_url, expected) in MATRIX.items():
        if not rule.startswith("/workspace/"):
            assert not isinstance(expected, dict), f"{rule} is public: one outcome for all"
        elif isinstance(expected, dict):
            assert set(expected) == set(PRINCIPALS), f"{rule}: one outcome per principal"
            assert len(set(expected.values())) > 1, f"{rule}: the same for all, write it once"


def _rule_of(app, url: str) -> str:
    adapter = app.url_map.bind("localhost")
    path = url.split("?")[0]
    for method in ("GET", "POST", "PATCH"):
        try:
            return adapter.match(path, method=method, return_rule=True)[0].rule
        except MethodNotAllowed:
            continue
    raise AssertionError(f"no rule matches {url}")
