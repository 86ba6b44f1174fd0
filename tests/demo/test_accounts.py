"""The demo's workspace accounts: created once, printed for the demo only, usable to log
in, and a password changed since is kept and not printed again."""

from __future__ import annotations

import pytest

from catalog import accounts
from demo.accounts import DEMO_ACCOUNTS
from portal.commands.demo import ensure_demo_accounts, print_demo_accounts
from portal.services import get_services
from tests.support.web import log_in


@pytest.fixture
def catalog(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
    catalog.add_partner("rajang", name="Pustaka Warisan Rajang (Demo)", country="MY")
    catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa (Demo)", country="ID")
    return catalog


def test_demo_accounts_are_made_once_and_let_their_holders_in(app, catalog):
    with app.app_context():
        first = ensure_demo_accounts()
        again = ensure_demo_accounts()
    assert [state for _, state in first] == ["created", "created"]
    assert [state for _, state in again] == ["present", "present"]
    users = accounts.list_users(catalog)
    assert sorted(u.email for u in users) == sorted(a.email for a in DEMO_ACCOUNTS)
    held = {u.email: {(str(m.role), m.partner_id) for m in u.memberships} for u in users}
    assert held == {
        "admin@warisan-demo.example": {("consortium-admin", None)},
        "rajang-admin@warisan-demo.example": {("partner-admin", "rajang")},
    }
    admin, partner_admin = DEMO_ACCOUNTS
    client = app.test_client()
    assert log_in(client, partner_admin.email, partner_admin.password).status_code == 302
    assert client.get("/workspace/partners/rajang/").status_code == 200
    assert client.get("/workspace/partners/khatulistiwa/").status_code == 403
    other = app.test_client()
    assert log_in(other, admin.email, admin.password).status_code == 302
    assert other.get("/workspace/partners/khatulistiwa/").status_code == 200


def test_a_changed_password_is_kept_and_not_printed(app, catalog, capsys):
    admin = DEMO_ACCOUNTS[0]
    with app.app_context():
        ensure_demo_accounts()
        user = accounts.find_user_by_email(catalog, admin.email)
        accounts.set_password(catalog, user.id, "chosen by the admin", actor="test")
        found = ensure_demo_accounts()
        print_demo_accounts(found)
    assert dict((a.email, s) for a, s in found)[admin.email] == "password changed"
    out = capsys.readouterr().out
    assert "For the demo only" in out
    assert admin.password not in out and "chosen by the admin" not in out
    assert f"password {DEMO_ACCOUNTS[1].password}" in out
    assert accounts.authenticate(catalog, admin.email, "chosen by the admin") is not None


def test_a_missing_role_is_given_back(app, catalog):
    partner_admin = DEMO_ACCOUNTS[1]
    with app.app_context():
        ensure_demo_accounts()
        user = accounts.find_user_by_email(catalog, partner_admin.email)
        accounts.remove_membership(catalog, user.id, "partner-admin", "rajang", actor="test")
        ensure_demo_accounts()
    user = accounts.find_user_by_email(catalog, partner_admin.email)
    assert {(str(m.role), m.partner_id) for m in user.memberships} == {("partner-admin", "rajang")}


def test_the_readme_gives_the_demo_credentials():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for account in DEMO_ACCOUNTS:
        assert f"| `{account.email}` | `{account.password}` |" in readme, account.email
