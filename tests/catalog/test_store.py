"""The catalogue store on SQLite and PostgreSQL: partners, idempotent upserts, tombstones."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from catalog.errors import Conflict, InvalidInput, NotFound, StoreError
from catalog.models import DigitalObject, File, Page, RawXml, Record
from catalog.records import RecordData

T1 = dt.datetime(2024, 3, 1, 10, 0, 0)
T2 = dt.datetime(2024, 6, 1, 10, 0, 0)


def add_partner(catalog, partner_id="pustaka-kuching", **extra):
    fields = {"name": "Pustaka Kuching", "country": "MY", "region": "Sarawak"}
    fields.update(extra)
    return catalog.add_partner(partner_id, **fields)


def record(identifier="oai:kuching:1", datestamp=T1, **fields) -> RecordData:
    base = {
        "title": "Hikayat Raja Pasai",
        "titles": ({"value": "Hikayat Raja Pasai", "lang": "msa"},),
        "creators": ("Anonim",),
        "subjects": ("Sastera Melayu", "Manuskrip"),
        "type": "manuscript",
        "languages": ("msa",),
        "year_from": 1800,
        "year_to": 1899,
        "date_original": "abad ke-19",
        "source_url": "https://pustaka.example/item/1",
        "raw_xml": b"<record>1</record>",
    }
    base.update(fields)
    return RecordData(oai_identifier=identifier, datestamp=datestamp, **base)


def test_partner_is_registered_and_listed(catalog):
    add_partner(catalog, oai_url="https://pustaka.example/oai", sets=["manuskrip"])
    add_partner(catalog, "perpus-pontianak", name="Perpustakaan Pontianak", country="ID")
    partners = catalog.list_partners()
    assert [p.id for p in partners] == ["perpus-pontianak", "pustaka-kuching"]
    kuching = catalog.get_partner("pustaka-kuching")
    assert kuching.sets == ["manuskrip"]
    assert kuching.oai_url == "https://pustaka.example/oai"


@pytest.mark.parametrize(
    ("partner_id", "fields", "message"),
    [
        ("Bad Id", {}, "partner id"),
        ("ok-id", {"country": "Malaysia"}, "ISO 3166-1"),
        ("ok-id", {"name": ""}, "name"),
        ("ok-id", {"oai_url": "ftp://x"}, "http"),
        ("ok-id", {"institution_type": "shop"}, "institution type"),
    ],
)
def test_bad_partner_is_refused_with_a_clear_message(catalog, partner_id, fields, message):
    with pytest.raises(InvalidInput, match=message):
        add_partner(catalog, partner_id, **fields)
    assert catalog.list_partners() == []


def test_duplicate_partner_and_unknown_partner(catalog):
    add_partner(catalog)
    with pytest.raises(Conflict):
        add_partner(catalog)
    with pytest.raises(NotFound):
        catalog.get_partner("nobody")
    with pytest.raises(NotFound):
        catalog.upsert_record("nobody", record())


def test_upsert_is_idempotent(catalog):
    add_partner(catalog)
    first = catalog.upsert_record("pustaka-kuching", record())
    assert first.action == "new"
    stored = catalog.get_record(first.record_id)
    again = catalog.upsert_record("pustaka-kuching", record())
    assert again.action == "unchanged"
    assert again.record_id == first.record_id
    after = catalog.get_record(first.record_id)
    assert after.version == stored.version == 1
    assert after.last_changed == stored.last_changed
    with catalog.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 1
        assert s.scalar(select(func.count()).select_from(RawXml)) == 1


def test_changed_content_makes_a_new_version(catalog):
    add_partner(catalog)
    rid = catalog.upsert_record("pustaka-kuching", record()).record_id
    outcome = catalog.upsert_record(
        "pustaka-kuching", record(datestamp=T2, title="Hikayat Raja-Raja Pasai")
    )
    assert outcome.action == "updated"
    row = catalog.get_record(rid)
    assert row.title == "Hikayat Raja-Raja Pasai"
    assert row.version == 2
    assert row.datestamp == T2
    assert row.subjects == ["Sastera Melayu", "Manuskrip"]
    assert row.first_harvested <= row.last_changed


def test_new_datestamp_same_content_is_unchanged(catalog):
    add_partner(catalog)
    rid = catalog.upsert_record("pustaka-kuching", record()).record_id
    assert catalog.upsert_record("pustaka-kuching", record(datestamp=T2)).action == "unchanged"
    row = catalog.get_record(rid)
    assert row.version == 1
    assert row.datestamp == T2


def test_deletion_keeps_a_tombstone_and_a_record_can_come_back(catalog):
    add_partner(catalog)
    rid = catalog.upsert_record("pustaka-kuching", record()).record_id
    gone = RecordData(oai_identifier="oai:kuching:1", datestamp=T2, deleted=True)
    assert catalog.upsert_record("pustaka-kuching", gone).action == "deleted"
    assert catalog.upsert_record("pustaka-kuching", gone).action == "unchanged"
    row = catalog.get_record(rid)
    assert row.deleted and row.title == "Hikayat Raja Pasai"
    assert catalog.identifiers("pustaka-kuching") == set()
    assert catalog.identifiers("pustaka-kuching", live_only=False) == {"oai:kuching:1"}
    assert catalog.record_counts() == {}
    back = catalog.upsert_record("pustaka-kuching", record(datestamp=T2))
    assert back.action == "updated" and not catalog.get_record(rid).deleted


def test_batch_upsert_reports_each_item_in_order(catalog):
    add_partner(catalog)
    items = [record(f"oai:kuching:{n}", title=f"Peta {n}") for n in range(1, 701)]
    outcomes = catalog.upsert_records("pustaka-kuching", items)
    assert [o.oai_identifier for o in outcomes] == [i.oai_identifier for i in items]
    assert {o.action for o in outcomes} == {"new"}
    again = catalog.upsert_records("pustaka-kuching", items)
    assert {o.action for o in again} == {"unchanged"}
    assert catalog.record_counts() == {"pustaka-kuching": 700}
    assert catalog.mark_deleted("pustaka-kuching", ["oai:kuching:1", "oai:kuching:2"]) == 2
    assert catalog.record_counts() == {"pustaka-kuching": 698}


def test_same_identifier_at_two_partners_are_two_records(catalog):
    add_partner(catalog)
    add_partner(catalog, "perpus-pontianak", name="Perpustakaan Pontianak", country="ID")
    a = catalog.upsert_record("pustaka-kuching", record("oai:shared:1"))
    b = catalog.upsert_record("perpus-pontianak", record("oai:shared:1"))
    assert a.record_id != b.record_id
    assert catalog.find_record("perpus-pontianak", "oai:shared:1").id == b.record_id
    assert catalog.find_record("perpus-pontianak", "oai:none") is None


def test_uploaded_record_gets_a_local_identifier(catalog):
    add_partner(catalog)
    rid = catalog.create_uploaded_record(
        "pustaka-kuching", RecordData(oai_identifier="", title="Foto rumah panjang", type="image")
    )
    row = catalog.get_record(rid)
    assert row.origin == "uploaded"
    assert row.oai_identifier.startswith("upload:")


def test_objects_files_and_pages_hang_together(catalog):
    add_partner(catalog)
    rid = catalog.upsert_record("pustaka-kuching", record()).record_id
    sha = "a" * 64
    with catalog.session() as s:
        s.add(File(sha256=sha, media_type="image/png", size=10, path="aa/aa/" + sha))
        s.flush()
        obj = DigitalObject(record_id=rid, origin="uploaded", file_sha256=sha)
        s.add(obj)
        s.flush()
        s.add(
            Page(object_id=obj.id, order=1, image_sha256=sha, words=[["kata", 1, 2, 3, 4, 96.0, 1]])
        )
    row = catalog.get_record(rid)
    assert len(row.objects) == 1
    assert row.objects[0].pages[0].words == [["kata", 1, 2, 3, 4, 96.0, 1]]
    with pytest.raises(Conflict), catalog.session() as s:
        s.add(Page(object_id=row.objects[0].id, order=1, image_sha256=sha))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_catalog):
    with sqlite_catalog.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(Conflict), sqlite_catalog.session() as s:
        s.add(DigitalObject(record_id=12345, origin="uploaded"))


def test_a_missing_table_says_to_upgrade_the_database(catalog):
    with catalog.engine.begin() as conn:
        conn.execute(
            text(
                "DROP TABLE partner CASCADE"
                if catalog.engine.dialect.name == "postgresql"
                else "DROP TABLE partner"
            )
        )
    with pytest.raises(StoreError, match="run `warisan db upgrade`"):
        catalog.list_partners()
