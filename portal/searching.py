"""Search requests: URL arguments ↔ :class:`search.types.SearchQuery`, and running them.

The whole state of a search lives in the URL (``q``, one argument per facet field,
repeated for several values, ``sort``, ``page``), so results can be shared and
bookmarked.
"""

from __future__ import annotations

from urllib.parse import quote_plus, urlencode

from catalog.errors import InvalidInput
from portal.inside import search_service
from search.types import FACET_FIELDS, SearchQuery, SearchResult


def _int(args, name: str, default: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be a whole number", argument=name) from exc


def query_from_args(
    args, *, lang: str | None, page_size: int = 20, max_page_size: int | None = None
) -> SearchQuery:
    """A :class:`SearchQuery` parsed from request arguments.

    Only parsing happens here (a page that is no whole number raises
    :class:`InvalidInput`); the values are checked once, by
    :meth:`search.service.SearchService.plan` (sort, page, page size, paging depth,
    filter fields). ``max_page_size`` is a view's own ceiling below the service's (the
    HTML page lists ``PORTAL_PAGE_SIZE`` results); None leaves it to the service.
    """
    page = _int(args, "page", 1)
    size = _int(args, "page_size", page_size)
    if max_page_size is not None and size > max_page_size:
        raise InvalidInput(f"page_size must be at most {max_page_size}", argument="page_size")
    filters = {}
    for field in FACET_FIELDS:
        values = tuple(dict.fromkeys(v for v in args.getlist(field) if v))
        if values:
            filters[field] = values
    text = " ".join((args.get("q") or "").split())[:500]
    sort = args.get("sort") or "relevance"
    return SearchQuery(text=text, filters=filters, sort=sort, page=page, page_size=size, lang=lang)


def last_page(query: SearchQuery, result: SearchResult) -> int:
    """The last page of results that paging can reach (the service bounds the depth)."""
    pages = max(1, -(-result.total // query.page_size))
    return min(pages, max(1, search_service().max_results // query.page_size))


def query_args(query: SearchQuery, **changes) -> str:
    """The URL query string of ``query`` with ``changes`` applied (``None`` drops a key)."""
    items: list[tuple[str, str]] = []
    state = {"q": query.text, "sort": query.sort, "page": query.page}
    state.update(changes)
    if state.get("q"):
        items.append(("q", state["q"]))
    filters = state.get("filters", query.filters)
    for field in FACET_FIELDS:
        items += [(field, value) for value in filters.get(field, ())]
    if state.get("sort") and state["sort"] != "relevance":
        items.append(("sort", state["sort"]))
    if state.get("page") and int(state["page"]) > 1:
        items.append(("page", str(state["page"])))
    return urlencode(items)


def toggle(query: SearchQuery, field: str, value: str) -> str:
    """The query string with a facet value added or removed (back to page 1)."""
    filters = {k: list(v) for k, v in query.filters.items()}
    values = filters.setdefault(field, [])
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    return query_args(query, filters=filters, page=None)


def run_search(query: SearchQuery) -> SearchResult:
    """Ask the search service (errors are the service's own :class:`SearchError`)."""
    return search_service().search(query)


def facet_panels(query: SearchQuery, result: SearchResult, partner_names: dict[str, str]):
    """The facets ready to render: ``(field, [(value, label, href, count, selected)])``.

    Built here rather than in the template, and each link from pre-encoded pieces: a
    results page lists dozens of values, each a link that adds or removes itself.
    """
    from flask_babel import format_number

    from portal.vocab import value_label

    head = [f"q={quote_plus(query.text)}"] if query.text else []
    tail = [f"sort={quote_plus(query.sort)}"] if query.sort != "relevance" else []
    chosen = [(f, v) for f in FACET_FIELDS for v in query.filters.get(f, ())]
    encoded = {pair: f"{pair[0]}={quote_plus(pair[1])}" for pair in chosen}
    panels = []
    for field in FACET_FIELDS:
        rows = []
        for fv in result.facets.get(field) or ():
            pair = (field, fv.value)
            if pair in encoded:
                parts = [encoded[p] for p in chosen if p != pair]
            else:
                parts = [encoded[p] for p in chosen] + [f"{field}={quote_plus(fv.value)}"]
            href = "?" + "&".join(head + parts + tail)
            count = format_number(fv.count) if fv.count >= 1000 else str(fv.count)
            label = value_label(field, fv.value, partner_names)
            rows.append((fv.value, label, href, count, fv.selected))
        if rows:
            panels.append((field, rows))
    return panels


def hit_cards(query: SearchQuery, result: SearchResult, thumbs: dict[int, str], partner_names):
    """The hits ready to render: title, link (carrying the query, so the record page
    boxes the hits), type · year · partner, marked snippets and thumbnail URL."""
    from flask import url_for

    from portal.templating import marked
    from portal.vocab import value_label

    record_base = url_for("records.record", record_id=0)[:-1]
    file_base = url_for("records.file", sha256="x")[:-1]
    suffix = "?" + urlencode({"q": query.text}) if query.text else ""
    cards = []
    for hit in result.hits:
        meta = [value_label("type", str(hit.fields.get("type") or "other"))]
        if hit.fields.get("year"):
            meta.append(str(hit.fields["year"]))
        meta.append(partner_names.get(hit.partner, hit.partner))
        snippets = hit.highlights or tuple(p.snippet for p in hit.page_hits)
        thumb = thumbs.get(hit.record_id)
        cards.append(
            {
                "title": hit.title,
                "href": f"{record_base}{hit.record_id}{suffix}",
                "meta": " · ".join(meta),
                "snippets": [marked(s) for s in snippets[:3]],
                "thumb": f"{file_base}{thumb}" if thumb else None,
            }
        )
    return cards
