"""The authorization matrix: every route of ``app.url_map`` × every kind of visitor.

ONE table, :data:`MATRIX`, says what each rule answers. A public rule has one outcome for
everybody (an id that does not exist is a 404 for everybody alike); a workspace rule has
one per principal. A rule missing from the table — a new route nobody thought about —
fails the test, and so does an entry for a rule that no longer exists. The principals are
real users made through :mod:`catalog.accounts` and logged in through the real login
form with CSRF on; nothing fakes ``current_user``.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from werkzeug.exceptions import MethodNotAllowed

from portal.services import get_services
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

MISSING_SHA = "0" * 64

MATRIX: dict[str, tuple[str, object]] = {
    # rule: (URL asked for with GET, outcome for all | {principal: outcome})
    "/": ("/", 200),
    "/healthz": ("/healthz", 200),
    "/status": ("/status", 200),
    "/language/<code>": ("/language/ms?next=/browse/", 302),
    "/search": ("/search?q=cerita", 200),
    "/browse/": ("/browse/", 200),
    "/browse/partners": ("/browse/partners", 200),
    "/browse/partners/<partner_id>": ("/browse/partners/part-a", 200),
    "/records/<int:record_id>": ("/records/999999", 404),
    "/records/<int:record_id>/cite.<fmt>": ("/records/999999/cite.bibtex", 404),
    "/files/<sha256>": (f"/files/{MISSING_SHA}", 404),
    "/tiles/<sha256>/<int:level>/<int:col>_<int:row>.jpg": (
        f"/tiles/{MISSING_SHA}/0/0_0.jpg",
        404,
    ),
    "/static/<path:filename>": ("/static/css/warisan.css", 200),
    "/api/openapi.json": ("/api/openapi.json", 200),
    "/api/search": ("/api/search?q=cerita", 200),
    "/api/records/<int:record_id>": ("/api/records/999999", 404),
    "/api/records/<int:record_id>/pages/<int:number>": ("/api/records/999999/pages/1", 404),
    "/api/records/<int:record_id>/search": ("/api/records/999999/search?q=cerita", 404),
    "/oai": ("/oai?verb=Identify", 200),
    "/iiif/objects/<int:object_id>/manifest.json": ("/iiif/objects/999999/manifest.json", 404),
    "/iiif/objects/<int:object_id>/search": ("/iiif/objects/999999/search?q=cerita", 404),
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
}


@pytest.fixture
def clients(app):
    """A test client per principal, each logged in through the login form."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("part-a", name="Partner A", country="MY")
    catalog.add_partner("part-b", name="Partner B", country="ID")
    roles = {
        "researcher": (),
        "operator of A": (("operator", "part-a"),),
        "curator of A": (("curator", "part-a"),),
        "partner admin of A": (("partner-admin", "part-a"),),
        "partner admin of B": (("partner-admin", "part-b"),),
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


def test_every_principal_gets_what_the_matrix_says(app, clients):
    wrong = []
    for rule, (url, expected) in MATRIX.items():
        assert _rule_of(app, url) == rule, f"{url} is not an example of {rule}"
        for principal in PRINCIPALS:
            want = expected if not isinstance(expected, dict) else expected[principal]
            got = outcome_of(clients[principal].get(url), url)
            if got != want:
                wrong.append((rule, principal, want, got))
    assert wrong == [], "(rule, principal, expected, got)"


def test_a_public_rule_answers_everybody_alike():
    for rule, (_url, expected) in MATRIX.items():
        if not rule.startswith("/workspace/"):
            assert not isinstance(expected, dict), f"{rule} is public: one outcome for all"


def _rule_of(app, url: str) -> str:
    adapter = app.url_map.bind("localhost")
    path = url.split("?")[0]
    for method in ("GET", "POST"):
        try:
            return adapter.match(path, method=method, return_rule=True)[0].rule
        except MethodNotAllowed:
            continue
    raise AssertionError(f"no rule matches {url}")
