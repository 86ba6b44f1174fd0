"""Template helpers: translated labels, safe hit marking, viewer data."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, g, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from markupsafe import Markup, escape

from catalog.languages import language_tag
from catalog.pagetext import numbered
from portal import vocab

MARK = re.compile(r"</?mark>")


def marked(text: str | None) -> Markup:
    """A highlight as HTML where only ``<mark>`` tags are markup.

    Highlights from the search service are escaped first, then marked; anything that
    still holds another tag is escaped as a whole rather than trusted.
    """
    if not text:
        return Markup("")
    if "<" in MARK.sub("", text) or ">" in MARK.sub("", text):
        return escape(text)
    return Markup(text)  # noqa: S704 - only <mark> tags remain, checked above


def page_language_label(code: str | None) -> str:
    """The sentence naming a page text's language in the interface language, "unknown"
    for None (:func:`ingest.models.page_language` leaves it None rather than guess)."""
    name = vocab.value_label("language", code) if code else _("unknown")
    return _("Language of the text: %(language)s", language=name)


def viewer_pages(pages) -> list[dict[str, Any]]:
    """What the viewer script needs of each page: display image URL, deep-zoom tile
    base URL (when the master's size is known), master size, the BCP 47 tag of the
    text's language (None when unknown) and the sentence naming that language."""
    out = []
    for number, page in numbered(pages):
        sha = page.display_sha256 or page.image_sha256
        zoomable = bool(page.width and page.height and page.image_sha256)
        tiles = url_for("records.tile", sha256=page.image_sha256, level=0, col=0, row=0)
        out.append(
            {
                "n": number,
                "id": page.id,
                "image": url_for("records.file", sha256=sha),
                "tiles": tiles.rsplit("/", 2)[0] + "/" if zoomable else None,
                "width": page.width,
                "height": page.height,
                "lang": language_tag(page.language),
                "language_label": page_language_label(page.language),
            }
        )
    return out


def viewer_hits(hits, numbers: dict[int, int]) -> list[dict[str, Any]]:
    """Page hits with the record-wide page number (``numbers``: page id → number) and
    their boxes as ``[x, y, w, h]`` in master pixels."""
    return [
        {
            "n": numbers.get(hit.page_id, 1),
            "boxes": [list(word.xywh) for word in hit.boxes],
        }
        for hit in hits
    ]


def _translations():
    """The request's translations, looked up once per request (templates ask dozens of
    times; Flask-Babel would resolve the locale and domain on every call)."""
    found = g.get("_warisan_translations")
    if found is None:
        found = g._warisan_translations = get_translations()
    return found


def init_app(app: Flask) -> None:
    app.add_template_filter(marked, "marked")
    app.add_template_filter(language_tag, "lang_tag")
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "value_label": vocab.value_label,
            "field_labels": vocab.FIELD_LABELS,
            "facet_labels": vocab.FACET_LABELS,
            "sort_labels": vocab.SORT_LABELS,
            "harvest_status_label": vocab.harvest_status_label,
            "viewer_pages": viewer_pages,
            "page_language_label": page_language_label,
            "viewer_hits": viewer_hits,
        }
