"""Record pages (metadata, provenance, citations, page viewer) and page image files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, send_file
from flask_babel import get_locale

from catalog import access, profiles, queries, rights
from catalog.errors import InvalidInput, NotFound, SearchError
from catalog.pagetext import clamp_number, page_at, page_numbers
from ingest import corrections, suggestions, tiles
from portal import citations, urls
from portal.inside import search_inside
from portal.services import get_services

bp = Blueprint("records", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
"""Partner logos: public for good, and content-addressed."""
REVALIDATE = "public, no-cache"
"""Page images and tiles: the bytes never change (ETag = checksum), but a partner may
close the content (catalog.access) at any time, so caches keep a copy and ask again
before each use; the answer is a cheap 304 after the access check, or the 403."""


def _page_number(pages: int) -> int:
    try:
        number = int(request.args.get("page", "1"))
    except ValueError as exc:
        raise InvalidInput("page must be a number") from exc
    return clamp_number(number, pages)


@bp.get("/records/<int:record_id>")
def record(record_id: int):
    services = get_services()
    row = queries.public_record(services.catalog, record_id)
    pages, restricted = _viewable_pages(row)
    number = _page_number(len(pages))
    query = request.args.get("q", "").strip()[:200]
    hits, inside_failed = (), False
    if query and pages:
        try:
            hits = search_inside(row.id, query, str(get_locale()))
        except SearchError:  # the record page stays usable when search is down
            current_app.logger.exception("search inside record %s failed", row.id)
            inside_failed = True
    numbers = page_numbers(pages)
    hits = tuple(hit for hit in hits if hit.page_id in numbers)  # none from closed content
    if hits and "page" not in request.args:  # open the first page with a hit
        number = min(numbers.get(hit.page_id, number) for hit in hits)
    permalink = urls.permalink(row.id)
    cover = queries.cover_page(row, pages)
    thumb = cover.thumb_sha256 if cover else None
    thumb_url = urls.absolute("records.file", sha256=thumb) if thumb else None
    return render_template(
        "records/record.html",
        record=row,
        pages=pages,
        page=page_at(pages, number),
        number=number,
        numbers=numbers,
        query=query,
        hits=hits,
        inside_failed=inside_failed,
        permalink=permalink,
        json_ld=citations.json_ld_script(citations.json_ld(row, permalink, thumb_url)),
        partner_names={row.partner.id: row.partner.name},
        embargo_until=row.embargo_until if access.under_embargo(row) else None,
        restricted=restricted,
        open_objects=access.open_objects(row),
        statement=rights.statement(row.rights_uri),
        progress=corrections.progress(pages),
        suggestions_open=suggestions.allows_suggestions(row.partner),
    )


def _viewable_pages(row) -> tuple[list, object]:
    """The pages the viewer may show (those of objects whose content is open) and, when
    some content is closed, the :class:`~catalog.errors.ContentRestricted` explaining it
    (for the page's notice), else None."""
    pages = [page for obj in access.open_objects(row) for page in obj.pages if page.image_sha256]
    closed = [obj for obj in row.objects if not access.content_open(row, obj)]
    if not closed and (row.objects or access.content_open(row)):
        return pages, None
    return pages, access.restriction(row, closed[0] if closed else None)


@bp.get("/records/<int:record_id>/cite.<fmt>")
def cite(record_id: int, fmt: str):
    if fmt not in citations.FORMATS:
        raise InvalidInput(f"unknown citation format {fmt!r}", format=fmt)
    row = queries.public_record(get_services().catalog, record_id)
    media_type, extension = citations.FORMATS[fmt]
    body = citations.render(fmt, row, urls.permalink(row.id))
    response = Response(body, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="warisan-{row.id}.{extension}"'
    return response


@bp.get("/files/<sha256>")
def file(sha256: str):
    """A partner's logo (public to all, cached for good) or a page image or derivative of
    open content (:func:`catalog.queries.public_file`: 403 for closed content),
    revalidated before each reuse (ETag = sha256)."""
    services = get_services()
    logo = profiles.public_logo(services.catalog, sha256)
    row = logo or queries.public_file(services.catalog, sha256)
    path = services.files.path(sha256)
    if not path.is_file():
        raise NotFound(f"file {sha256} is missing from the file store", sha256=sha256)
    response = send_file(path, mimetype=row.media_type, etag=sha256, conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE if logo else REVALIDATE
    return response


@bp.get("/tiles/<sha256>/<int:level>/<int:col>_<int:row>.jpg")
def tile(sha256: str, level: int, col: int, row: int):
    """One deep-zoom tile of the master of an open page (403 for closed content); the
    master never changes, so a cached tile is answered 304 once access is checked."""
    etag = f"{sha256}-{level}-{col}-{row}"
    headers = {"Cache-Control": REVALIDATE}
    services = get_services()
    page = queries.public_master(services.catalog, sha256)
    if request.if_none_match.contains(etag):
        response = Response(status=304, headers=headers)
        response.set_etag(etag)
        return response
    data = tiles.tile(
        Path(current_app.instance_path) / "tiles",
        sha256,
        services.files.path(sha256),
        tiles.Pyramid(page.width, page.height),
        level,
        col,
        row,
    )
    response = Response(data, mimetype="image/jpeg", headers=headers)
    response.set_etag(etag)
    return response
