"""``warisan harvest`` and ``warisan remap`` on the demo partners' OAI-PMH server."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalog.models import DigitalObject, HarvestRun
from demo.data import load_partners
from demo.oai_server import serve as serve_demo
from portal.services import get_services


@pytest.fixture
def demo_partners(app):
    server = serve_demo(page_size=7)
    app.config.update(HARVEST_MAX_RETRIES=0, HARVEST_BACKOFF=0.01, HARVEST_TIMEOUT=10.0)
    with app.app_context():
        catalog = get_services().catalog
        for partner in load_partners():
            catalog.add_partner(
                partner["id"],
                name=partner["name"],
                country=partner["country"],
                oai_url=f"{server.url}/{partner['id']}/oai",
                politeness_delay=0,
                metadata_prefix=partner["metadata_prefix"],
                scan_hosts=["127.0.0.1"],
            )
    yield [p["id"] for p in load_partners()]
    server.shutdown()


def test_harvest_all_prints_a_summary_per_partner(app, runner, demo_partners):
    result = runner.invoke(args=["harvest", "--all"])
    assert result.exit_code == 0, result.output
    for partner in demo_partners:
        assert f"{partner}: completed — 19 new, 0 updated, 1 deleted, 0 unchanged" in result.output
    with app.app_context():
        catalog = get_services().catalog
        assert sum(catalog.record_counts().values()) == 57
        with catalog.session() as s:
            jobs = s.scalars(select(DigitalObject)).all()
            runs = s.scalars(select(HarvestRun)).all()
    assert jobs and all(j.status == "pending" and j.origin == "harvested" for j in jobs)
    assert all(j.source_url.startswith("http://127.0.0.1:") for j in jobs)
    assert {r.status for r in runs} == {"completed"}


def test_harvest_json_report_and_idempotent_second_run(runner, demo_partners):
    first = runner.invoke(args=["harvest", demo_partners[1], "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)[0]
    assert report["partner"] == demo_partners[1] and report["status"] == "completed"
    assert report["counts"]["new"] == 19 and report["changed_records"] == 20
    assert set(report) >= {"fill_rates", "flagged", "quarantined", "response_seconds"}
    second = json.loads(runner.invoke(args=["harvest", demo_partners[1], "--json"]).stdout)[0]
    assert second["counts"]["new"] == 0 and second["changed_records"] == 0
    assert second["from"] is not None  # incremental


def _scan_jobs(app) -> list[tuple[int, str]]:
    with app.app_context(), get_services().catalog.session() as s:
        return sorted(s.execute(select(DigitalObject.record_id, DigitalObject.source_url)).all())


def test_harvest_full_and_from(app, runner, demo_partners):
    result = runner.invoke(args=["harvest", demo_partners[0], "--from", "2099-01-01", "--json"])
    assert json.loads(result.stdout)[0]["counts"]["records"] == 0
    result = runner.invoke(args=["harvest", demo_partners[0], "--full", "--json"])
    assert json.loads(result.stdout)[0]["counts"]["records"] == 20
    jobs = _scan_jobs(app)
    assert jobs and len(set(jobs)) == len(jobs)
    again = json.loads(runner.invoke(args=["harvest", demo_partners[0], "--full", "--json"]).stdout)
    assert again[0]["counts"]["scan_jobs"] == 0 and _scan_jobs(app) == jobs  # idempotent


def test_a_partner_that_cannot_be_harvested_gives_a_non_zero_exit(app, runner, demo_partners):
    with app.app_context():
        get_services().catalog.add_partner(
            "mati", name="Down", country="BN", oai_url="http://127.0.0.1:9/oai", politeness_delay=0
        )
    result = runner.invoke(args=["harvest", "mati", demo_partners[2]])
    assert result.exit_code == 1
    assert "mati: could not harvest" in result.output
    assert f"{demo_partners[2]}: completed" in result.output  # the others still run
    unknown = runner.invoke(args=["harvest", "tidak-ada"])
    assert unknown.exit_code == 1 and "no partner 'tidak-ada'" in unknown.output


def test_harvest_needs_partners(runner):
    result = runner.invoke(args=["harvest"])
    assert result.exit_code == 2 and "--all" in result.output


def test_remap_maps_stored_raw_xml_again(runner, demo_partners):
    runner.invoke(args=["harvest", demo_partners[1]])
    result = runner.invoke(args=["remap", demo_partners[1], "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)["counts"]
    assert counts["unchanged"] == 19 and counts["failed"] == 0
    result = runner.invoke(args=["remap", demo_partners[1]])
    assert "remapped: 0 updated, 19 unchanged, 0 failed" in result.output
