"""Home page, language switch and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from portal.services import get_services

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    services = get_services()
    partners = services.catalog.list_partners()
    counts = services.catalog.record_counts()
    return render_template("main/home.html", partners=partners, counts=counts)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/language/<code>", methods=["GET", "POST"])
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)
