"""Search inside one item: the search service's page hits with word boxes.

Shared by the record page, the JSON API and the IIIF Content Search service. The
service matches old spellings and stems; the boxes are in master-image pixels.
"""

from __future__ import annotations

from typing import Any

from catalog.errors import BackendUnavailable
from catalog.pagetext import box_json
from portal.services import get_services
from search.types import PageHit


def search_service():
    """The portal's search service, or :class:`BackendUnavailable` when none is wired."""
    service = getattr(get_services(), "search", None)
    if service is None:
        raise BackendUnavailable("search is not set up on this portal")
    return service


def search_inside(record_id: int, text: str, lang: str | None = None) -> tuple[PageHit, ...]:
    """Pages of ``record_id`` where ``text`` occurs, best first; empty for empty text."""
    text = " ".join(text.split())[:200]
    if not text:
        return ()
    return tuple(search_service().search_inside(record_id, text, lang=lang))


def hit_json(hit: PageHit) -> dict[str, Any]:
    """A page hit for the JSON API and the viewer script."""
    return {
        "page_id": hit.page_id,
        "order": hit.order,
        "snippet": hit.snippet,
        "boxes": [box_json(word) for word in hit.boxes],
    }
