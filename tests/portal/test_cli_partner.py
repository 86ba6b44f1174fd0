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
