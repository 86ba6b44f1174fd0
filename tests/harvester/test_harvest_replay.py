"""Recorded real responses replayed byte for byte (with their recorded HTTP status and
Content-Type): Zenodo (OAI errors sent with HTTP 422) and the Indonesian INLISLite
MARCXML page (empty datestamps, no MARC leader)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.errors import HarvestError
from catalog.models import DigitalObject
from harvester.client import PartnerClient
from harvester.harvest import harvest_partner
from harvester.protocol import OAIError, parse_page
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import oai
from tests.harvester.servers import Reply, replay_responder


@pytest.fixture
def zenodo(oai_dir, serve):
    return serve(replay_responder(oai_dir / "oaipmh-scythe"))


def test_a_whole_zenodo_harvest_replayed(sqlite_catalog, settings, zenodo):
    pid = add_partner(sqlite_catalog, zenodo.url, scan_hosts=["zenodo.org"])
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed"
    assert report.counts["pages"] == 3 and report.counts["records"] == 9
    # Zenodo declares deletedRecord=no, yet its second page carries a deleted record
    assert report.counts["new"] == 8 and report.counts["deleted"] == 1
    partner = sqlite_catalog.get_partner(pid)
    assert partner.identify["deletedRecord"] == "no"
    assert "oai_dc" in [f["prefix"] for f in partner.formats]
    assert len(partner.set_list) == 10  # two ListSets pages of 5, joined
    assert report.report["fill_rates"]["title"] == 1.0


def test_zenodo_full_run_reconciles_with_list_identifiers(sqlite_catalog, settings, zenodo):
    pid = add_partner(sqlite_catalog, zenodo.url)
    report = harvest_partner(sqlite_catalog, pid, settings, full=True)
    # The recorded ListIdentifiers pages were captured at another moment than the
    # ListRecords pages, so some harvested records are not listed: the guard holds them.
    assert report.counts["reconciled_missing"] > 0
    assert report.status == "needs_confirmation"
    assert len(sqlite_catalog.identifiers(pid)) == report.counts["new"]


def test_zenodo_422_no_records_match_is_an_empty_harvest(sqlite_catalog, settings, zenodo):
    pid = add_partner(sqlite_catalog, zenodo.url, sets=["XXX"])
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["records"] == 0
    assert zenodo.requests[-1] == {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "XXX"}


def test_zenodo_422_errors_are_read_as_oai_errors(settings, zenodo):
    client = PartnerClient(zenodo.url, settings)
    raw = client.harvest(verb="ListRecords", metadataPrefix="XXX")
    assert raw.status == 422
    with pytest.raises(OAIError) as caught:
        parse_page(raw.content)
    assert caught.value.code == "badArgument"
    raw = client.harvest(verb="ListRecords", resumptionToken="XXX")
    with pytest.raises(OAIError, match="badResumptionToken"):
        parse_page(raw.content)
    client.close()


def test_an_html_page_answering_identify_is_a_clear_error(sqlite_catalog, settings, oai_dir, serve):
    html = (oai_dir / "oaipmh-scythe" / "identify" / "00_httpbun_Identify.html").read_bytes()
    server = serve(lambda q, n: Reply(html, 200, {"Content-Type": "text/html"}))
    pid = add_partner(sqlite_catalog, server.url)
    with pytest.raises(HarvestError, match="Identify failed"):
        harvest_partner(sqlite_catalog, pid, settings)


@pytest.fixture
def inlislite(oai_dir, serve):
    page = (oai_dir / "goharvest-jogjaprov" / "ListRecords_marcxml_page1.xml").read_bytes()
    identify = (oai_dir / "sickle" / "Identify.xml").read_bytes()
    end = oai('<ListRecords><resumptionToken completeListSize="100" cursor="100"/></ListRecords>')

    def respond(query, count):
        verb = query.get("verb")
        if verb == "Identify":
            return Reply(identify)
        if verb in ("ListMetadataFormats", "ListSets"):
            return Reply(b"", 404)  # INLISLite answers neither; the harvest goes on without
        if query.get("resumptionToken") == "100____marcxml":
            return Reply(end)  # the list's end: an empty <resumptionToken/>
        return Reply(page)

    return serve(respond)


def test_the_inlislite_marcxml_page(sqlite_catalog, settings, inlislite):
    pid = add_partner(sqlite_catalog, inlislite.url, prefix="marcxml")
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 100
    assert report.counts["flagged"] == 100  # every record: missing datestamp, no leader
    record = sqlite_catalog.find_record(pid, "oai:balaiyanpus.jogjaprov.go.id:14")
    assert record.title == "PANDUAN cerdas mahasiswa Jogja"
    assert record.datestamp is None
    assert {"missing_datestamp", "marc_no_leader"} <= set(record.quality_flags)
    assert record.type == "book" and record.year_from == 2005
    assert record.source_url == "http://balaiyanpus.jogjaprov.go.id/opac/detail-opac?id=14"
    with sqlite_catalog.session() as s:
        assert s.scalars(select(DigitalObject)).all() == []  # OPAC pages are not scans
    indonesian = sum(
        1
        for i in sqlite_catalog.identifiers(pid)
        if "ind" in sqlite_catalog.find_record(pid, i).languages
    )
    assert indonesian > 50
    # no datestamps at all: the next run cannot be incremental and harvests in full
    again = harvest_partner(sqlite_catalog, pid, settings)
    assert again.from_date is None and again.counts["unchanged"] == 100
