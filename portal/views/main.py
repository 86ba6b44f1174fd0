"""Home page, language switch and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from catalog import overview, queries
from portal import urls
from portal.services import get_services

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    catalog = get_services().catalog
    summary = overview.cached_overview(catalog, current_app.config["PORTAL_OVERVIEW_TTL"])
    recent = queries.recent_records(catalog, int(current_app.config["PORTAL_NEW_RECORDS"]))
    thumbs = queries.thumbnails(catalog, [r.id for r in recent])
    return render_template("main/home.html", summary=summary, recent=recent, thumbs=thumbs)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/language/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Remember the interface language in the session and go back where the user was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(urls.safe_next(request.args.get("next"), url_for("main.home")))
