"""The OpenAPI 3.1 document of the JSON API (served at ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from search.types import FACET_FIELDS, SORTS


def _param(name: str, where: str, schema: dict, description: str, required=False) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required,
        "schema": schema,
        "description": description,
    }


RECORD_ID = _param("record_id", "path", {"type": "integer"}, "Record id.", required=True)
ERROR = {"$ref": "#/components/responses/Error"}


def _search_params() -> list[dict]:
    params = [
        _param("q", "query", {"type": "string"}, "Words to find (old spellings match too)."),
        _param("sort", "query", {"type": "string", "enum": list(SORTS)}, "Order of the hits."),
        _param("page", "query", {"type": "integer", "minimum": 1}, "Page of hits, from 1."),
        _param(
            "page_size", "query", {"type": "integer", "minimum": 1, "maximum": 100}, "Hits a page."
        ),
    ]
    for field in FACET_FIELDS:
        params.append(
            {
                **_param(
                    field,
                    "query",
                    {"type": "array", "items": {"type": "string"}},
                    f"Filter on {field}; repeat for several values (OR), fields combine (AND).",
                ),
                "explode": True,
            }
        )
    return params


def _ok(description: str, schema: dict) -> dict:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def document(base_url: str) -> dict[str, Any]:
    """The API description with ``base_url`` as its server."""
    obj = {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Warisan API",
            "version": "1",
            "description": "Search the union catalogue, read records, page text and word boxes.",
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search records with facets",
                    "operationId": "search",
                    "parameters": _search_params(),
                    "responses": {**_ok("Hits, facets and a suggestion.", obj), "400": ERROR},
                }
            },
            "/api/records/{record_id}": {
                "get": {
                    "summary": "One record with provenance and its pages",
                    "operationId": "getRecord",
                    "parameters": [RECORD_ID],
                    "responses": {**_ok("The record.", obj), "404": ERROR},
                }
            },
            "/api/records/{record_id}/pages/{number}": {
                "get": {
                    "summary": "Text and word boxes of one page (master-image pixels)",
                    "operationId": "getPage",
                    "parameters": [
                        RECORD_ID,
                        _param("number", "path", {"type": "integer"}, "Page, from 1.", True),
                    ],
                    "responses": {**_ok("The page.", obj), "404": ERROR},
                }
            },
            "/api/records/{record_id}/search": {
                "get": {
                    "summary": "Search inside one item: matching pages with hit boxes",
                    "operationId": "searchInside",
                    "parameters": [
                        RECORD_ID,
                        _param("q", "query", {"type": "string"}, "Words to find.", True),
                    ],
                    "responses": {**_ok("Page hits.", obj), "400": ERROR, "404": ERROR},
                }
            },
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "An error with a message.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error", "message"],
                                "properties": {
                                    "error": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            }
                        }
                    },
                }
            }
        },
    }
