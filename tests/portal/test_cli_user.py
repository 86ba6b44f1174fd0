"""``warisan user`` through the real CLI runner and the app's catalogue."""

from __future__ import annotations

import json

import pytest

from catalog import accounts
from catalog.audit import audit_events
from portal.services import get_services

SECRET = "rumah-panjang-2026"


@pytest.fixture
def catalog(app):
    with app.app_context():
        yield get_services().catalog


def add_admin(runner, email="admin@example.org", secret=SECRET):
    return runner.invoke(
        args=["user", "add", email, "--role", "consortium-admin", "--name", "Admin"],
        input=f"{secret}\n{secret}\n",
    )


def test_the_first_consortium_admin_with_a_hidden_prompt(runner, catalog):
    result = add_admin(runner, "Admin@Example.org")
    assert result.exit_code == 0, result.output
    assert "admin@example.org added as consortium-admin" in result.output
    assert "Password: \nRepeat for confirmation: \n" in result.output
    assert SECRET not in result.output
    user = accounts.authenticate(catalog, "admin@example.org", SECRET)
    assert user is not None and user.display_name == "Admin"
    assert accounts.principal(catalog, user).is_consortium_admin
    assert [(e.actor, e.action) for e in reversed(audit_events(catalog))] == [
        ("cli", "user.create"),
        ("cli", "membership.add"),
    ]


def test_the_prompt_asks_again_until_the_two_match_and_follow_the_rules(runner, catalog):
    result = runner.invoke(
        args=["user", "add", "a@example.org", "--role", "consortium-admin"],
        input=f"pendek\n{SECRET}\n{SECRET}-typo\n{SECRET}\n{SECRET}\n",
    )
    assert result.exit_code == 0, result.output
    assert "at least 10 characters" in result.output and "do not match" in result.output
    assert "pendek" not in result.output and SECRET not in result.output
    assert accounts.authenticate(catalog, "a@example.org", SECRET) is not None


def test_password_from_stdin_for_scripts(runner, catalog):
    catalog.add_partner("pustaka", name="Pustaka", country="MY")
    result = runner.invoke(
        args=[
            "user",
            "add",
            "op@example.org",
            "--role",
            "operator",
            "--partner",
            "pustaka",
            "--password-stdin",
        ],
        input=f"{SECRET}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output and SECRET not in result.output
    assert accounts.authenticate(catalog, "op@example.org", SECRET) is not None
    short = runner.invoke(
        args=["user", "add", "b@example.org", "--role", "consortium-admin", "--password-stdin"],
        input="pendek\n",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert "pendek" not in short.output
    assert accounts.find_user_by_email(catalog, "b@example.org") is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "curator"], "needs a partner"),
        (["--role", "consortium-admin", "--partner", "pustaka"], "belongs to no partner"),
        (["--role", "curator", "--partner", "nowhere"], "no partner 'nowhere'"),
        (["--role", "researcher"], "Invalid value for '--role'"),
    ],
)
def test_add_refuses_roles_that_cannot_be(runner, catalog, extra, message):
    catalog.add_partner("pustaka", name="Pustaka", country="MY")
    result = runner.invoke(
        args=["user", "add", "c@example.org", *extra, "--password-stdin"], input=f"{SECRET}\n"
    )
    assert result.exit_code != 0 and message in result.output
    assert accounts.find_user_by_email(catalog, "c@example.org") is None


def test_a_taken_email_is_refused(runner, catalog):
    assert add_admin(runner).exit_code == 0
    again = add_admin(runner, "ADMIN@example.org")
    assert again.exit_code == 1 and "already exists" in again.output


def test_list_grant_revoke(runner, catalog):
    catalog.add_partner("pustaka", name="Pustaka", country="MY")
    catalog.add_partner("arsip", name="Arsip", country="ID")
    assert runner.invoke(args=["user", "list"]).output.startswith("No users yet")
    assert add_admin(runner).exit_code == 0
    add = ["user", "add", "kurator@example.org", "--role", "curator", "--partner", "arsip"]
    assert runner.invoke(args=[*add, "--password-stdin"], input=f"{SECRET}\n").exit_code == 0
    granted = runner.invoke(
        args=["user", "grant", "kurator@example.org", "--role", "operator", "--partner", "pustaka"]
    )
    assert granted.exit_code == 0 and "now operator of pustaka" in granted.output
    accounts.authenticate(catalog, "admin@example.org", SECRET)
    listed = runner.invoke(args=["user", "list"]).output.splitlines()
    assert len(listed) == 2
    assert listed[0].startswith("admin@example.org") and "consortium-admin" in listed[0]
    assert "last sign-in 20" in listed[0] and "active" in listed[0]
    assert "curator@arsip, operator@pustaka" in listed[1] and "never" in listed[1]
    data = json.loads(runner.invoke(args=["user", "list", "--json"]).output)
    assert [u["email"] for u in data] == ["admin@example.org", "kurator@example.org"]
    assert data[1]["roles"] == [
        {"role": "curator", "partner": "arsip"},
        {"role": "operator", "partner": "pustaka"},
    ]
    assert data[0]["last_login_at"] and data[1]["last_login_at"] is None
    assert "password_hash" not in json.dumps(data) and "argon2" not in json.dumps(data)
    revoke = ["user", "revoke", "kurator@example.org", "--role", "operator", "--partner", "pustaka"]
    assert runner.invoke(args=revoke).exit_code == 0
    again = runner.invoke(args=revoke)
    assert again.exit_code == 1 and "does not hold" in again.output
    assert [
        m.role for m in accounts.find_user_by_email(catalog, "kurator@example.org").memberships
    ] == ["curator"]


def test_disable_enable_and_password(runner, catalog):
    assert add_admin(runner).exit_code == 0
    blocked = runner.invoke(args=["user", "disable", "admin@example.org"])
    assert blocked.exit_code == 1 and "last active consortium admin" in blocked.output
    add = ["user", "add", "b@example.org", "--role", "consortium-admin", "--password-stdin"]
    assert runner.invoke(args=add, input=f"{SECRET}\n").exit_code == 0
    result = runner.invoke(args=["user", "disable", "B@example.org"])
    assert result.exit_code == 0 and "b@example.org disabled" in result.output
    assert "disabled" in runner.invoke(args=["user", "list"]).output.splitlines()[1]
    assert accounts.authenticate(catalog, "b@example.org", SECRET) is None
    assert runner.invoke(args=["user", "enable", "b@example.org"]).exit_code == 0
    assert accounts.authenticate(catalog, "b@example.org", SECRET) is not None
    new = SECRET + "-baru"
    changed = runner.invoke(args=["user", "password", "b@example.org"], input=f"{new}\n{new}\n")
    assert changed.exit_code == 0 and new not in changed.output
    assert accounts.authenticate(catalog, "b@example.org", new) is not None
    assert accounts.find_user_by_email(catalog, "b@example.org").session_version == 3
    missing = runner.invoke(args=["user", "disable", "nobody@example.org"])
    assert missing.exit_code == 1 and "no user nobody@example.org" in missing.output
