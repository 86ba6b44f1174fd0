"""Query building for Elasticsearch as pure functions (no server)."""

from __future__ import annotations

from search.backends import es_mapping, es_query
from search.backends.base import Plan
from search.query import parse


def test_words_search_all_subfields_with_boosts():
    q = es_query.node_query(parse("rumah"))
    match = q["bool"]["should"][0]["multi_match"]
    assert "title^5.0" in match["fields"] and "title.id^5.0" in match["fields"]
    assert "text.en^1.0" in match["fields"] and match["type"] == "most_fields"
    fuzzy = q["bool"]["should"][1]["match"]["title"]
    assert fuzzy["fuzziness"] == 1


def test_fields_phrases_prefixes_years_and_negation():
    q = es_query.node_query(parse('title:"rumah panjang" Kap* -iban year:1950-1959'))
    must, must_not = q["bool"]["must"], q["bool"]["must_not"]
    assert must[0]["multi_match"]["type"] == "phrase"
    assert must[0]["multi_match"]["fields"] == ["title.id^5.0", "title.en^5.0"]
    assert {"prefix": {"title": {"value": "kap", "boost": 5.0}}} in must[1]["bool"]["should"]
    assert must[2] == {"range": {"year": {"gte": 1950, "lte": 1959}}}
    assert must_not[0]["multi_match"]["query"] == "iban"
    assert es_query.node_query(parse("partner:dbp-brunei")) == {"term": {"partner": "dbp-brunei"}}


def test_or_and_pure_negation():
    q = es_query.node_query(parse("a1 OR b2"))
    assert q["bool"]["minimum_should_match"] == 1 and len(q["bool"]["should"]) == 2
    q = es_query.node_query(parse("NOT iban"))
    assert q["bool"]["must"] == [{"match_all": {}}]


def test_disjunctive_facets_and_post_filter():
    plan = Plan(parse("iban"), {"partner": ("a", "b"), "type": ("book",)}, facet_size=7)
    body = es_query.search_body(plan)
    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"partner": ["a", "b"]}}, {"terms": {"type": ["book"]}}]}
    }
    partner = body["aggs"]["partner"]
    assert partner["filter"] == {"bool": {"filter": [{"terms": {"type": ["book"]}}]}}
    assert body["aggs"]["subject"]["aggs"]["values"]["terms"] == {
        "field": "subject_facet",
        "size": 7,
    }
    assert body["query"]["bool"]["must"][0] == {"term": {"kind": "record"}}


def test_sorts_and_window():
    body = es_query.search_body(Plan(None, sort="date_desc", offset=40, limit=20, facets=False))
    assert body["sort"][0] == {"year": {"order": "desc", "missing": "_last"}}
    assert (body["from"], body["size"]) == (40, 20) and "aggs" not in body
    assert es_query.sort_clause("title")[0] == {"title_sort": "asc"}


def test_mapping_has_the_documented_analysis():
    settings = es_mapping.settings(["longhouse, rumah panjang"])
    analysis = settings["analysis"]
    assert analysis["filter"]["id_stem"] == {"type": "stemmer", "language": "indonesian"}
    assert analysis["filter"]["glossary"]["type"] == "synonym_graph"
    assert "glossary" in analysis["analyzer"]["id_search"]["filter"]
    assert "glossary" not in analysis["analyzer"]["id_index"]["filter"]
    assert analysis["filter"]["old_spelling"]["type"] == "condition"
    mapping = es_mapping.mappings()
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["title"]["fields"]["id"]["analyzer"] == "id_index"
    portable = es_mapping.settings([], portable=True)["analysis"]
    assert "id_stem" not in portable["filter"] and "old_spelling" not in portable["filter"]
