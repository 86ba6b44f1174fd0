"""Revision 0005 adds the account tables to a catalogue in use, and takes them away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from catalog import accounts, db
from catalog.models import Partner
from catalog.store import Catalog
from tests.support.migrations import insert_as_of_then

ACCOUNT_TABLES = {"account", "membership", "audit_event"}


def test_0005_upgrades_a_catalogue_in_use_and_downgrades(tmp_path):
    catalog = Catalog(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade(catalog.engine, "0004")
    with catalog.engine.begin() as conn:
        insert_as_of_then(conn, Partner.__table__, id="p", name="P", country="ID")
    assert not ACCOUNT_TABLES & set(inspect(catalog.engine).get_table_names())
    catalog.upgrade()
    assert set(inspect(catalog.engine).get_table_names()) >= ACCOUNT_TABLES
    user = accounts.create_user(catalog, "a@example.org", "a long passphrase")
    accounts.add_membership(catalog, user.id, "curator", "p", actor="cli")
    command.downgrade(db.alembic_config(catalog.engine), "0004")
    assert not ACCOUNT_TABLES & set(inspect(catalog.engine).get_table_names())
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM partner")).scalars().all() == ["p"]
    catalog.dispose()


def test_deleting_a_partner_or_user_takes_their_memberships_but_keeps_the_log(catalog):
    catalog.add_partner("pp", name="P", country="ID")
    user = accounts.create_user(catalog, "a@example.org", "a long passphrase")
    accounts.add_membership(catalog, user.id, "curator", "pp", actor="cli")
    accounts.set_password(catalog, user.id, "another passphrase", actor=user)
    with catalog.session() as s:
        s.execute(text("DELETE FROM partner WHERE id = 'pp'"))
    assert accounts.memberships_of(catalog, user) == []
    with catalog.session() as s:
        s.execute(text("DELETE FROM account"))
    with catalog.engine.connect() as conn:
        rows = conn.execute(text("SELECT action, actor, actor_id FROM audit_event ORDER BY id"))
        assert [tuple(r) for r in rows] == [
            ("user.create", "cli", None),
            ("membership.add", "cli", None),
            ("user.password", "a@example.org", None),
        ]
