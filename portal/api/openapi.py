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
GONE = {"$ref": "#/components/responses/Withdrawn"}


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


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


STR, INT = {"type": "string"}, {"type": "integer"}
NSTR, NINT = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
STRS = {"type": "array", "items": STR}
BOX = {
    "type": "object",
    "properties": {"x": INT, "y": INT, "w": INT, "h": INT, "text": STR},
    "description": "A box in the master image's pixels.",
}
SCHEMAS: dict[str, Any] = {
    "Record": {
        "type": "object",
        "required": ["id", "permalink", "title", "type", "partner", "pages"],
        "properties": {
            "id": INT,
            "permalink": STR,
            "title": NSTR,
            "titles": {"type": "array", "items": {"type": "object"}},
            "creators": STRS,
            "subjects": STRS,
            "description": NSTR,
            "date_original": NSTR,
            "year_from": NINT,
            "year_to": NINT,
            "type": STR,
            "languages": {**STRS, "description": "ISO 639-3 codes"},
            "rights": {**NSTR, "description": "The rights statement as the partner wrote it."},
            "rights_uri": {
                **NSTR,
                "description": "The rights statement's rightsstatements.org or Creative "
                "Commons URI (canonical form), when known.",
            },
            "rights_statement": {
                "type": ["object", "null"],
                "description": "The statement of rights_uri: its short code and label.",
                "properties": {"uri": STR, "code": STR, "label": STR},
            },
            "access": {
                "type": "object",
                "description": "Whether the digital content is online: level open, "
                "metadata (metadata only) or onsite (on site only), and the embargo's end.",
                "properties": {
                    "level": {"type": "string", "enum": ["open", "metadata", "onsite"]},
                    "embargo_until": NSTR,
                },
            },
            "identifiers": STRS,
            "source_url": NSTR,
            "partner": {"type": "object"},
            "provenance": {"type": "object"},
            "pages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": INT,
                        "object_id": INT,
                        "width": NINT,
                        "height": NINT,
                        "open": {
                            "type": "boolean",
                            "description": "Whether the page's image and text are served "
                            "(else they answer 403: metadata only, on site only or embargo).",
                        },
                        "corrected": {
                            "type": "boolean",
                            "description": "Whether the partner corrected the page's OCR text.",
                        },
                    },
                },
            },
            "corrections": {
                "type": "object",
                "description": "How much of the text is corrected: pages and OCR lines, "
                "each out of the total.",
                "properties": {
                    "pages": INT,
                    "pages_corrected": INT,
                    "lines": INT,
                    "lines_corrected": INT,
                },
            },
        },
    },
    "Page": {
        "type": "object",
        "required": ["record_id", "number", "text", "words"],
        "properties": {
            "record_id": INT,
            "number": INT,
            "width": NINT,
            "height": NINT,
            "language": {
                **NSTR,
                "description": "ISO 639-3 code of the page's language: what the detector "
                "found (ind, msa, eng) or, for a record in another language, the record's; "
                "null when unknown",
            },
            "text": {
                "type": "string",
                "description": "The page's text: the corrected text of a corrected page.",
            },
            "words": {
                "type": "array",
                "items": BOX,
                "description": "The words of ``text`` with their boxes.",
            },
            "corrected": {
                "type": "boolean",
                "description": "Whether the partner corrected the OCR text (then "
                "``original_text`` and ``original_words`` hold what OCR read).",
            },
            "corrected_at": NSTR,
            "corrected_by": NSTR,
            "original_text": STR,
            "original_words": {"type": "array", "items": BOX},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["total", "hits", "facets"],
        "properties": {
            "query": {"type": "object"},
            "total": INT,
            "suggestion": NSTR,
            "hits": {"type": "array", "items": {"type": "object"}},
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "object"}},
            },
        },
    },
    "InsideResult": {
        "type": "object",
        "properties": {
            "record_id": INT,
            "q": STR,
            "hits": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": NINT,
                        "snippet": STR,
                        "boxes": {"type": "array", "items": BOX},
                    },
                },
            },
        },
    },
}


def document(base_url: str) -> dict[str, Any]:
    """The API description with ``base_url`` as its server."""
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
                    "responses": {
                        **_ok("Hits, facets and a suggestion.", _ref("SearchResult")),
                        "400": ERROR,
                    },
                }
            },
            "/api/records/{record_id}": {
                "get": {
                    "summary": "One record with provenance and its pages",
                    "operationId": "getRecord",
                    "parameters": [RECORD_ID],
                    "responses": {**_ok("The record.", _ref("Record")), "404": ERROR, "410": GONE},
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
                    "responses": {
                        **_ok("The page.", _ref("Page")),
                        "403": ERROR,
                        "404": ERROR,
                        "410": GONE,
                    },
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
                    "responses": {
                        **_ok("Page hits.", _ref("InsideResult")),
                        "400": ERROR,
                        "403": ERROR,
                        "404": ERROR,
                        "410": GONE,
                    },
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
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
                },
                "Withdrawn": {
                    "description": "The record was withdrawn by its partner (410 Gone).",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error", "message", "record", "partner", "reason"],
                                "properties": {
                                    "error": {"const": "Withdrawn"},
                                    "message": {"type": "string"},
                                    "record": {"type": "integer"},
                                    "partner": {
                                        "type": "string",
                                        "description": "The partner's name.",
                                    },
                                    "reason": {
                                        "type": ["string", "null"],
                                        "description": "The partner's reason, as text.",
                                    },
                                },
                            }
                        }
                    },
                },
            },
        },
    }
