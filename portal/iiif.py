"""IIIF: a Presentation 3.0 manifest per digital object and a Content Search 1.0 service.

The manifest has one canvas per page, sized in master-image pixels, painted with the
display derivative (a static image; no Image API service). Its ``service`` points to the
Content Search endpoint, which answers an annotation list whose targets are
``<canvas>#xywh=`` boxes from the stored word coordinates, so Mirador or the Universal
Viewer can open an object and highlight hits.

Content that is not open (:mod:`catalog.access`: metadata only, on site only, under
embargo) gets a 403 with a JSON body saying why, for the manifest and the search
service alike: a Presentation 3 manifest must have at least one canvas, so an empty one
would be invalid, and viewers report a refused manifest as a load error, which is what
it is. The record page and the JSON API keep the metadata public.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _

from catalog import access, queries
from catalog.errors import NotFound
from catalog.models import DigitalObject
from catalog.pagetext import numbered, page_numbers
from portal import urls
from portal.inside import search_inside
from portal.services import get_services

bp = Blueprint("iiif", __name__, url_prefix="/iiif")

PRESENTATION = "http://iiif.io/api/presentation/3/context.json"
SEARCH = "http://iiif.io/api/search/1/context.json"


def _lang_map(value: str | None) -> dict[str, list[str]]:
    return {"none": [value or ""]}


def canvas_id(object_id: int, number: int) -> str:
    """The canvas of the object's page ``number`` (:func:`catalog.pagetext.numbered`)."""
    return (
        urls.absolute("iiif.manifest", object_id=object_id).rsplit("/", 1)[0] + f"/canvas/{number}"
    )


def manifest_json(obj: DigitalObject, types: dict[str, str]) -> dict[str, Any]:
    """The Presentation 3 manifest of a digital object (``types``: sha256 → media type)."""
    record = obj.record
    manifest_url = urls.absolute("iiif.manifest", object_id=obj.id)
    items = []
    for number, page in numbered(obj.pages):
        sha = page.display_sha256 or page.image_sha256
        cid = canvas_id(obj.id, number)
        items.append(
            {
                "id": cid,
                "type": "Canvas",
                "label": {str(get_locale()): [_("Page %(number)d", number=number)]},
                "width": page.width or 1000,
                "height": page.height or 1000,
                "items": [
                    {
                        "id": f"{cid}/page",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": f"{cid}/painting",
                                "type": "Annotation",
                                "motivation": "painting",
                                "target": cid,
                                "body": {
                                    "id": urls.absolute("records.file", sha256=sha),
                                    "type": "Image",
                                    "format": types.get(sha, "image/jpeg"),
                                },
                            }
                        ],
                    }
                ],
            }
        )
    metadata = [
        {"label": {"en": ["Partner"]}, "value": _lang_map(record.partner.name)},
        {"label": {"en": ["Date"]}, "value": _lang_map(record.date_original)},
    ]
    return {
        "@context": [SEARCH, PRESENTATION],
        "id": manifest_url,
        "type": "Manifest",
        "label": _lang_map(record.title),
        "metadata": [m for m in metadata if m["value"]["none"][0]],
        "requiredStatement": {
            "label": {"en": ["Attribution"]},
            "value": _lang_map(record.partner.name),
        },
        # a rightsstatements.org or Creative Commons URI, as the Presentation 3 spec asks
        "rights": record.rights_uri or None,
        "homepage": [
            {
                "id": urls.permalink(record.id),
                "type": "Text",
                "label": _lang_map(record.title),
                "format": "text/html",
            }
        ],
        "service": [
            {
                "@id": urls.absolute("iiif.search", object_id=obj.id),
                "@type": "SearchService1",
                "profile": "http://iiif.io/api/search/1/search",
            }
        ],
        "items": items,
    }


@bp.get("/objects/<int:object_id>/manifest.json")
def manifest(object_id: int):
    catalog = get_services().catalog
    obj = queries.public_object(catalog, object_id)
    access.require_open(obj.record, obj)
    if not obj.pages:
        raise NotFound(f"digital object {object_id} has no pages yet", object=object_id)
    shas = [page.display_sha256 or page.image_sha256 for page in obj.pages]
    data = manifest_json(obj, queries.media_types(catalog, shas))
    if data["rights"] is None:
        del data["rights"]
    return jsonify(data)


@bp.get("/objects/<int:object_id>/search")
def search(object_id: int):
    """IIIF Content Search 1.0: ``?q=`` → an annotation list of hit boxes on canvases."""
    obj = queries.public_object(get_services().catalog, object_id)
    access.require_open(obj.record, obj)
    text = request.args.get("q", "")
    numbers = page_numbers(obj.pages)
    resources = []
    for hit in search_inside(obj.record_id, text):
        if hit.page_id not in numbers:
            continue
        cid = canvas_id(obj.id, numbers[hit.page_id])
        for index, word in enumerate(hit.boxes):
            resources.append(
                {
                    "@id": f"{cid}/hit/{index}",
                    "@type": "oa:Annotation",
                    "motivation": "sc:painting",
                    "resource": {"@type": "cnt:ContentAsText", "chars": word.text},
                    "on": f"{cid}#xywh={','.join(map(str, word.xywh))}",
                }
            )
    return jsonify(
        {
            "@context": SEARCH,
            "@id": request.url,
            "@type": "sc:AnnotationList",
            "within": {"@type": "sc:Layer", "total": len(resources)},
            "resources": resources,
        }
    )
