"""``warisan demo`` builds a whole instance: partners, harvest, OCR, index — and twice is safe."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from catalog.models import DigitalObject, Page, Record
from demo.accounts import DEMO_ACCOUNTS
from portal.services import get_services
from tests.support.servers import free_port


def test_demo_instance_has_partners_records_pages_and_an_index(demo_app):
    output = demo_app.config["DEMO_OUTPUT"]
    steps = ("Demo partners", "Harvest", "Fetch and OCR the scans", "Search index")
    for step in (*steps, "Demo workspace accounts", "Ready"):
        assert step in output
    assert "For the demo only" in output
    for account in DEMO_ACCOUNTS:
        assert f"{account.email}  password {account.password}  [created]" in output
    with demo_app.app_context():
        catalog = get_services().catalog
        partners = {p.id: p.country for p in catalog.list_partners()}
        assert sorted(partners.values()) == ["BN", "ID", "MY"]
        with catalog.session() as s:
            live = s.scalar(select(func.count()).select_from(Record).where(~Record.deleted))
            tombstones = s.scalar(select(func.count()).select_from(Record).where(Record.deleted))
            pages = s.scalars(select(Page)).all()
            objects = s.scalars(select(DigitalObject)).all()
        assert live >= 50 and tombstones >= 2
        assert len(pages) >= 18
        assert all(o.status not in {"pending", "failed"} for o in objects)
        done = [p for p in pages if p.ocr_status == "done"]
        assert len(done) == len(pages)
        assert all(p.words and p.text and p.language in {"ind", "msa", "eng"} for p in done)


def test_demo_search_meets_old_and_new_spellings(demo_app):
    runner = demo_app.test_cli_runner()
    old = json.loads(runner.invoke(args=["search", "Djakarta", "--json"]).output)
    new = json.loads(runner.invoke(args=["search", "Jakarta", "--json"]).output)
    assert old["total"] > 0
    assert {h["id"] for h in old["hits"]} == {h["id"] for h in new["hits"]}


def test_demo_portal_serves_the_built_instance(demo_app):
    client = demo_app.test_client()
    home = client.get("/")
    assert home.status_code == 200
    assert "(Demo)" in home.get_data(as_text=True)
    found = client.get("/api/search?q=naskah")
    assert found.status_code == 200
    assert found.get_json()["total"] > 0


def test_running_demo_again_changes_nothing(demo_app):
    runner = demo_app.test_cli_runner()
    with demo_app.app_context():
        catalog = get_services().catalog
        with catalog.session() as s:
            before = [(r.id, r.version, r.last_changed) for r in s.scalars(select(Record))]
    result = runner.invoke(args=["demo", "--no-serve", "--oai-port", str(free_port())])
    assert result.exit_code == 0, result.output
    assert "0 new, 0 updated, 0 deleted" in result.output
    assert "Queued 0 scan fetch(es)" in result.output
    assert result.output.count("[present]") == len(DEMO_ACCOUNTS)
    assert "[created]" not in result.output
    with demo_app.app_context(), get_services().catalog.session() as s:
        after = [(r.id, r.version, r.last_changed) for r in s.scalars(select(Record))]
    assert after == before
