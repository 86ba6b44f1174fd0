"""Our own harvester harvests our OAI-PMH provider back, in oai_dc and in MODS, over a
real HTTP server on loopback, and gets the same records (deletes included)."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from catalog.store import Catalog
from portal.services import get_services

FIELDS = (
    "title",
    "titles",
    "creators",
    "subjects",
    "description",
    "date_original",
    "year_from",
    "year_to",
    "type",
    "languages",
    "rights",
    "identifiers",
    "source_url",
)


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
    from harvester.run import harvest_partner
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
        assert report.status in ("ok", "succeeded", "completed", "done"), report
        with app.app_context():
            source = get_services().catalog
            with source.session() as s:
                from sqlalchemy import select

                from catalog.models import Record

                originals = list(s.scalars(select(Record)))
        for original in originals:
            copy = target.find_record("warisan", f"oai:warisan.example:{original.id}")
            assert copy is not None, original.id
            assert copy.deleted == original.deleted
            if original.deleted:
                continue
            for field in FIELDS:
                expected = getattr(original, field)
                if field == "titles" and not expected:  # the main title is always listed
                    expected = [{"value": original.title, "lang": None}]
                if field == "source_url" and not expected:  # our page is then the link back
                    expected = f"{served}/records/{original.id}"
                assert getattr(copy, field) == expected, (prefix, field)
            assert sorted(copy.sets) == ["country:MY", "partner:rajang"] or sorted(copy.sets) == [
                "country:ID",
                "partner:khatulistiwa",
            ]
    finally:
        target.dispose()
