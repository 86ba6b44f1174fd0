"""Fixtures of the search tests: a seeded catalogue, and a backend per engine."""

from __future__ import annotations

import pytest

from search.backends import open_backend
from search.glossary import load
from search.service import SearchService
from tests.search import corpus
from tests.search.engines import elasticsearch_url, real_elasticsearch  # noqa: F401


@pytest.fixture(scope="session")
def glossary():
    return load()


@pytest.fixture
def seeded(sqlite_catalog):
    """The test corpus in a fresh SQLite catalogue: ``(catalog, ids by identifier)``."""
    return sqlite_catalog, corpus.seed(sqlite_catalog)


@pytest.fixture(params=["tantivy", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def backend_url(request, tmp_path):
    """A fresh, empty index URL on each engine."""
    if request.param == "tantivy":
        return f"tantivy://{tmp_path / 'index'}"
    base = request.getfixturevalue("elasticsearch_url")
    analysis = "full" if real_elasticsearch() else "portable"
    return f"{base.rstrip('/')}/?prefix=t{abs(hash(str(tmp_path))) % 10**8}&analysis={analysis}"


@pytest.fixture
def backend(backend_url, glossary):
    backend = open_backend(backend_url, glossary=glossary)
    yield backend
    backend.clear()
    backend.close()


@pytest.fixture
def service(seeded, backend, glossary):
    """A search service over the indexed test corpus: ``(service, ids)``."""
    catalog, ids = seeded
    service = SearchService(catalog, backend, glossary=glossary, max_results=10_000, page_hits=3)
    service.index_records(ids.values())
    return service, ids
