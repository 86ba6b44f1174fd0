"""The relevance set on the demo corpus: ours beats plain indexing, category by category."""

from __future__ import annotations

import pytest

from tests.search import demo_corpus, relevance
from tests.search.relevance_set import QUERIES

pytestmark = pytest.mark.skipif(not demo_corpus.available(), reason="demo/data not present")


@pytest.fixture(scope="module")
def scores(tmp_path_factory, glossary):
    from catalog.store import Catalog

    folder = tmp_path_factory.mktemp("relevance")
    catalog = Catalog(f"sqlite:///{folder / 'c.db'}")
    catalog.upgrade()
    demo_corpus.load(catalog)
    out = {}
    for name, plain in (("plain", True), ("ours", False)):
        service = relevance.indexed_service(catalog, folder / name, glossary, plain=plain)
        out[name] = relevance.evaluate(service)
        service.backend.close()
    catalog.dispose()
    return out


def test_the_set_is_large_and_judged():
    assert len(QUERIES) >= 80
    assert {c for c, _, _ in QUERIES} == {"old", "xlang", "ocr", "field", "phrase", "stem", "plain"}
    assert all(relevant for _, _, relevant in QUERIES)


def test_ours_finds_nearly_everything(scores):
    assert scores["ours"]["all"]["recall"] >= 0.95
    assert scores["ours"]["all"]["ndcg"] >= 0.9


@pytest.mark.parametrize("category", ["old", "xlang", "ocr", "stem"])
def test_heritage_analysis_beats_plain_indexing(scores, category):
    assert scores["ours"][category]["recall"] >= scores["plain"][category]["recall"] + 0.2


@pytest.mark.parametrize("category", ["field", "phrase", "plain"])
def test_no_loss_where_plain_already_works(scores, category):
    assert scores["ours"][category]["recall"] >= scores["plain"][category]["recall"]
