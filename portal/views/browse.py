"""Browse by partner, country, type, subject and decade; partner pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import get_locale

from catalog import overview, profiles, queries
from portal.services import get_services

bp = Blueprint("browse", __name__, url_prefix="/browse")


def _summary(catalog) -> overview.Overview:
    return overview.cached_overview(catalog, current_app.config["PORTAL_OVERVIEW_TTL"])


@bp.get("/")
def index():
    return render_template("browse/index.html", summary=_summary(get_services().catalog))


@bp.get("/partners")
def partners():
    lang = str(get_locale())
    summary = _summary(get_services().catalog)
    names = {p.id: profiles.display_name(p, lang) for p, _count in summary.partners}
    return render_template("browse/partners.html", summary=summary, names=names)


@bp.get("/partners/<partner_id>")
def partner(partner_id: str):
    """A partner's page: its profile in the reader's language (else English, else any
    language written), logo, contacts, collections and feed status."""
    catalog = get_services().catalog
    row, profile = profiles.get_profile(catalog, partner_id)
    lang = str(get_locale())
    summary = _summary(catalog)
    collections = [(spec, n) for pid, spec, n in summary.collections if pid == partner_id]
    count = dict((p.id, n) for p, n in summary.partners).get(partner_id, 0)
    return render_template(
        "browse/partner.html",
        partner=row,
        profile=profile,
        lang=lang,
        name=profiles.display_name(row, lang),
        count=count,
        collections=collections,
        set_names=overview.set_names(row),
        status=queries.latest_run(catalog, partner_id),
    )
