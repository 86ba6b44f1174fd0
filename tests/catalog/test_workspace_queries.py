"""A partner's record list in the workspace (catalog.workspace_queries): every state,
filtered by state and by text in the title or identifiers, paged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from catalog import workspace_queries as wq
from catalog.errors import InvalidInput
from catalog.models import Record, utcnow
from catalog.records import RecordData

TITLES = ["Hikayat Sambas", "Syair 100% Kapuas", "Peta_Pontianak", "Surat", "Babad", "Tutur", "X"]


@pytest.fixture
def ids(catalog):
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
    items = [
        RecordData(oai_identifier=f"oai:r:{n}", title=t, identifiers=(f"ML {n}",))
        for n, t in enumerate(TITLES)
    ]
    found = [o.record_id for o in catalog.upsert_records("rajang", items)]
    catalog.upsert_record("khatulistiwa", RecordData(oai_identifier="oai:k:1", title="Hikayat"))
    now = utcnow()
    with catalog.session() as s:
        for n, rid in enumerate(found):  # newest change: the last record
            s.execute(
                update(Record)
                .where(Record.id == rid)
                .values(last_changed=dt.datetime(2024, 1, 1) + dt.timedelta(days=n))
            )
        s.execute(update(Record).where(Record.id == found[1]).values(hidden=True))
        s.execute(
            update(Record)
            .where(Record.id == found[2])
            .values(embargo_until=now + dt.timedelta(days=3))
        )
        s.execute(  # an embargo that has ended (not yet released) is not an embargo
            update(Record)
            .where(Record.id == found[3])
            .values(embargo_until=now - dt.timedelta(days=3))
        )
        s.execute(update(Record).where(Record.id == found[4]).values(access="onsite"))
        s.execute(update(Record).where(Record.id == found[5]).values(deleted=True))
    return found


def _titles(catalog, **kw):
    return [r.title for r in wq.partner_records(catalog, "rajang", **kw).rows]


def test_states(catalog, ids):
    assert _titles(catalog) == list(reversed(TITLES))
    assert _titles(catalog, state=wq.RecordState.WITHDRAWN) == ["Syair 100% Kapuas"]
    assert _titles(catalog, state=wq.RecordState.EMBARGOED) == ["Peta_Pontianak"]
    assert _titles(catalog, state=wq.RecordState.METADATA_ONLY) == ["Babad", "Peta_Pontianak"]
    visible = _titles(catalog, state=wq.RecordState.VISIBLE)
    assert visible == ["X", "Babad", "Surat", "Peta_Pontianak", "Hikayat Sambas"]


def test_text_matches_title_and_identifiers_literally(catalog, ids):
    assert _titles(catalog, text="hikayat") == ["Hikayat Sambas"]  # not B's record
    assert _titles(catalog, text="100%") == ["Syair 100% Kapuas"]
    assert _titles(catalog, text="syair_100") == []  # "_" is no wildcard
    assert _titles(catalog, text="peta_") == ["Peta_Pontianak"]
    assert _titles(catalog, text="ML 3") == ["Surat"]
    assert _titles(catalog, text="oai:r:6") == ["X"]


def test_pages(catalog, ids):
    first = wq.partner_records(catalog, "rajang", page_size=3)
    assert (first.total, first.page, first.pages) == (7, 1, 3)
    last = wq.partner_records(catalog, "rajang", page_size=3, page=99)
    assert last.page == 3 and [r.title for r in last.rows] == ["Hikayat Sambas"]
    empty = wq.partner_records(catalog, "rajang", text="nothing like it", page=4)
    assert (empty.total, empty.page, empty.pages, empty.rows) == (0, 1, 1, [])


def test_a_state_from_a_request(catalog):
    assert wq.state_of(None) is wq.RecordState.ALL
    assert wq.state_of("withdrawn") is wq.RecordState.WITHDRAWN
    with pytest.raises(InvalidInput):
        wq.state_of("secret")
