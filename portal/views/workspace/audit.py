"""The audit log pages: the whole log (``/workspace/audit``, consortium admins) and one
partner's (``/workspace/partners/<id>/audit``, ``VIEW_AUDIT`` on that partner).

Both are filtered by a GET form (actor, action, target type and id, date range; the
partner too on the whole log) and paged, newest first. A partner's page is always
scoped to that partner's events, whatever the query string says; the filters only
narrow it. The queries are :func:`catalog.audit.audit_page` and friends.
"""

from __future__ import annotations

import datetime as dt

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import DateField, Form, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from catalog import audit, policy
from portal import auth
from portal.services import get_services
from portal.views.workspace import bp

PER_PAGE = 50


class AuditFilterForm(Form):
    """The filters, read from the query string (a GET form changes nothing: no CSRF)."""

    actor = StringField(_l("Who (part of the e-mail address, or cli)"), validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    target_type = SelectField(_l("Kind of thing changed"), validators=[Optional()])
    target_id = StringField(_l("Its identifier"), validators=[Optional()])
    partner = SelectField(_l("Partner"), validators=[Optional()])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("Until (date, included)"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])


def _form(choices: dict[str, list[str]], *, with_partner: bool) -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    anything = [("", _l("Any"))]
    form.action.choices = anything + [(v, v) for v in choices["action"]]
    form.target_type.choices = anything + [(v, v) for v in choices["target_type"]]
    form.partner.choices = anything + [(v, v) for v in choices["partner_id"]]
    if not with_partner:
        del form.partner
    return form


def _filters(form: AuditFilterForm, partner_id: str | None) -> audit.AuditFilter:
    """The filters of a valid form; ``partner_id`` (a partner's page) wins over the
    form's partner (which only the whole log has)."""
    if partner_id is None and "partner" in form:
        partner_id = form.partner.data or None
    until = form.until.data + dt.timedelta(days=1) if form.until.data else None
    since = form.since.data
    return audit.AuditFilter(
        partner_id=partner_id,
        actor=(form.actor.data or "").strip() or None,
        action=form.action.data or None,
        target_type=form.target_type.data or None,
        target_id=(form.target_id.data or "").strip() or None,
        since=dt.datetime.combine(since, dt.time()) if since else None,
        until=dt.datetime.combine(until, dt.time()) if until else None,
    )


def _page(partner, form: AuditFilterForm, partner_id: str | None):
    if not form.validate():
        events, status = None, 400
    else:
        events = audit.audit_page(
            get_services().catalog,
            _filters(form, partner_id),
            page=form.page.data or 1,
            per_page=PER_PAGE,
        )
        status = 200
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if partner is not None:
        args["partner_id"] = partner.id

    def page_url(number: int) -> str:
        return url_for(request.endpoint, **args, page=number)

    body = render_template(
        "workspace/audit.html",
        partner=partner,
        form=form,
        events=events,
        changes=audit.changes,
        page_url=page_url,
    )
    return body, status


@bp.get("/audit")
@login_required
def audit_log():
    """Every audit event (consortium admins), filterable by partner too."""
    policy.require(auth.current_principal(), policy.Action.ADMIN_CONSORTIUM)
    form = _form(audit.audit_choices(get_services().catalog), with_partner=True)
    return _page(None, form, None)


@bp.get("/partners/<partner_id>/audit")
@login_required
def partner_audit(partner_id: str):
    """One partner's audit events (``VIEW_AUDIT`` on that partner), only theirs."""
    policy.require(auth.current_principal(), policy.Action.VIEW_AUDIT, partner_id)
    catalog = get_services().catalog
    partner = catalog.get_partner(partner_id)  # NotFound: 404
    form = _form(audit.audit_choices(catalog, partner_id), with_partner=False)
    return _page(partner, form, partner_id)
