"""``warisan partner`` and ``warisan db`` through the real CLI runner."""

from __future__ import annotations

import json


def test_partner_add_list_show(runner):
    result = runner.invoke(
        args=[
            "partner",
            "add",
            "pustaka-sarawak",
            "--name",
            "Pustaka Sarawak",
            "--country",
            "my",
            "--url",
            "https://pustaka.example/oai",
            "--prefix",
            "marcxml",
            "--set",
            "manuskrip",
            "--set",
            "peta",
            "--scan-host",
            "images.pustaka.example",
            "--region",
            "Sarawak",
        ]
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["partner", "list"])
    assert "pustaka-sarawak" in listed.output and "MY" in listed.output
    shown = json.loads(runner.invoke(args=["partner", "show", "pustaka-sarawak", "--json"]).output)
    assert shown["sets"] == ["manuskrip", "peta"]
    assert shown["scan_hosts"] == ["images.pustaka.example"]
    assert shown["metadata_prefix"] == "marcxml"
    assert shown["records"] == 0


def test_partner_add_refuses_bad_country_and_duplicates(runner):
    bad = runner.invoke(args=["partner", "add", "x-lib", "--name", "X", "--country", "Malaysia"])
    assert bad.exit_code != 0 and "ISO 3166-1" in bad.output
    ok = runner.invoke(args=["partner", "add", "x-lib", "--name", "X", "--country", "BN"])
    assert ok.exit_code == 0
    dup = runner.invoke(args=["partner", "add", "x-lib", "--name", "X", "--country", "BN"])
    assert dup.exit_code != 0 and "already exists" in dup.output


def test_db_upgrade_is_safe_twice(runner):
    from alembic.script import ScriptDirectory

    from catalog.db import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0 and head in result.output
    assert runner.invoke(args=["db", "current"]).output.strip() == head


def test_partner_add_and_update_are_audited_as_cli(app, runner):
    from catalog.audit import audit_events
    from portal.services import get_services

    args = ["partner", "add", "arsip-kalbar", "--name", "Arsip Kalbar", "--country", "ID"]
    assert runner.invoke(args=args).exit_code == 0
    changed = runner.invoke(
        args=["partner", "update", "arsip-kalbar", "--name", "Arsip Kalimantan Barat", "--inactive"]
    )
    assert changed.exit_code == 0, changed.output
    assert "active, name" in changed.output
    same = runner.invoke(args=["partner", "update", "arsip-kalbar", "--inactive"])
    assert "unchanged" in same.output
    bad = runner.invoke(args=["partner", "update", "arsip-kalbar", "--country", "Indonesia"])
    assert bad.exit_code != 0 and "ISO 3166-1" in bad.output
    with app.app_context():
        catalog = get_services().catalog
        update, create = audit_events(catalog, partner_id="arsip-kalbar")
        assert not catalog.get_partner("arsip-kalbar").active
    assert (create.actor, create.action, create.actor_id) == ("cli", "partner.create", None)
    assert create.after["name"] == "Arsip Kalbar" and create.after["country"] == "ID"
    assert (update.actor, update.action) == ("cli", "partner.update")
    assert update.before == {"name": "Arsip Kalbar", "active": True}
    assert update.after == {"name": "Arsip Kalimantan Barat", "active": False}
