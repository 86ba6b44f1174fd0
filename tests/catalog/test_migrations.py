"""The Alembic revisions build exactly the schema the models describe, and upgrade a
catalogue created by an earlier revision without losing its rows."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from catalog import db
from catalog.models import Base, Partner, Record
from catalog.store import Catalog
from tests.support.migrations import insert_as_of_then


def test_head_matches_the_models(catalog):
    with catalog.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_from_the_first_revision_keeps_records(tmp_path):
    catalog = Catalog(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade(catalog.engine, "0001")
    with catalog.engine.begin() as conn:
        insert_as_of_then(conn, Partner.__table__, id="p", name="P", country="ID")
        insert_as_of_then(
            conn,
            Record.__table__,
            partner_id="p",
            oai_identifier="oai:p:1",
            title="Hikayat",
            content_hash="x",
        )
    columns = {c["name"] for c in inspect(catalog.engine).get_columns("record")}
    assert "index_due" not in columns
    catalog.upgrade()
    assert db.current_revision(catalog.engine) == _head()
    columns = {c["name"] for c in inspect(catalog.engine).get_columns("record")}
    assert "index_due" in columns
    with catalog.engine.connect() as conn:
        rows = conn.execute(text("SELECT title, index_due FROM record")).all()
    assert [tuple(r) for r in rows] == [("Hikayat", None)]
    catalog.dispose()


def _head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(db.MIGRATIONS)).get_current_head()


def test_the_ocr_cache_and_queue_look_ups_use_an_index(tmp_path):
    """At 200,000 pages a scan per OCR'd page would make a batch quadratic (SQLite's
    query plan; PostgreSQL plans by its statistics)."""
    catalog = Catalog(f"sqlite:///{tmp_path / 'plan.db'}")
    catalog.upgrade()
    with catalog.engine.connect() as conn:
        for where in ("ocr_key = 'k' AND ocr_status = 'done'", "ocr_status = 'pending'"):
            plan = conn.execute(text(f"EXPLAIN QUERY PLAN SELECT id FROM page WHERE {where}"))
            details = " ".join(row[-1] for row in plan)
            assert "USING INDEX" in details or "USING COVERING INDEX" in details, details
    catalog.dispose()
