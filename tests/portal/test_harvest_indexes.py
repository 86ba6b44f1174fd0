"""A harvest brings the search index up to date for what it changed, without a reindex."""

from __future__ import annotations

import json

import pytest

from demo.data import get_partner, registration
from demo.oai_server import serve
from portal.services import get_services


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
