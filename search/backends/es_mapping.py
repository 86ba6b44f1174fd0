"""Elasticsearch index settings and mappings: the same analysis as the embedded engine.

Every text field is indexed as ``F`` (folded, old spellings modernised), ``F.id``
(+ Indonesian stemmer, the one of ES's ``indonesian`` analyzer) and ``F.en`` (Snowball
English). Old spellings: a ``condition`` filter applies ``pattern_replace`` rewrites only
to words carrying a pre-1972 marker (see :mod:`search.spelling`); known marker-less old
words go through a ``synonym`` map. The glossary is a ``synonym_graph`` filter in the
search analyzers only, so it can change without reindexing.
"""

from __future__ import annotations

from typing import Any

from search.spelling import OLD_WORDS

TEXT_FIELDS = ("title", "subject", "creator", "description", "text")
PLACEHOLDER = "\u01f0"  # stands for a rewritten dj→j so the j→y step leaves it alone

MARKER_SCRIPT = (
    "def t = token.getTerm().toString(); "
    "return t.contains('oe') || t.contains('dj') || t.contains('tj') || t.contains('ch') "
    "|| t.startsWith('nj') || (t.length() >= 7 && t.endsWith('nja')) "
    "|| t.contains('sja') || t.contains('sje') || t.contains('sji') || t.contains('sjo') "
    "|| t.contains('sju');"
)

REWRITES = [
    ("oe", "oe", "u"),
    ("dj", "dj", PLACEHOLDER),
    ("tj", "tj", "c"),
    ("nj_start", "^nj", "ny"),
    ("nja_end", "(?<=.{4})nja$", "nya"),
    ("sj", "sj(?=[aeiou])", "sy"),
    ("ch", "ch", "kh"),
    ("j", "j", "y"),
    ("dj_back", PLACEHOLDER, "j"),
]


def settings(
    synonym_rules: list[str], *, plain: bool = False, portable: bool = False
) -> dict[str, Any]:
    """Index settings with the analysis chain; ``plain`` = folding only (baseline).

    ``portable`` leaves out the two components that Elasticsearch-API emulators lack
    (the ``condition`` filter and the Indonesian stemmer): for wire-level tests only.
    """
    filters: dict[str, Any] = {
        f"old_{name}": {
            "type": "pattern_replace",
            "pattern": pattern,
            "replacement": repl,
            "all": True,
        }
        for name, pattern, repl in REWRITES
    }
    filters["old_spelling"] = {
        "type": "condition",
        "filter": [f"old_{name}" for name, _, _ in REWRITES],
        "script": {"source": MARKER_SCRIPT},
    }
    filters["old_words"] = {
        "type": "synonym",
        "synonyms": [f"{old} => {new}" for old, new in sorted(OLD_WORDS.items()) if " " not in old],
    }
    filters["id_stem"] = {"type": "stemmer", "language": "indonesian"}
    filters["en_stem"] = {"type": "snowball", "language": "English"}
    filters["glossary"] = {
        "type": "synonym_graph",
        "synonyms": synonym_rules or ["warisan"],
        "lenient": True,
    }
    base = ["lowercase", "asciifolding"]
    spell = [] if plain else ["old_words", "old_spelling"]
    if portable:
        del filters["old_spelling"], filters["id_stem"]
        spell = [] if plain else ["old_words"]
    analyzers = {
        "w_index": base + spell,
        "w_search": base + spell + ([] if plain else ["glossary"]),
        "id_index": base + spell + ([] if plain or portable else ["id_stem"]),
        "id_search": base
        + spell
        + ([] if plain else ["glossary"])
        + ([] if plain or portable else ["id_stem"]),
        "en_index": base + ([] if plain else ["en_stem"]),
        "en_search": base + ([] if plain else ["glossary", "en_stem"]),
    }
    return {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "max_result_window": 10_000,
        "analysis": {
            "filter": filters,
            "analyzer": {
                name: {"type": "custom", "tokenizer": "standard", "filter": chain}
                for name, chain in analyzers.items()
            },
            "normalizer": {"sort": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        },
    }


def text_field() -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "w_index",
        "search_analyzer": "w_search",
        "fields": {
            "id": {"type": "text", "analyzer": "id_index", "search_analyzer": "id_search"},
            "en": {"type": "text", "analyzer": "en_index", "search_analyzer": "en_search"},
        },
    }


def mappings() -> dict[str, Any]:
    """Explicit mappings: nothing is guessed by dynamic mapping."""
    keyword = {"type": "keyword"}
    props: dict[str, Any] = {name: text_field() for name in TEXT_FIELDS}
    props.update(
        {
            "kind": keyword,
            "record_id": {"type": "long"},
            "page_id": {"type": "long"},
            "order": {"type": "integer"},
            "year": {"type": "integer"},
            "partner": keyword,
            "country": keyword,
            "type": keyword,
            "language": keyword,
            "decade": keyword,
            "digitized": keyword,
            "rights": keyword,
            "subject_facet": keyword,
            "title_sort": {"type": "keyword", "normalizer": "sort"},
            "oai_identifier": {"type": "keyword", "index": False},
            "stored": {"type": "object", "enabled": False},
        }
    )
    return {"dynamic": "strict", "properties": props}
