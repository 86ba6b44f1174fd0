"""New records go in through the driver (one executemany per page): their stored values
must be exactly what an ORM insert stores, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from catalog.models import RawXml, Record
from catalog.records import JSON_FIELDS, RecordData, encode_json, hash_columns

WHEN = dt.datetime(2024, 3, 1, 10, 0, 0)  # no microseconds: their text must still match

ITEM = RecordData(
    oai_identifier="oai:kuching:1",
    datestamp=WHEN,
    title="Hikayat Raja Pasai — naskhah",
    titles=({"value": "Hikayat Raja Pasai — naskhah", "lang": "msa"}, {"value": "x", "lang": None}),
    creators=("Anonim", 'Abdullah "Munsyi"\\'),
    subjects=("Sastera Melayu",),
    year_from=1800,
    year_to=1899,
    type="manuscript",
    languages=("msa",),
    identifiers=(),
    source_url="https://pustaka.example/item/1",
    extra={"publisher": ["Pustaka"], "coverage": []},
    quality_flags=("missing_datestamp",),
    raw_xml=b"<record>1</record>",
)


def _columns():
    return [c for c in Record.__table__.columns if c.name not in ("id", "oai_identifier")]


def test_bulk_inserted_rows_are_stored_as_the_orm_stores_them(catalog):
    catalog.add_partner("pustaka", name="Pustaka", country="MY")
    outcome = catalog.upsert_records("pustaka", [ITEM])[0]
    with catalog.session() as s:
        bulk = s.get(Record, outcome.record_id)
        s.add(
            Record(
                partner_id="pustaka",
                oai_identifier="oai:kuching:orm",
                **{c.name: getattr(bulk, c.name) for c in _columns() if c.name != "partner_id"},
            )
        )
    names = ", ".join(c.name for c in _columns())
    with catalog.engine.connect() as conn:  # the stored values as the database has them
        rows = conn.execute(text(f"SELECT {names} FROM record ORDER BY id")).all()
        stored_json = conn.execute(text("SELECT CAST(titles AS TEXT) FROM record")).scalars()
        assert len({*stored_json}) == 1
    assert len(rows) == 2 and rows[0] == rows[1]
    assert outcome.action == "new" and bulk.datestamp == WHEN
    assert bulk.titles == [dict(t) for t in ITEM.titles] and bulk.extra == ITEM.extra
    assert bulk.content_hash == ITEM.content_hash()
    with catalog.session() as s:
        raw = s.scalar(select(RawXml).where(RawXml.id == bulk.raw_xml_id))
        assert raw.content == ITEM.raw_xml


def test_times_without_microseconds_compare_as_the_orm_stores_them(catalog):
    catalog.add_partner("pustaka", name="Pustaka", country="MY")
    rid = catalog.upsert_records("pustaka", [ITEM])[0].record_id
    with catalog.session() as s:
        found = s.scalars(select(Record.id).where(Record.datestamp >= WHEN)).all()
        later = s.scalars(select(Record.id).where(Record.datestamp > WHEN)).all()
    assert found == [rid] and later == []


@pytest.mark.parametrize(
    "value",
    [
        (),
        {},
        ("a", "é", 'q"uo\\te', "\u2028", "\ud800"),
        ({"value": "Hikayat", "lang": None},),
        {"publisher": ["A", "B"], "empty": []},
        {"nested": {"deeper": {"deepest": ["x"]}}},
        ("mixed", 1, 2.5, True, None),
        ("a", {"unhashable": ["inside"]}),
        {1: "int key"},
        None,
    ],
)
def test_json_text_is_what_json_dumps_gives(value):
    expected = json.dumps(list(value) if isinstance(value, tuple) else value)
    assert encode_json(value) == expected
    assert encode_json(value) == expected  # again (string tuples: from the cache)


def test_content_hash_is_the_hash_of_the_column_values():
    assert ITEM.content_hash() == hash_columns(ITEM.column_values(), ITEM.deleted)
    assert set(ITEM.json_values()) == set(JSON_FIELDS)
    assert json.loads(ITEM.json_values()["titles"]) == [dict(t) for t in ITEM.titles]
