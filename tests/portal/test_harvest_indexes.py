"""A harvest brings the search index up to date for what it changed, without a reindex,
through the catalogue's durable ``index_due`` marks: a harvest killed with SIGKILL after
its commit and before its index write leaves its records due, and the next drain indexes
them (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from demo.data import get_partner, registration
from demo.oai_server import serve
from portal import create_app
from portal.services import get_services
from search import indexing

from ..ingest.test_ingest_jobs import _wait_until_group_is_gone

HELD_HARVEST = textwrap.dedent(
    """
    import sys, time
    from search.service import SearchService

    def held(self, record_ids):  # the index write: never done, the process is killed here
        print("committed", flush=True)
        time.sleep(600)

    SearchService.index_records = held
    from portal.cli import main
    main(["harvest", sys.argv[1]])
    """
)


@pytest.fixture
def demo_feed():
    server = serve("127.0.0.1", 0, None)
    yield server
    server.shutdown()


def search(runner, query: str) -> dict:
    result = runner.invoke(args=["search", query, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_harvested_records_are_searchable_at_once(app, runner, demo_feed):
    with app.app_context():
        get_services().catalog.add_partner(
            "kampong-ayer", **registration(get_partner("kampong-ayer"), demo_feed.url)
        )
    assert search(runner, "Brunei")["total"] == 0
    result = runner.invoke(args=["harvest", "kampong-ayer"])
    assert result.exit_code == 0, result.output
    found = search(runner, "Brunei")
    assert found["total"] > 0
    assert {hit["partner"] for hit in found["hits"]} == {"kampong-ayer"}


def test_no_index_leaves_the_index_to_a_later_reindex(app, runner, demo_feed):
    with app.app_context():
        get_services().catalog.add_partner(
            "rajang", **registration(get_partner("rajang"), demo_feed.url)
        )
    result = runner.invoke(args=["harvest", "rajang", "--no-index"])
    assert result.exit_code == 0, result.output
    assert search(runner, "Sibu")["total"] == 0
    assert runner.invoke(args=["reindex"]).exit_code == 0
    assert search(runner, "Sibu")["total"] > 0


def test_a_harvest_killed_before_its_index_write_leaves_its_records_due(
    catalog, instance_dir, demo_feed
):
    catalog.add_partner("kampong-ayer", **registration(get_partner("kampong-ayer"), demo_feed.url))
    env = {
        **os.environ,
        "PYTHONPATH": os.getcwd(),
        "WARISAN_INSTANCE": str(instance_dir),
        "WARISAN_DATABASE_URL": catalog.url,
        "WARISAN_SECRET_KEY": "test",
    }
    harvest = subprocess.Popen(
        [sys.executable, "-c", HELD_HARVEST, "kampong-ayer"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        assert harvest.stdout.readline() == "committed\n", "the harvest ended on its own"
    finally:
        os.killpg(harvest.pid, signal.SIGKILL)
        harvest.wait(10)
        harvest.stdout.close()
        _wait_until_group_is_gone(harvest.pid)
    live = catalog.record_counts()["kampong-ayer"]
    assert live > 0 and len(indexing.marks(catalog)) >= live

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(instance_dir), "DATABASE_URL": catalog.url}
    )
    runner = app.test_cli_runner()
    try:
        assert search(runner, "Brunei")["total"] == 0  # nothing reached the index
        with app.app_context():
            services = get_services()
            assert indexing.drain(services.catalog, services.search) >= live
            assert indexing.marks(services.catalog) == {}
        found = search(runner, "Brunei")
        assert found["total"] > 0
        assert {hit["partner"] for hit in found["hits"]} == {"kampong-ayer"}
    finally:
        app.extensions["warisan"].close()
