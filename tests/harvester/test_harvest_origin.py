"""A harvest touches only the records it brought: a full harvest of a feed that keeps no
deletions, next to records a digitization team uploaded or catalogued for the same
partner, deletes only harvested records the feed no longer lists; a harvested record
that meets a workspace record of the same identifier leaves it untouched and counts it.
Real harvester, real feed server on 127.0.0.1, real SQLite."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import Record
from catalog.records import RecordData
from catalog.upload_models import RecordOrigin
from harvester.harvest import harvest_partner
from harvester.remap import remap_partner
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import SyntheticFeed


def _workspace_record(catalog, pid, origin, title, identifier=""):
    """A record made in the workspace: uploaded scans, or a sheet row (catalogued)."""
    record_id = catalog.create_uploaded_record(
        pid, RecordData(oai_identifier=identifier, title=title, languages=("ind",))
    )
    if origin != RecordOrigin.UPLOADED:
        with catalog.session() as s:
            s.get(Record, record_id).origin = origin
    return record_id


def _state(catalog, record_id):
    with catalog.session() as s:
        r = s.get(Record, record_id)
        return (r.origin, r.deleted, r.title, r.version, r.last_changed, r.content_hash)


def _live(catalog, pid):
    with catalog.session() as s:
        rows = s.scalars(
            select(Record.oai_identifier).where(Record.partner_id == pid, Record.deleted.is_(False))
        )
        return set(rows)


def test_a_full_harvest_of_a_feed_without_deletions_keeps_workspace_records(
    sqlite_catalog, settings, serve
):
    catalog = sqlite_catalog
    feed = SyntheticFeed(20, page_size=7, deleted_record="no")
    pid = add_partner(catalog, serve(feed.respond).url)
    assert harvest_partner(catalog, pid, settings).counts["new"] == 20
    uploaded = _workspace_record(catalog, pid, RecordOrigin.UPLOADED, "Naskah hasil pindai")
    catalogued = _workspace_record(catalog, pid, RecordOrigin.CATALOGUED, "Surat kabar lama")
    before = {rid: _state(catalog, rid) for rid in (uploaded, catalogued)}

    report = harvest_partner(catalog, pid, settings, full=True)
    assert report.status == "completed"
    assert report.counts["reconciled_missing"] == 0 and report.counts["deleted"] == 0
    assert {rid: _state(catalog, rid) for rid in before} == before

    feed.missing = {19}  # the provider drops one record without a trace
    feed.change([])
    report = harvest_partner(catalog, pid, settings, full=True)
    assert report.status == "completed"
    assert report.counts["reconciled_missing"] == 1 and report.counts["deleted"] == 1
    assert "oai:synth:19" not in _live(catalog, pid)
    assert {rid: _state(catalog, rid) for rid in before} == before
    assert len(_live(catalog, pid)) == 19 + 2


def test_a_harvest_never_overwrites_or_deletes_a_workspace_record_it_meets(
    sqlite_catalog, settings, serve
):
    catalog = sqlite_catalog
    feed = SyntheticFeed(6, page_size=10)
    pid = add_partner(catalog, serve(feed.respond).url)
    # the team described two items under identifiers the feed also uses
    uploaded = _workspace_record(
        catalog, pid, RecordOrigin.UPLOADED, "Hikayat (pindaian)", "oai:synth:2"
    )
    catalogued = _workspace_record(
        catalog, pid, RecordOrigin.CATALOGUED, "Hikayat (katalog)", "oai:synth:3"
    )
    before = {rid: _state(catalog, rid) for rid in (uploaded, catalogued)}

    report = harvest_partner(catalog, pid, settings)
    assert report.counts["new"] == 4 and report.counts["kept"] == 2
    assert {rid: _state(catalog, rid) for rid in before} == before

    feed.change([2, 3], delete=True)  # the feed deletes both
    feed.change([0])
    report = harvest_partner(catalog, pid, settings)
    assert report.counts["kept"] == 2 and report.counts["deleted"] == 0
    assert {rid: _state(catalog, rid) for rid in before} == before
    assert {"oai:synth:2", "oai:synth:3"} <= _live(catalog, pid)

    # the mapping run over stored raw XML leaves them alone too
    assert remap_partner(catalog, pid).counts["updated"] == 0
    assert {rid: _state(catalog, rid) for rid in before} == before


def test_warisan_harvest_says_what_it_left_untouched(app, runner, serve):
    from portal.services import get_services

    feed = SyntheticFeed(3, page_size=10, deleted_record="no")
    app.config.update(HARVEST_MAX_RETRIES=0, HARVEST_TIMEOUT=10.0)
    with app.app_context():
        catalog = get_services().catalog
        pid = add_partner(catalog, serve(feed.respond).url)
        _workspace_record(catalog, pid, RecordOrigin.UPLOADED, "Pindaian", "oai:synth:1")
        _workspace_record(catalog, pid, RecordOrigin.CATALOGUED, "Tanpa pindaian")
    result = runner.invoke(args=["harvest", pid, "--full"])
    assert result.exit_code == 0, result.output
    assert "mitra: completed — 2 new, 0 updated, 0 deleted" in result.output
    assert "1 record(s) uploaded or catalogued in the workspace left untouched" in result.output
