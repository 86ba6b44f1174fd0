"""Two partners and their people, for the profile and audit log tests."""

from __future__ import annotations

import pytest

from portal.services import get_services
from tests.support.web import log_in, make_user

A, B = "rajang", "khatulistiwa"
USERS = {
    "admin-a@example.org": (("partner-admin", A),),
    "admin-b@example.org": (("partner-admin", B),),
    "curator-a@example.org": (("curator", A),),
    "root@example.org": (("consortium-admin", None),),
}


@pytest.fixture
def catalog(app):
    """The app's catalogue with partners A and B and a user per entry of :data:`USERS`
    (CSRF protection on, as in production)."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner(A, name="Pustaka Warisan Rajang", country="MY")
    catalog.add_partner(B, name="Arsip Khatulistiwa", country="ID")
    for email, roles in USERS.items():
        make_user(catalog, email, *roles)
    return catalog


@pytest.fixture
def login(app, catalog):
    """``login(email)``: a test client logged in as that user through the login form."""

    def login(email: str):
        client = app.test_client()
        assert log_in(client, email).status_code == 302
        return client

    return login
