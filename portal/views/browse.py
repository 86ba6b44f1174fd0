"""Browse by partner, country, type, subject and decade; partner pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal import reading
from portal.services import get_services

bp = Blueprint("browse", __name__, url_prefix="/browse")


@bp.get("/")
def index():
    summary = reading.overview(get_services().catalog)
    return render_template("browse/index.html", summary=summary)


@bp.get("/partners")
def partners():
    summary = reading.overview(get_services().catalog, subjects=0)
    return render_template("browse/partners.html", summary=summary)


@bp.get("/partners/<partner_id>")
def partner(partner_id: str):
    catalog = get_services().catalog
    row = catalog.get_partner(partner_id)
    summary = reading.overview(catalog, subjects=0)
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
