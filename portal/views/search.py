"""The search page: results with facets, filters, sort, paging and "did you mean"."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale

from catalog import overview, queries
from portal import searching
from portal.services import get_services
from search.types import SORTS

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    page_size = int(current_app.config["PORTAL_PAGE_SIZE"])
    query = searching.query_from_args(
        request.args, lang=str(get_locale()), page_size=page_size, max_page_size=page_size
    )
    result = searching.run_search(query)
    services = get_services()
    thumbs = queries.thumbnails(services.catalog, [hit.record_id for hit in result.hits])
    ttl = current_app.config["PORTAL_OVERVIEW_TTL"]
    partner_names = overview.partner_names(services.catalog, ttl)
    return render_template(
        "search/results.html",
        query=query,
        result=result,
        partner_names=partner_names,
        pages=searching.last_page(query, result),
        facet_panels=searching.facet_panels(query, result, partner_names),
        cards=searching.hit_cards(query, result, thumbs, partner_names),
        sorts=SORTS,
        args=searching.query_args,
        toggle=searching.toggle,
    )
