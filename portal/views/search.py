"""The search page: results with facets, filters, sort, paging and "did you mean"."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale

from portal import reading, searching
from portal.services import get_services
from search.types import FACET_FIELDS, SORTS

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    query = searching.query_from_args(
        request.args,
        lang=str(get_locale()),
        page_size=int(current_app.config["PORTAL_PAGE_SIZE"]),
    )
    result = searching.run_search(query)
    services = get_services()
    thumbs = reading.thumbnails(services.catalog, [hit.record_id for hit in result.hits])
    partner_names = {p.id: p.name for p in services.catalog.list_partners()}
    pages = max(1, -(-result.total // query.page_size))
    return render_template(
        "search/results.html",
        query=query,
        result=result,
        thumbs=thumbs,
        partner_names=partner_names,
        pages=min(pages, searching.MAX_PAGE),
        facet_fields=[f for f in FACET_FIELDS if result.facets.get(f)],
        sorts=SORTS,
        args=searching.query_args,
        toggle=searching.toggle,
    )
