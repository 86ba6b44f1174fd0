"""Search settings: built once from the portal's config; ``SEARCH_URL`` checked by one function."""

from __future__ import annotations

import pytest

import portal.config
from catalog.errors import ConfigError
from search.backends import Engine, parse_search_url
from search.settings import SearchSettings


def defaults(**changes):
    config = {name: getattr(portal.config, name) for name in dir(portal.config) if name.isupper()}
    return {**config, **changes}


def test_settings_take_the_documented_defaults(tmp_path):
    settings = SearchSettings.from_config(defaults(SEARCH_URL=f"tantivy://{tmp_path}/ix"))
    assert settings.target.engine is Engine.TANTIVY
    assert settings.target.location == f"{tmp_path}/ix"
    assert settings.glossary is None
    assert settings.max_results == portal.config.SEARCH_MAX_RESULTS
    assert settings.page_hits == portal.config.SEARCH_PAGE_HITS


def test_an_elasticsearch_url_gives_host_alias_and_analysis():
    target = parse_search_url("http://es.example:9200/?prefix=Warisan-Test&analysis=portable")
    assert target.engine is Engine.ELASTICSEARCH
    assert (target.location, target.prefix, target.portable) == (
        "http://es.example:9200",
        "warisan-test",
        True,
    )
    assert parse_search_url("https://es.example:9200").prefix == "warisan"


@pytest.mark.parametrize("url", ["http://es.example:9200/?prefix=a/b", "solr://h/x", None])
def test_a_bad_search_url_fails_naming_the_setting(url):
    with pytest.raises(ConfigError, match="SEARCH_URL") as info:
        SearchSettings.from_config(defaults(SEARCH_URL=url))
    assert info.value.fields["setting"] == "SEARCH_URL"
