"""Our own harvester harvests our OAI-PMH provider back, in oai_dc and in MODS, over a
real HTTP server on loopback, and gets the same records (deletes included)."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from catalog.records import DESCRIPTIVE_FIELDS
from catalog.store import Catalog
from portal.services import get_services

FIELDS = DESCRIPTIVE_FIELDS


@pytest.fixture
def served(app, library):
    """The portal on a real loopback HTTP server; yields its base URL."""
    app.config["OAI_PAGE_SIZE"] = 2  # several pages: resumption tokens are exercised
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.mark.parametrize("prefix", ["mods", "oai_dc"])
def test_harvester_reads_our_provider_back_losslessly(app, served, tmp_path, prefix):
    from harvester.harvest import harvest_partner
    from harvester.settings import HarvestSettings

    target = Catalog(f"sqlite:///{tmp_path / 'aggregator.db'}")
    target.upgrade()
    try:
        target.add_partner(
            "warisan",
            name="Warisan",
            country="MY",
            oai_url=f"{served}/oai",
            metadata_prefix=prefix,
            politeness_delay=0,
        )
        settings = HarvestSettings(request_timeout=20, max_retries=0, politeness_delay=0)
        report = harvest_partner(target, "warisan", settings, full=True)
        assert report.status == "completed", report
        assert _compare(app, target, served) == 4
        sets = {tuple(sorted(r.sets)) for r in _records(target)}
        assert sets == {("country:MY", "partner:rajang"), ("country:ID", "partner:khatulistiwa")}
    finally:
        target.dispose()


def _records(catalog: Catalog):
    from sqlalchemy import select

    from catalog.models import Record

    with catalog.session() as s:
        return list(s.scalars(select(Record)))


def _compare(source_app, target: Catalog, base: str) -> int:
    """Assert every record of the source came back the same; returns how many."""
    from sqlalchemy import select

    from catalog.models import Record

    with source_app.app_context(), get_services().catalog.session() as s:
        originals = list(s.scalars(select(Record)))
    for original in originals:
        copy = target.find_record("warisan", f"oai:warisan.example:{original.id}")
        assert copy is not None, original.id
        assert copy.deleted == (original.deleted or original.hidden)
        if copy.deleted:
            continue
        for field in FIELDS:
            expected = getattr(original, field)
            if field == "titles" and not expected and original.title:
                expected = [{"value": original.title, "lang": None}]
            if field == "source_url" and not expected:
                expected = f"{base}/records/{original.id}"
            assert getattr(copy, field) == expected, (original.oai_identifier, field)
    return len(originals)


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["mods", "oai_dc"])
def test_the_whole_demo_instance_comes_back_the_same(demo_app, tmp_path, prefix):
    from harvester.harvest import harvest_partner
    from harvester.settings import HarvestSettings

    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    target = Catalog(f"sqlite:///{tmp_path / 'aggregator.db'}")
    target.upgrade()
    try:
        target.add_partner(
            "warisan",
            name="Warisan",
            country="MY",
            oai_url=f"{base}/oai",
            metadata_prefix=prefix,
            politeness_delay=0,
        )
        settings = HarvestSettings(request_timeout=20, max_retries=0, politeness_delay=0)
        report = harvest_partner(target, "warisan", settings, full=True)
        assert report.status == "completed", report
        assert _compare(demo_app, target, base) >= 50
    finally:
        target.dispose()
        server.shutdown()
        thread.join(5)
