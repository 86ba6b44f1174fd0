"""`warisan reindex` and `warisan search` on a real app and instance folder."""

from __future__ import annotations

import json

import pytest

from catalog.errors import BackendUnavailable, ConfigError
from portal.services import get_services
from tests.search import corpus


@pytest.fixture
def seeded_app(app):
    with app.app_context():
        corpus.seed(get_services().catalog)
    return app


def test_reindex_then_search_json(seeded_app):
    runner = seeded_app.test_cli_runner()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 9 records." in result.output
    result = runner.invoke(args=["search", "Djakarta", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 1
    [hit] = data["hits"]
    assert set(hit) == {"id", "oai_identifier", "partner", "title", "score", "highlights"}
    assert hit["oai_identifier"] == "oai:ak:1"
    assert "<mark>Djakarta</mark>" in hit["highlights"][0]
    assert set(data["facets"]) >= {"partner", "country", "decade"} and "suggestion" in data


def test_search_filters_limit_and_text_output(seeded_app):
    runner = seeded_app.test_cli_runner()
    runner.invoke(args=["reindex", "--partner", "dbp-brunei"])
    result = runner.invoke(args=["search", "--filter", "type=book", "--limit", "1", "--json"])
    data = json.loads(result.output)
    assert data["total"] == 2 and len(data["hits"]) == 1
    result = runner.invoke(args=["search", "cerita", "--lang", "ms"])
    assert result.exit_code == 0 and "Cerita rakyat Brunei" in result.output
    result = runner.invoke(args=["search", "x", "--filter", "colour=red"])
    assert result.exit_code != 0 and "FIELD=VALUE" in result.output


def test_unknown_engine_or_bad_url_fails_at_start(instance_dir):
    from portal import create_app

    with pytest.raises(ConfigError, match="SEARCH_URL"):
        create_app({"INSTANCE_PATH": str(instance_dir), "SEARCH_URL": "tantivy://relative/x"})
    with pytest.raises(ConfigError, match="SEARCH_URL"):
        create_app({"INSTANCE_PATH": str(instance_dir), "SEARCH_URL": "solr://host/x"})


def test_missing_package_names_what_to_install(monkeypatch):
    import importlib.util

    from search.backends import parse_search_url

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "elasticsearch" else real(name, *a),
    )
    with pytest.raises(BackendUnavailable, match=r"SEARCH_URL.*elasticsearch>=8"):
        parse_search_url("http://127.0.0.1:9200")
