"""The read model on SQLite and PostgreSQL: one rule of public visibility for queries and
loaded rows, the latest run of a partner, and the changes the OAI-PMH provider lists."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from catalog import overview, queries
from catalog.errors import NotFound
from catalog.models import HarvestRun, Record, RunStatus

from .test_store import add_partner, record

T0 = dt.datetime(2024, 1, 1)


@pytest.fixture
def stocked(catalog):
    """Three records of a Malaysian and one of an Indonesian partner: one live, one
    hidden, one deleted, and the Indonesian one live."""
    add_partner(catalog)
    add_partner(catalog, "perpus-pontianak", name="Perpustakaan Pontianak", country="ID")
    ids = {
        name: catalog.upsert_record("pustaka-kuching", record(f"oai:{name}")).record_id
        for name in ("live", "hidden", "deleted")
    }
    ids["pontianak"] = catalog.upsert_record("perpus-pontianak", record("oai:p")).record_id
    catalog.set_hidden([ids["hidden"]], True)
    catalog.mark_deleted("pustaka-kuching", ["oai:deleted"])
    with catalog.session() as s:  # distinct change times, in id order
        for n, record_id in enumerate(sorted(ids.values())):
            s.execute(
                update(Record)
                .where(Record.id == record_id)
                .values(last_changed=T0 + dt.timedelta(days=n))
            )
    return catalog, ids


def test_the_visibility_rule_is_the_same_in_queries_and_on_rows(stocked):
    catalog, ids = stocked
    with catalog.session() as s:
        in_sql = set(s.scalars(queries.visible(select(Record.id))))
        rows = list(s.scalars(select(Record)))
    assert in_sql == {row.id for row in rows if queries.is_visible(row)}
    assert in_sql == {ids["live"], ids["pontianak"]}


def test_public_reads_see_only_visible_records(stocked):
    catalog, ids = stocked
    assert queries.public_record(catalog, ids["live"]).id == ids["live"]
    for name in ("hidden", "deleted"):
        with pytest.raises(NotFound):
            queries.public_record(catalog, ids[name])
    assert {r.id for r in queries.recent_records(catalog, 10)} == {ids["live"], ids["pontianak"]}
    assert queries.record_counts(catalog) == catalog.record_counts()
    assert catalog.record_counts() == {"pustaka-kuching": 1, "perpus-pontianak": 1}
    counted = overview.overview(catalog)
    assert counted.total == 2
    assert counted.countries == [("ID", 1), ("MY", 1)]


def test_the_latest_run_of_a_partner(catalog):
    add_partner(catalog)
    assert queries.latest_run(catalog, "pustaka-kuching") is None
    with catalog.session() as s:
        s.add(HarvestRun(partner_id="pustaka-kuching", status=RunStatus.COMPLETED, started_at=T0))
        s.add(
            HarvestRun(
                partner_id="pustaka-kuching",
                status=RunStatus.INTERRUPTED,
                started_at=T0 + dt.timedelta(hours=1),
            )
        )
    latest = queries.latest_run(catalog, "pustaka-kuching")
    assert latest.status == RunStatus.INTERRUPTED
    [(run, name)] = queries.recent_runs(catalog, 1)
    assert run.id == latest.id and name == "Pustaka Kuching"


def test_changes_include_tombstones_and_page_by_keyset(stocked):
    catalog, ids = stocked
    everything = queries.Changes()
    assert queries.count_changes(catalog, everything) == 4
    assert queries.earliest_change(catalog) == T0
    first = queries.changes_after(catalog, everything, None, 3)
    assert [r.id for r in first] == sorted(ids.values())[:3]
    rest = queries.changes_after(catalog, everything, (first[-1].last_changed, first[-1].id), 3)
    assert [r.id for r in rest] == sorted(ids.values())[3:]
    malaysian = queries.Changes(country="MY")
    assert queries.count_changes(catalog, malaysian) == 3
    assert queries.count_changes(catalog, queries.Changes(partner_id="perpus-pontianak")) == 1
    window = queries.Changes(start=T0 + dt.timedelta(days=1), end=T0 + dt.timedelta(days=2))
    assert queries.count_changes(catalog, window) == 1
    tombstone = queries.any_record(catalog, ids["deleted"])
    assert tombstone is not None and not queries.is_visible(tombstone)
    assert queries.any_record(catalog, 987654) is None
