"""Our query tree and plan turned into Elasticsearch Query DSL (pure functions).

Words match ``F``, ``F.id`` and ``F.en`` of each text field with the field boosts;
phrases use ``match_phrase`` on the stemmed subfields; a glossary concept is left to the
search analyzers' ``synonym_graph`` (the words as typed are sent); facets are counted
disjunctively (filters go to ``post_filter``; each facet's aggregation applies the other
facets' filters only).
"""

from __future__ import annotations

from typing import Any

from search.analysis import fold, fuzzy_distance
from search.backends.base import FIELD_BOOSTS, Plan
from search.query import And, Concept, Exact, Node, Not, Or, Phrase, Term, YearRange
from search.types import FACET_FIELDS

FACET_FIELD = {f: f for f in FACET_FIELDS} | {"subject": "subject_facet"}
FUZZY_WEIGHT = 0.15
FUZZY_FIELDS = ("title", "subject", "description", "text")
SOURCE = ["record_id", "stored"]


def fields_for(field: str | None, boosts: dict[str, float]) -> dict[str, float]:
    if field is None:
        return boosts
    return {field: boosts[field]} if field in boosts else {}


def node_query(
    node: Node, boosts: dict[str, float] = FIELD_BOOSTS, *, fuzzy: bool = True
) -> dict[str, Any]:
    """The DSL of one tree node."""
    if isinstance(node, Term):
        return term_query(node, boosts, fuzzy=fuzzy)
    if isinstance(node, Phrase):
        return phrase_query(node.words, node.field, boosts)
    if isinstance(node, Concept):
        if len(node.words) == 1:
            return term_query(Term(node.words[0]), boosts, fuzzy=False)
        return phrase_query(node.words, None, boosts)
    if isinstance(node, Exact):
        return {"term": {node.field: node.value}}
    if isinstance(node, YearRange):
        bounds = {k: v for k, v in (("gte", node.low), ("lte", node.high)) if v is not None}
        return {"range": {"year": bounds}}
    if isinstance(node, Not):
        return {
            "bool": {
                "must": [{"match_all": {}}],
                "must_not": [node_query(node.child, boosts, fuzzy=fuzzy)],
            }
        }
    if isinstance(node, And):
        must = [node_query(c, boosts, fuzzy=fuzzy) for c in node.children if not isinstance(c, Not)]
        must_not = [
            node_query(c.child, boosts, fuzzy=fuzzy) for c in node.children if isinstance(c, Not)
        ]
        return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}
    if isinstance(node, Or):
        return {
            "bool": {
                "should": [node_query(c, boosts, fuzzy=fuzzy) for c in node.children],
                "minimum_should_match": 1,
            }
        }
    raise TypeError(f"unknown query node {node!r}")


def term_query(node: Term, boosts: dict[str, float], *, fuzzy: bool = True) -> dict[str, Any]:
    fields = fields_for(node.field, boosts)
    if not fields:
        return {"match_none": {}}
    if node.prefix:
        value = fold(node.text)
        return {
            "bool": {
                "should": [
                    {"prefix": {f: {"value": value, "boost": b}}} for f, b in fields.items()
                ],
                "minimum_should_match": 1,
            }
        }
    should: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": node.text,
                "type": "most_fields",
                "fields": [
                    f"{f}{sub}^{b}" for f, b in fields.items() for sub in ("", ".id", ".en")
                ],
            }
        }
    ]
    distance = fuzzy_distance(fold(node.text)) if fuzzy else 0
    for f in fields:
        if distance and f in FUZZY_FIELDS:
            should.append(
                {
                    "match": {
                        f: {
                            "query": node.text,
                            "fuzziness": distance,
                            "prefix_length": 1,
                            "max_expansions": 20,
                            "boost": FUZZY_WEIGHT * fields[f],
                        }
                    }
                }
            )
    return (
        should[0] if len(should) == 1 else {"bool": {"should": should, "minimum_should_match": 1}}
    )


def phrase_query(
    words: tuple[str, ...], field: str | None, boosts: dict[str, float]
) -> dict[str, Any]:
    fields = fields_for(field, boosts)
    if not fields:
        return {"match_none": {}}
    return {
        "multi_match": {
            "query": " ".join(words),
            "type": "phrase",
            "fields": [f"{f}{sub}^{b}" for f, b in fields.items() for sub in (".id", ".en")],
        }
    }


def filter_clause(filters: dict[str, tuple[str, ...]], skip: str | None = None) -> list[dict]:
    return [
        {"terms": {FACET_FIELD[f]: list(v)}} for f, v in sorted(filters.items()) if v and f != skip
    ]


def search_body(plan: Plan, *, fuzzy: bool = True) -> dict[str, Any]:
    """The body of a record search: query, post_filter, facets, sort and window."""
    must: list[dict[str, Any]] = [{"term": {"kind": "record"}}]
    if plan.node is not None:
        must.append(node_query(plan.node, fuzzy=fuzzy and plan.fuzzy))
    body: dict[str, Any] = {
        "query": {"bool": {"must": must}},
        "from": plan.offset,
        "size": plan.limit,
        "track_total_hits": True,
        "_source": SOURCE,
        "sort": sort_clause(plan.sort),
    }
    post = filter_clause(plan.filters)
    if post:
        body["post_filter"] = {"bool": {"filter": post}}
    if plan.facets:
        body["aggs"] = facet_aggs(plan)
    return body


def facet_aggs(plan: Plan) -> dict[str, Any]:
    aggs = {}
    for facet in FACET_FIELDS:
        size = plan.facet_size if facet == "subject" else 1000
        others = filter_clause(plan.filters, skip=facet)
        aggs[facet] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": {"terms": {"field": FACET_FIELD[facet], "size": size}}},
        }
    return aggs


def sort_clause(sort: str) -> list[Any]:
    if sort == "title":
        return [{"title_sort": "asc"}, "_score"]
    if sort == "date_asc":
        return [{"year": {"order": "asc", "missing": "_last"}}, "_score"]
    if sort == "date_desc":
        return [{"year": {"order": "desc", "missing": "_last"}}, "_score"]
    return ["_score", {"record_id": "asc"}]


def pages_body(plan: Plan, record_ids: list[int], limit: int) -> dict[str, Any]:
    """Pages of some records matching the tree (full-text field only)."""
    must = [{"term": {"kind": "page"}}, {"terms": {"record_id": record_ids}}]
    if plan.node is not None:
        must.append(node_query(plan.node, {"text": 1.0}, fuzzy=plan.fuzzy))
    return {
        "query": {"bool": {"must": must}},
        "size": limit,
        "_source": ["page_id", "record_id", "order", "stored"],
    }
