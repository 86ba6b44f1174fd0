"""The JSON API: search, records, page text and word boxes, search inside, OpenAPI.

Errors come back as JSON from :mod:`portal.errors` (every path here starts with /api/).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import get_locale

from catalog import access, queries
from catalog.errors import InvalidInput
from catalog.pagetext import page_numbers
from portal import urls
from portal.api import openapi, shapes
from portal.inside import hit_json, search_inside
from portal.searching import query_from_args, run_search
from portal.services import get_services

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    query = query_from_args(request.args, lang=str(get_locale()))
    result = run_search(query)
    return jsonify(shapes.search_result(query, result, str(get_locale())))


@bp.get("/records/<int:record_id>")
def record(record_id: int):
    row = queries.public_record(get_services().catalog, record_id)
    return jsonify(shapes.record(row, urls.permalink(row.id), str(get_locale())))


@bp.get("/records/<int:record_id>/pages/<int:number>")
def record_page(record_id: int, number: int):
    row = queries.public_record(get_services().catalog, record_id)
    page = queries.record_page(row, number)
    obj = next(obj for obj in row.objects if page in obj.pages)
    access.require_open(row, obj)
    return jsonify(shapes.page(row, page, number))


@bp.get("/records/<int:record_id>/search", endpoint="search_inside")
def search_inside_record(record_id: int):
    row = queries.public_record(get_services().catalog, record_id)
    text = request.args.get("q", "")
    if not text.strip():
        raise InvalidInput("give the words to find with ?q=")
    numbers = page_numbers(queries.record_pages(row))
    open_pages = {page.id for obj in access.open_objects(row) for page in obj.pages}
    if not open_pages:
        access.require_open(row, next(iter(row.objects), None))
    hits = []
    for hit in search_inside(row.id, text, request.args.get("lang")):
        if hit.page_id in open_pages:
            hits.append({"number": numbers.get(hit.page_id), **hit_json(hit)})
    return jsonify({"record_id": row.id, "q": text, "hits": hits})


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    return jsonify(openapi.document(urls.base_url()))
