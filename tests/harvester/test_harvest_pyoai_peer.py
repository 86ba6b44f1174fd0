"""Harvesting a real OAI-PMH server that is not our code: pyoai's server on 127.0.0.1,
serving the recorded DSpace@Erasmus page (81 oai_dc records, 2 of them deleted)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from catalog.models import Partner, Record
from harvester.harvest import harvest_partner
from tests.harvester.conftest import add_partner
from tests.harvester.pyoai_peer import PyoaiPeer, with_datestamp

DELETED = {"hdl:1765/1160", "hdl:1765/1162"}


@pytest.fixture
def peer(oai_dir):
    server = PyoaiPeer(oai_dir / "pyoai-erasmus-dspace" / "fake2" / "00002.xml", batch_size=20)
    yield server
    server.shutdown()


def _deleted_ids(peer) -> set[str]:
    return {h.identifier() for h, _m, _a in peer.records if h.isDeleted()}


def test_full_harvest_of_the_dspace_feed(catalog, settings, peer):
    pid = add_partner(catalog, peer.url)
    report = harvest_partner(catalog, pid, settings)
    assert report.status == "completed"
    assert report.counts["records"] == 81 and report.counts["pages"] == 5
    tombstones = _deleted_ids(peer)
    assert len(tombstones) == 2
    assert report.counts["new"] == 79 and report.counts["deleted"] == 2
    assert catalog.identifiers(pid) == {h.identifier() for h, _m, _a in peer.records} - tombstones
    assert catalog.identifiers(pid, live_only=False) >= tombstones
    first = catalog.find_record(pid, "hdl:1765/9")
    assert first.title == "The Causality of Supply Relationships"
    assert first.creators == ["Jong, G. de", "Nooteboom, B."]
    assert first.languages == ["eng"] and first.year_from == 2001
    assert first.source_url == "http://hdl.handle.net/1765/9"
    assert first.raw_xml_id is not None and first.source_format == "oai_dc"


def test_first_contact_is_cached_on_the_partner(sqlite_catalog, settings, peer):
    pid = add_partner(sqlite_catalog, peer.url)
    harvest_partner(sqlite_catalog, pid, settings)
    partner = sqlite_catalog.get_partner(pid)
    assert partner.identify["granularity"] == "YYYY-MM-DDThh:mm:ssZ"
    assert partner.identify["deletedRecord"] == "persistent"
    assert [f["prefix"] for f in partner.formats] == ["oai_dc"]
    assert partner.set_list == []  # noSetHierarchy
    verbs = [q["verb"] for q in peer.requests]
    harvest_partner(sqlite_catalog, pid, settings)
    again = [q["verb"] for q in peer.requests[len(verbs) :]]
    assert "Identify" not in again and "ListSets" not in again


def test_incremental_harvest_overlaps_one_unit_and_picks_up_changes(sqlite_catalog, settings, peer):
    pid = add_partner(sqlite_catalog, peer.url)
    first = harvest_partner(sqlite_catalog, pid, settings)
    highest = max(h.datestamp() for h, _m, _a in peer.records)
    second = harvest_partner(sqlite_catalog, pid, settings)
    expected = (highest - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert second.from_date == expected
    assert peer.requests[-1]["from"] == expected
    assert second.counts["new"] == 0 and second.changed_record_ids == []
    later = highest + dt.timedelta(days=30)
    peer.records = [
        with_datestamp(r, later) if r[0].identifier() == "hdl:1765/9" else r for r in peer.records
    ]
    third = harvest_partner(sqlite_catalog, pid, settings)
    # the changed record, plus the overlap: the record(s) at the previous highest datestamp
    at_highest = sum(1 for h, _m, _a in peer.records if h.datestamp() == highest)
    assert third.counts["records"] == 1 + at_highest
    assert third.counts["unchanged"] == 1 + at_highest  # a new datestamp alone changes nothing
    assert first.run_id < second.run_id < third.run_id
    assert sqlite_catalog.find_record(pid, "hdl:1765/9").datestamp == later


def test_a_provider_deletion_becomes_a_tombstone_hidden_from_search(sqlite_catalog, settings, peer):
    pid = add_partner(sqlite_catalog, peer.url)
    harvest_partner(sqlite_catalog, pid, settings)
    later = max(h.datestamp() for h, _m, _a in peer.records) + dt.timedelta(days=1)
    peer.records = [
        with_datestamp(r, later, deleted=True) if r[0].identifier() == "hdl:1765/9" else r
        for r in peer.records
    ]
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["deleted"] == 1
    record = sqlite_catalog.find_record(pid, "hdl:1765/9")
    assert record.deleted and record.title  # kept as a tombstone
    assert record.id in report.changed_record_ids
    assert "hdl:1765/9" not in sqlite_catalog.identifiers(pid)


def test_mass_deletion_stops_and_asks_for_confirmation(sqlite_catalog, settings, peer):
    pid = add_partner(sqlite_catalog, peer.url)
    harvest_partner(sqlite_catalog, pid, settings)
    later = max(h.datestamp() for h, _m, _a in peer.records) + dt.timedelta(days=1)
    peer.records = [
        with_datestamp(r, later, deleted=True) if i % 3 == 0 else r
        for i, r in enumerate(peer.records)
    ]
    live = len(sqlite_catalog.identifiers(pid))
    held = harvest_partner(sqlite_catalog, pid, settings)
    assert held.status == "needs_confirmation" and not held.ok
    assert "--confirm-deletions" in held.report["errors"][-1]
    assert len(sqlite_catalog.identifiers(pid)) == live  # nothing deleted
    confirmed = harvest_partner(sqlite_catalog, pid, settings, confirm_deletions=True)
    assert confirmed.status == "completed"
    assert confirmed.counts["deleted"] == held.counts["held_deletions"] > 0.2 * live
    assert len(sqlite_catalog.identifiers(pid)) == live - confirmed.counts["deleted"]


def test_full_run_reconciles_by_identifier_list_when_the_provider_keeps_no_deletions(
    sqlite_catalog, settings, peer
):
    peer.repository.deleted_policy = "no"
    pid = add_partner(sqlite_catalog, peer.url)
    harvest_partner(sqlite_catalog, pid, settings)
    gone = {r[0].identifier() for r in peer.records[:5] if not r[0].isDeleted()}
    peer.records = [r for r in peer.records if r[0].identifier() not in gone]
    incremental = harvest_partner(sqlite_catalog, pid, settings)
    assert incremental.counts["deleted"] == 0  # an incremental run cannot see vanished records
    full = harvest_partner(sqlite_catalog, pid, settings, full=True)
    assert full.status == "completed" and full.counts["reconciled_missing"] == len(gone)
    assert full.counts["deleted"] == len(gone)
    assert not gone & sqlite_catalog.identifiers(pid)
    assert any(q["verb"] == "ListIdentifiers" for q in peer.requests)


def test_a_format_the_provider_does_not_offer_is_refused_clearly(sqlite_catalog, settings, peer):
    from catalog.errors import HarvestError

    pid = add_partner(sqlite_catalog, peer.url, prefix="mods")
    with pytest.raises(HarvestError, match="does not offer metadata format 'mods'"):
        harvest_partner(sqlite_catalog, pid, settings)


def test_from_beyond_the_last_record_is_an_empty_harvest(sqlite_catalog, settings, peer):
    pid = add_partner(sqlite_catalog, peer.url)
    report = harvest_partner(sqlite_catalog, pid, settings, from_date=dt.date(2030, 1, 1))
    assert report.status == "completed" and report.counts["records"] == 0
    assert peer.requests[-1]["from"] == "2030-01-01T00:00:00Z"


def test_records_of_the_partner_are_stored_with_partner_and_sets(sqlite_catalog, settings, peer):
    pid = add_partner(sqlite_catalog, peer.url)
    harvest_partner(sqlite_catalog, pid, settings)
    with sqlite_catalog.session() as s:
        assert s.get(Partner, pid).contacted_at is not None
        sets = s.scalars(select(Record.sets).where(Record.oai_identifier == "hdl:1765/9")).one()
    assert sets == ["1:1"]


@pytest.mark.parametrize(
    "query, code",
    [
        ({"verb": "Bogus"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01"},
            "noRecordsMatch",
        ),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "nope"}, "idDoesNotExist"),
        ({"verb": "ListSets"}, "noSetHierarchy"),
    ],
)
def test_oai_errors_of_the_real_server_are_read(settings, peer, query, code):
    from harvester.client import PartnerClient
    from harvester.protocol import OAIError, parse_envelope

    client = PartnerClient(peer.url, settings)
    with pytest.raises(OAIError) as caught:
        parse_envelope(client.harvest(**query).content)
    client.close()
    assert caught.value.code == code
