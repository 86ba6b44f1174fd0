"""Every catalogue change the search index must see marks ``Record.index_due`` in the
same transaction (so a crash before the index write leaves the record due, not lost);
a change that leaves the record as it was marks nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from catalog.models import Record
from catalog.records import RecordData

from .test_store import T2, add_partner, record


def _due(catalog) -> dict[str, object]:
    with catalog.session() as s:
        return dict(s.execute(select(Record.oai_identifier, Record.index_due)).all())


def _clear(catalog) -> None:
    with catalog.session() as s:
        s.execute(update(Record).values(index_due=None))


def test_new_records_are_due_through_the_bulk_and_the_row_paths(catalog):
    add_partner(catalog)
    catalog.upsert_records("pustaka-kuching", [record("oai:a"), record("oai:b")])  # bulk
    catalog.upsert_records("pustaka-kuching", [record("oai:c"), record("oai:c")])  # rows
    gone = RecordData(oai_identifier="oai:d", datestamp=T2, deleted=True)
    catalog.upsert_records("pustaka-kuching", [gone])
    due = _due(catalog)
    assert set(due) == {"oai:a", "oai:b", "oai:c", "oai:d"}
    assert all(value is not None for value in due.values())


def test_an_unchanged_upsert_marks_nothing(catalog):
    add_partner(catalog)
    catalog.upsert_records("pustaka-kuching", [record("oai:a"), record("oai:b")])
    _clear(catalog)
    outcomes = catalog.upsert_records("pustaka-kuching", [record("oai:a"), record("oai:b")])
    assert {o.action for o in outcomes} == {"unchanged"}
    catalog.upsert_record("pustaka-kuching", record("oai:a", datestamp=T2))  # datestamp only
    assert _due(catalog) == {"oai:a": None, "oai:b": None}


def test_an_update_and_a_tombstone_mark_the_record_due(catalog):
    add_partner(catalog)
    catalog.upsert_records("pustaka-kuching", [record("oai:a"), record("oai:b")])
    _clear(catalog)
    changed = catalog.upsert_record("pustaka-kuching", record("oai:a", title="Hikayat Lain"))
    assert changed.action == "updated"
    gone = RecordData(oai_identifier="oai:b", datestamp=T2, deleted=True)
    assert catalog.upsert_record("pustaka-kuching", gone).action == "deleted"
    due = _due(catalog)
    assert due["oai:a"] is not None and due["oai:b"] is not None
    _clear(catalog)
    assert catalog.upsert_record("pustaka-kuching", gone).action == "unchanged"
    assert _due(catalog) == {"oai:a": None, "oai:b": None}


def test_mark_deleted_marks_only_the_records_it_changed(catalog):
    add_partner(catalog)
    catalog.upsert_records("pustaka-kuching", [record("oai:a"), record("oai:b")])
    _clear(catalog)
    assert catalog.mark_deleted("pustaka-kuching", ["oai:a"]) == 1
    due = _due(catalog)
    assert due["oai:a"] is not None and due["oai:b"] is None
    _clear(catalog)
    assert catalog.mark_deleted("pustaka-kuching", ["oai:a"]) == 0
    assert _due(catalog)["oai:a"] is None


def test_an_uploaded_record_is_due(catalog):
    add_partner(catalog)
    record_id = catalog.create_uploaded_record(
        "pustaka-kuching", RecordData(oai_identifier="", title="Foto rumah panjang")
    )
    assert catalog.get_record(record_id).index_due is not None


def test_hiding_and_showing_bump_the_version_and_mark_due(catalog):
    add_partner(catalog)
    ids = [o.record_id for o in catalog.upsert_records("pustaka-kuching", [record("oai:a")])]
    _clear(catalog)
    assert catalog.set_hidden(ids, True) == 1
    row = catalog.get_record(ids[0])
    assert row.hidden and row.version == 2 and row.index_due is not None
    assert catalog.record_counts() == {}
    _clear(catalog)
    assert catalog.set_hidden(ids, True) == 0  # already hidden: nothing changes
    assert catalog.get_record(ids[0]).index_due is None
    assert catalog.set_hidden(ids, False) == 1
    row = catalog.get_record(ids[0])
    assert not row.hidden and row.version == 3 and row.index_due is not None
    assert catalog.record_counts() == {"pustaka-kuching": 1}


def test_a_rolled_back_change_marks_nothing(catalog):
    add_partner(catalog)
    catalog.upsert_records("pustaka-kuching", [record("oai:a")])
    _clear(catalog)
    with pytest.raises(RuntimeError), catalog.session() as s:
        catalog.upsert_records(
            "pustaka-kuching", [record("oai:a", title="Lain"), record("oai:b")], session=s
        )
        raise RuntimeError("the harvest died before its commit")
    assert _due(catalog) == {"oai:a": None}
    assert catalog.get_record(catalog.find_record("pustaka-kuching", "oai:a").id).title == (
        "Hikayat Raja Pasai"
    )
