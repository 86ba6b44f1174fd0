"""A partner's control over its records (catalog.controls): each change is written with a
new version, a moved ``last_changed``, an ``index_due`` mark and an audit event, in one
transaction; a refused or bad request changes nothing at all."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from catalog import accounts, controls
from catalog.account_models import AuditEvent
from catalog.audit import audit_events
from catalog.errors import Forbidden, InvalidInput, NotFound
from catalog.models import DigitalObject, Record, utcnow
from catalog.records import RecordData

OLD = dt.datetime(2020, 1, 1)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
IN_COPYRIGHT = "http://rightsstatements.org/vocab/InC/1.0/"


@pytest.fixture
def two_partners(catalog):
    """Partner A (rajang) with three records and an object, B (khatulistiwa) with one;
    every record as of ``OLD`` and indexed (no mark)."""
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
    a = [
        o.record_id
        for o in catalog.upsert_records(
            "rajang",
            [RecordData(oai_identifier=f"a{n}", title=f"Hikayat {n}") for n in (1, 2, 3)],
        )
    ]
    b = catalog.upsert_record(
        "khatulistiwa", RecordData(oai_identifier="b1", title="Peta")
    ).record_id
    with catalog.session() as s:
        obj = DigitalObject(record_id=a[0], label="Naskah")
        s.add(obj)
        s.flush()
        object_id = obj.id
        s.execute(update(Record).values(last_changed=OLD, index_due=None))
    return {"a": a, "b": b, "object": object_id}


def _principal(catalog, email, *roles):
    user = accounts.create_user(catalog, email, "correct horse battery staple", actor="test")
    for role, partner in roles:
        accounts.add_membership(catalog, user.id, role, partner, actor="test")
    return accounts.principal(catalog, user)


@pytest.fixture
def curator_a(catalog, two_partners):
    return _principal(catalog, "curator@rajang.example", ("curator", "rajang"))


@pytest.fixture
def admin_b(catalog, two_partners):
    return _principal(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))


def _row(catalog, record_id) -> Record:
    with catalog.session() as s:
        return s.get(Record, record_id)


def _events(catalog, action=None):
    return [e for e in audit_events(catalog, action=action) if e.target_type == "record"]


def _snapshot(catalog):
    with catalog.session() as s:
        rows = s.scalars(select(Record).order_by(Record.id))
        state = [
            (
                r.id,
                r.hidden,
                r.hidden_reason,
                r.embargo_until,
                r.access,
                r.rights_uri,
                r.version,
                r.last_changed,
                r.index_due,
            )
            for r in rows
        ]
        objects = [(o.id, o.access) for o in s.scalars(select(DigitalObject))]
        events = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        return state, objects, events


def _assert_changed(catalog, record_id, version_before=1):
    row = _row(catalog, record_id)
    assert row.version == version_before + 1
    assert row.last_changed > OLD
    assert row.index_due is not None
    return row


def test_withdraw_hides_with_reason_bumps_and_audits(catalog, two_partners, curator_a):
    a1, a2, _ = two_partners["a"]
    done = controls.withdraw(catalog, curator_a, [a1, a2], "  Permintaan ahli waris  ")
    assert done == [a1, a2]
    for rid in (a1, a2):
        row = _assert_changed(catalog, rid)
        assert row.hidden and row.hidden_reason == "Permintaan ahli waris"
        assert row.hidden_at is not None
    events = _events(catalog, "record.withdraw")
    assert {e.target_id for e in events} == {str(a1), str(a2)}
    event = events[0]
    assert event.partner_id == "rajang" and event.actor == "curator@rajang.example"
    assert event.before == {"hidden": False, "hidden_reason": None}
    assert event.after == {"hidden": True, "hidden_reason": "Permintaan ahli waris"}
    # the same again changes nothing; a new reason is a change
    assert controls.withdraw(catalog, curator_a, [a1], "Permintaan ahli waris") == []
    assert controls.withdraw(catalog, curator_a, [a1], "Hak cipta") == [a1]
    assert _row(catalog, a1).hidden_reason == "Hak cipta"


def test_restore_shows_again_and_clears_the_reason(catalog, two_partners, curator_a):
    a1 = two_partners["a"][0]
    controls.withdraw(catalog, curator_a, [a1], "Sementara")
    with catalog.session() as s:
        s.execute(update(Record).values(last_changed=OLD, index_due=None))
    assert controls.restore(catalog, curator_a, [a1]) == [a1]
    row = _assert_changed(catalog, a1, version_before=2)
    assert (row.hidden, row.hidden_reason, row.hidden_at) == (False, None, None)
    (event,) = _events(catalog, "record.restore")
    assert event.before == {"hidden": True, "hidden_reason": "Sementara"}
    assert event.after == {"hidden": False, "hidden_reason": None}
    assert controls.restore(catalog, curator_a, [a1]) == []


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * (controls.MAX_REASON + 1)])
def test_withdraw_needs_a_reason(catalog, two_partners, curator_a, reason):
    before = _snapshot(catalog)
    with pytest.raises(InvalidInput):
        controls.withdraw(catalog, curator_a, [two_partners["a"][0]], reason)
    assert _snapshot(catalog) == before


def test_another_partners_admin_changes_nothing(catalog, two_partners, admin_b):
    a1, a2, _ = two_partners["a"]
    b1 = two_partners["b"]
    before = _snapshot(catalog)
    refused = [
        lambda: controls.withdraw(catalog, admin_b, [a1], "bukan milik saya"),
        lambda: controls.withdraw(catalog, admin_b, [b1, a2], "campur"),  # mixed: all refused
        lambda: controls.restore(catalog, admin_b, [a1]),
        lambda: controls.set_embargo(catalog, admin_b, a1, utcnow() + dt.timedelta(days=9)),
        lambda: controls.lift_embargo(catalog, admin_b, a1),
        lambda: controls.set_access(catalog, admin_b, a1, "metadata"),
        lambda: controls.set_access(
            catalog, admin_b, a1, "metadata", object_id=two_partners["object"]
        ),
        lambda: controls.set_rights(catalog, admin_b, a1, CC_BY),
        lambda: controls.set_rights(catalog, admin_b, a1, None),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden):
            attempt()
    # claiming its own partner for another's records: not found
    with pytest.raises(NotFound):
        controls.withdraw(catalog, admin_b, [b1, a1], "campur", partner_id="khatulistiwa")
    assert _snapshot(catalog) == before


def test_an_unknown_id_in_a_bulk_request_changes_nothing(catalog, two_partners, curator_a):
    before = _snapshot(catalog)
    with pytest.raises(NotFound):
        controls.withdraw(catalog, curator_a, [two_partners["a"][0], 999_999], "hilang")
    with pytest.raises(InvalidInput):
        controls.withdraw(catalog, curator_a, [], "tidak ada")
    assert _snapshot(catalog) == before


def test_an_operator_may_not_withdraw(catalog, two_partners):
    operator = _principal(catalog, "op@rajang.example", ("operator", "rajang"))
    before = _snapshot(catalog)
    with pytest.raises(Forbidden):
        controls.withdraw(catalog, operator, two_partners["a"][:1], "alasan")
    with pytest.raises(Forbidden):
        controls.set_embargo(
            catalog, operator, two_partners["a"][0], utcnow() + dt.timedelta(days=1)
        )
    assert _snapshot(catalog) == before


def test_embargo_set_and_lift(catalog, two_partners, curator_a):
    a1 = two_partners["a"][0]
    until = dt.datetime(2999, 1, 1)
    assert controls.set_embargo(catalog, curator_a, a1, until) == [a1]
    row = _assert_changed(catalog, a1)
    assert row.embargo_until == until
    (event,) = _events(catalog, "record.embargo")
    assert event.before == {"embargo_until": None}
    assert event.after == {"embargo_until": "2999-01-01T00:00:00"}
    assert controls.set_embargo(catalog, curator_a, a1, until) == []
    assert controls.lift_embargo(catalog, curator_a, a1) == [a1]
    assert _row(catalog, a1).embargo_until is None
    assert controls.lift_embargo(catalog, curator_a, a1) == []
    before = _snapshot(catalog)
    with pytest.raises(InvalidInput):
        controls.set_embargo(catalog, curator_a, a1, utcnow() - dt.timedelta(minutes=1))
    assert _snapshot(catalog) == before


def test_release_ends_the_embargoes_whose_date_has_come(catalog, two_partners, curator_a):
    a1, a2, _ = two_partners["a"]
    now = utcnow()
    for rid, days in ((a1, 1), (a2, 5)):
        controls.set_embargo(catalog, curator_a, rid, now + dt.timedelta(days=days))
    with catalog.session() as s:
        s.execute(update(Record).values(last_changed=OLD, index_due=None))
    assert controls.release_embargoes(catalog, now) == []
    released = controls.release_embargoes(catalog, now + dt.timedelta(days=2))
    assert released == [a1]
    row = _assert_changed(catalog, a1, version_before=2)
    assert row.embargo_until is None
    assert _row(catalog, a2).embargo_until is not None and _row(catalog, a2).index_due is None
    (event,) = _events(catalog, "record.embargo-released")
    assert event.actor == "system" and event.actor_id is None and event.partner_id == "rajang"
    assert event.after == {"embargo_until": None}
    assert controls.release_embargoes(catalog, now + dt.timedelta(days=2)) == []


def test_access_of_the_record_and_of_an_object(catalog, two_partners, curator_a):
    a1, a2, _ = two_partners["a"]
    obj = two_partners["object"]
    assert controls.set_access(catalog, curator_a, a1, "onsite") == [a1]
    assert _assert_changed(catalog, a1).access == "onsite"
    assert controls.set_access(catalog, curator_a, a1, "onsite") == []
    assert controls.set_access(catalog, curator_a, a1, "metadata", object_id=obj) == [a1]
    assert controls.set_access(catalog, curator_a, a1, None, object_id=obj) == [a1]
    with catalog.session() as s:
        assert s.get(DigitalObject, obj).access is None
    events = _events(catalog, "object.access")
    assert [e.after for e in reversed(events)] == [
        {"object": obj, "access": "metadata"},
        {"object": obj, "access": None},
    ]
    before = _snapshot(catalog)
    for bad in (
        lambda: controls.set_access(catalog, curator_a, a1, "secret"),
        lambda: controls.set_access(catalog, curator_a, a1, None),  # a record needs a level
    ):
        with pytest.raises(InvalidInput):
            bad()
    with pytest.raises(NotFound):  # an object of another record
        controls.set_access(catalog, curator_a, a2, "metadata", object_id=obj)
    assert _snapshot(catalog) == before


def test_the_store_hides_through_the_same_writer_and_audits(catalog, two_partners):
    a1 = two_partners["a"][0]
    assert catalog.set_hidden([a1], True, reason="maintenance") == 1
    row = _assert_changed(catalog, a1)
    assert row.hidden_reason == "maintenance" and row.hidden_at is not None
    (event,) = _events(catalog, "record.withdraw")
    assert event.actor == "cli"


def test_rights_chosen_in_the_workspace_and_given_back_to_the_harvest(
    catalog, two_partners, curator_a
):
    a1 = two_partners["a"][0]
    with catalog.session() as s:
        s.get(Record, a1).rights = "Hak cipta dilindungi"
    assert controls.set_rights(catalog, curator_a, a1, CC_BY) == [a1]
    row = _assert_changed(catalog, a1)
    assert (row.rights_uri, row.rights_source) == (CC_BY, "workspace")
    (event,) = _events(catalog, "record.rights")
    assert event.before == {"rights_uri": None, "rights_source": None}
    assert event.after == {"rights_uri": CC_BY, "rights_source": "workspace"}
    assert controls.set_rights(catalog, curator_a, a1, CC_BY) == []
    assert controls.set_rights(catalog, curator_a, a1, None) == [a1]
    row = _row(catalog, a1)
    assert (row.rights_uri, row.rights_source) == (IN_COPYRIGHT, "harvest")
    before = _snapshot(catalog)
    for bad in ("https://creativecommons.org/licenses/by/3.0/", "CC BY 4.0", "javascript:x"):
        with pytest.raises(InvalidInput):
            controls.set_rights(catalog, curator_a, a1, bad)
    assert _snapshot(catalog) == before
