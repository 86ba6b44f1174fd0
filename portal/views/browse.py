"""Browse by partner, country, type, subject and decade; partner pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal import reading
from portal.services import get_services

bp = Blueprint("browse", __name__, url_prefix="/browse")


def _summary(catalog) -> reading.Overview:
    return reading.cached_overview(catalog, current_app.config["PORTAL_OVERVIEW_TTL"])


@bp.get("/")
def index():
    return render_template("browse/index.html", summary=_summary(get_services().catalog))


@bp.get("/partners")
def partners():
    return render_template("browse/partners.html", summary=_summary(get_services().catalog))


@bp.get("/partners/<partner_id>")
def partner(partner_id: str):
    catalog = get_services().catalog
    row = catalog.get_partner(partner_id)
    summary = _summary(catalog)
    collections = [(spec, n) for pid, spec, n in summary.collections if pid == partner_id]
    count = dict((p.id, n) for p, n in summary.partners).get(partner_id, 0)
    return render_template(
        "browse/partner.html",
        partner=row,
        count=count,
        collections=collections,
        set_names=reading.set_names(row),
        status=reading.partner_status(catalog, partner_id),
    )
