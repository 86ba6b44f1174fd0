"""Harvesting a partner's records again never undoes what the partner decided in the
workspace: withdrawal (and its reason), embargo, access levels of records and objects
and a rights statement chosen there survive changed, unchanged, deleted and undeleted
records, harvested by the real harvester from a feed on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from catalog import accounts, controls
from catalog.models import DigitalObject, Record
from harvester.harvest import harvest_partner
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import SyntheticFeed

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
UNTIL = dt.datetime(2999, 1, 1)


def _with_rights(feed: SyntheticFeed):
    """The feed's answers with a harvested rights text in every record (so a harvest
    that maps rights text has something to map)."""

    def respond(query, count=0):
        reply = feed.respond(query, count)
        body = reply.body.replace(
            b"</oai_dc:dc>", b"<dc:rights>Hak cipta dilindungi</dc:rights></oai_dc:dc>"
        )
        return dataclasses.replace(reply, body=body)

    return respond


def _decisions(catalog, pid):
    with catalog.session() as s:
        rows = s.scalars(select(Record).where(Record.partner_id == pid).order_by(Record.id))
        records = {
            r.oai_identifier: (
                r.hidden,
                r.hidden_reason,
                r.embargo_until,
                r.access,
                r.rights_uri if r.rights_source == "workspace" else None,
                r.rights_source == "workspace",
            )
            for r in rows
        }
        objects = {o.id: o.access for o in s.scalars(select(DigitalObject))}
        return records, objects


def test_a_harvest_keeps_every_workspace_decision(sqlite_catalog, settings, serve):
    catalog = sqlite_catalog
    feed = SyntheticFeed(6, page_size=10, scan_host="scans.example")
    server = serve(_with_rights(feed))
    pid = add_partner(catalog, server.url)
    assert harvest_partner(catalog, pid, settings).counts["new"] == 6
    ids = {r.oai_identifier: r.id for r in _records(catalog)}
    user = accounts.create_user(catalog, "kurator@mitra.example", "x" * 16, actor="test")
    accounts.add_membership(catalog, user.id, "curator", pid, actor="test")
    curator = accounts.principal(catalog, user)
    with catalog.session() as s:
        (object_id,) = s.scalars(
            select(DigitalObject.id).where(DigitalObject.record_id == ids["oai:synth:0"])
        )

    controls.withdraw(catalog, curator, [ids["oai:synth:0"], ids["oai:synth:4"]], "Ahli waris")
    controls.set_embargo(catalog, curator, ids["oai:synth:1"], UNTIL)
    controls.set_access(catalog, curator, ids["oai:synth:2"], "onsite")
    controls.set_access(catalog, curator, ids["oai:synth:0"], "metadata", object_id=object_id)
    controls.set_rights(catalog, curator, ids["oai:synth:3"], CC_BY)
    decided = _decisions(catalog, pid)
    assert decided[0]["oai:synth:0"][:2] == (True, "Ahli waris")
    assert decided[1] == {object_id: "metadata"}

    feed.change(range(6))  # every record changed at the partner
    report = harvest_partner(catalog, pid, settings)
    assert report.counts["updated"] == 6
    assert _titles(catalog) == {"Hikayat nomor 0 (edisi 1)"}
    assert _decisions(catalog, pid) == decided

    report = harvest_partner(catalog, pid, settings, full=True)  # the same again
    assert report.counts["unchanged"] == 6
    assert _decisions(catalog, pid) == decided

    feed.change([4], delete=True)  # the partner deletes a withdrawn record…
    report = harvest_partner(catalog, pid, settings, confirm_deletions=True)
    assert report.counts["deleted"] == 1
    assert _decisions(catalog, pid) == decided
    feed.deleted.discard(4)  # …and brings it back
    feed.change([4])
    report = harvest_partner(catalog, pid, settings)
    assert report.counts["updated"] >= 1  # (a new edition: every record changed)
    rows = {r.oai_identifier: r for r in _records(catalog)}
    assert rows["oai:synth:4"].deleted is False
    assert _decisions(catalog, pid) == decided  # still withdrawn, with its reason


def _records(catalog):
    with catalog.session() as s:
        return list(s.scalars(select(Record).order_by(Record.id)))


def _titles(catalog):
    return {r.title for r in _records(catalog) if r.oai_identifier == "oai:synth:0"}
