"""The workspace's record pages: a partner's records in every state, and one record's
controls (withdraw/restore, embargo, access level, rights statement).

Pages need :data:`~catalog.policy.Action.VIEW_WORKSPACE` on the record's own partner;
each POST goes to :mod:`catalog.controls`, which asks the policy again per record with
the record's own partner (so an id changed in a URL or a form changes nothing of another
partner's: 403 or 404). Every form carries the CSRF token (Flask-WTF). A bad value
re-renders the page with the message and what was typed (400); a done action redirects
with a flash message.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from catalog import access, controls, policy, rights
from catalog import workspace_queries as wq
from catalog.errors import InvalidInput
from catalog.models import AccessLevel, utcnow
from portal import auth
from portal.services import get_services
from portal.tasks import get_jobs
from portal.views.workspace import bp, corrections

STATE_NAMES = {
    wq.RecordState.ALL: _l("All"),
    wq.RecordState.VISIBLE: _l("Public"),
    wq.RecordState.DRAFT: _l("Drafts and scans to review"),
    wq.RecordState.WITHDRAWN: _l("Withdrawn"),
    wq.RecordState.EMBARGOED: _l("Under embargo"),
    wq.RecordState.METADATA_ONLY: _l("Metadata only"),
}
ACCESS_NAMES = {
    AccessLevel.OPEN: _l("Open: everybody sees the content"),
    AccessLevel.METADATA: _l("Metadata only: no images, files or text"),
    AccessLevel.ONSITE: _l("On site only: content in the reading room"),
}
REASON_HELP = _l("Shown to the public on the record's page.")


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Give a reason for withdrawing.")),
            Length(max=controls.MAX_REASON),
        ],
        description=REASON_HELP,
    )
    submit = SubmitField(_l("Withdraw"))


class BulkForm(FlaskForm):
    """Withdraw or restore the records ticked in the list (``record`` values)."""

    reason = TextAreaField(
        _l("Reason (to withdraw)"),
        validators=[Length(max=controls.MAX_REASON)],
        description=REASON_HELP,
    )
    withdraw = SubmitField(_l("Withdraw the selected records"))
    restore = SubmitField(_l("Restore the selected records"))


class ActionForm(FlaskForm):
    """A button with the CSRF token (restore, lift the embargo)."""


class EmbargoForm(FlaskForm):
    until = DateField(
        _l("Available from"), validators=[InputRequired(_l("Give a date (YYYY-MM-DD)."))]
    )
    submit = SubmitField(_l("Set the embargo"))

    def validate_until(self, field) -> None:
        if field.data is not None and _midnight(field.data) <= utcnow():
            raise ValidationError(_("The date must be in the future."))


class AccessForm(FlaskForm):
    level = RadioField(_l("Access"), validators=[Optional()])
    submit = SubmitField(_l("Save the access level"))


class RightsForm(FlaskForm):
    uri = SelectField(_l("Rights statement"))
    submit = SubmitField(_l("Save the rights statement"))


# -- a partner's records ---------------------------------------------------------------


@bp.get("/partners/<partner_id>/records")
@login_required
def partner_records(partner_id: str):
    """The partner's records in every state, filtered by state and text, paged."""
    return _list_page(partner_id, BulkForm(), selected=set())


@bp.post("/partners/<partner_id>/records")
@login_required
def bulk_records(partner_id: str):
    """Withdraw (with a reason) or restore the ticked records, all of this partner."""
    principal = auth.current_principal()
    policy.require(principal, policy.Action.VIEW_WORKSPACE, partner_id)
    form = BulkForm()
    selected = _ids(request.form.getlist("record"))
    if not form.validate_on_submit():
        return _list_page(partner_id, form, selected, status=400)
    catalog = get_services().catalog
    try:
        if form.restore.data:
            done = controls.restore(catalog, principal, selected, partner_id=partner_id)
            flash(ngettext("%(num)d record restored.", "%(num)d records restored.", len(done)))
        else:
            reason = form.reason.data or ""
            done = controls.withdraw(catalog, principal, selected, reason, partner_id=partner_id)
            flash(ngettext("%(num)d record withdrawn.", "%(num)d records withdrawn.", len(done)))
    except InvalidInput as exc:
        return _list_page(partner_id, form, selected, status=400, problem=_problem(exc))
    if done:
        _queue_indexing()
    return redirect(_list_url(partner_id))


def _list_page(
    partner_id: str, form: BulkForm, selected: set[int], status: int = 200, problem: str = ""
):
    principal = auth.current_principal()
    policy.require(principal, policy.Action.VIEW_WORKSPACE, partner_id)
    catalog = get_services().catalog
    partner = catalog.get_partner(partner_id)  # NotFound: 404
    source = request.args
    state = wq.state_of(source.get("state"))
    text = source.get("q", "").strip()[: wq.MAX_TEXT]
    listing = wq.partner_records(
        catalog, partner_id, state=state, text=text, page=_page(source.get("page"))
    )
    return render_template(
        "workspace/records.html",
        partner=partner,
        listing=listing,
        state=state,
        states=STATE_NAMES,
        text=text,
        form=form,
        selected=selected,
        problem=problem,
        may_hide=policy.may(principal, policy.Action.HIDE_RECORD, partner_id),
        now=utcnow(),
    ), status


# -- one record ------------------------------------------------------------------------


@bp.get("/records/<int:record_id>")
@login_required
def record_controls(record_id: int):
    """One record's state and the controls the user may use on it."""
    return _record_page(record_id)


@bp.post("/records/<int:record_id>/withdraw")
@login_required
def withdraw_record(record_id: int):
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _record_page(record_id, withdraw_form=form, status=400)
    return _act(
        record_id,
        lambda c, p: controls.withdraw(c, p, [record_id], form.reason.data),
        _("The record was withdrawn."),
        withdraw_form=form,
    )


@bp.post("/records/<int:record_id>/restore")
@login_required
def restore_record(record_id: int):
    return _button(
        record_id, lambda c, p: controls.restore(c, p, [record_id]), _("The record was restored.")
    )


@bp.post("/records/<int:record_id>/embargo")
@login_required
def embargo_record(record_id: int):
    form = EmbargoForm()
    if not form.validate_on_submit():
        return _record_page(record_id, embargo_form=form, status=400)
    until = _midnight(form.until.data)
    return _act(
        record_id,
        lambda c, p: controls.set_embargo(c, p, record_id, until),
        _("The record is under embargo until %(date)s.", date=form.until.data.isoformat()),
        embargo_form=form,
    )


@bp.post("/records/<int:record_id>/embargo/lift")
@login_required
def lift_embargo(record_id: int):
    return _button(
        record_id,
        lambda c, p: controls.lift_embargo(c, p, record_id),
        _("The embargo was lifted."),
    )


@bp.post("/records/<int:record_id>/access")
@login_required
def record_access(record_id: int):
    form = AccessForm()
    form.level.choices = [(str(level), name) for level, name in ACCESS_NAMES.items()]
    object_id = request.form.get("object", "").strip()
    if object_id:
        form.level.choices.append(("", _("Follow the record")))
    if not form.validate_on_submit():
        return _record_page(record_id, status=400, problem=_("Choose an access level."))
    target = _ids([object_id]).pop() if object_id else None
    return _act(
        record_id,
        lambda c, p: controls.set_access(c, p, record_id, form.level.data, object_id=target),
        _("The access level was saved."),
    )


@bp.post("/records/<int:record_id>/rights")
@login_required
def record_rights(record_id: int):
    form = RightsForm()
    form.uri.choices = _rights_choices()
    if not form.validate_on_submit():
        return _record_page(record_id, rights_form=form, status=400)
    uri = form.uri.data or None
    return _act(
        record_id,
        lambda c, p: controls.set_rights(c, p, record_id, uri),
        _("The rights statement was saved."),
        rights_form=form,
    )


def _button(record_id: int, change, message: str):
    if not ActionForm().validate_on_submit():  # the CSRF token
        return _record_page(record_id, status=400, problem=_("This form has expired."))
    return _act(record_id, change, message)


def _act(record_id: int, change, message: str, **forms):
    """Run ``change(catalog, principal)`` (it asks the policy with the record's own
    partner); flash and go back to the record, or show the refusal of a bad value."""
    try:
        done = change(get_services().catalog, auth.current_principal())
    except InvalidInput as exc:
        return _record_page(record_id, status=400, problem=_problem(exc), **forms)
    flash(message if done else _("Nothing changed."), "success" if done else "info")
    if done:
        _queue_indexing()
    return redirect(url_for("workspace.record_controls", record_id=record_id))


def _queue_indexing() -> None:
    """Queue the indexer, so a change reaches public search as soon as a worker runs it
    rather than at the next periodic recovery. The records are due in the catalogue
    already (set with the change): a queue that cannot be reached loses nothing, and the
    recovery queues them later."""
    try:
        get_jobs().index_due()
    except Exception:  # the change is saved; the recovery queues the indexer later
        current_app.logger.exception("could not queue the indexer; recovery will")


def _record_page(record_id: int, status: int = 200, problem: str = "", **forms):
    principal = auth.current_principal()
    catalog = get_services().catalog
    row = wq.workspace_record(catalog, record_id)  # NotFound: 404
    policy.require(principal, policy.Action.VIEW_WORKSPACE, row.partner_id)
    access_form = AccessForm(level=row.access)
    access_form.level.choices = [(str(level), name) for level, name in ACCESS_NAMES.items()]
    rights_form = forms.get("rights_form") or RightsForm(uri=_workspace_uri(row))
    rights_form.uri.choices = _rights_choices()
    return render_template(
        "workspace/record.html",
        record=row,
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(),
        embargo_form=forms.get("embargo_form") or EmbargoForm(),
        action_form=ActionForm(),
        access_form=access_form,
        access_names=ACCESS_NAMES,
        rights_form=rights_form,
        rights_now=rights.statement(row.rights_uri),
        lang=str(get_locale()),
        under_embargo=access.under_embargo(row),
        problem=problem,
        may_hide=policy.may(principal, policy.Action.HIDE_RECORD, row.partner_id),
        may_publish=policy.may(principal, policy.Action.PUBLISH_RECORD, row.partner_id),
        **corrections.record_state(principal, row),
    ), status


# -- helpers ---------------------------------------------------------------------------


def _rights_choices() -> list[tuple[str, str]]:
    language = get_locale()
    return [("", _("As harvested from the partner's feed"))] + [
        (s.uri, f"{s.code} · {s.label(language)}") for s in rights.STATEMENTS
    ]


def _workspace_uri(row) -> str:
    return row.rights_uri or "" if row.rights_source == "workspace" else ""


def _midnight(day: dt.date) -> dt.datetime:
    """The start (UTC) of ``day``: an embargo "until" a date ends as that day begins."""
    return dt.datetime.combine(day, dt.time())


def _ids(values: list[str]) -> set[int]:
    try:
        return {int(v) for v in values}
    except ValueError as exc:
        raise InvalidInput("record ids must be numbers", field="records") from exc


def _page(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError as exc:
        raise InvalidInput("page must be a number", field="page") from exc


def _list_url(partner_id: str) -> str:
    keep = {k: v for k, v in request.args.items() if k in ("state", "q", "page") and v}
    return url_for("workspace.partner_records", partner_id=partner_id, **keep)


def _problem(exc: InvalidInput) -> str:
    """A translated message for the refusals of :mod:`catalog.controls` users can cause."""
    messages = {
        "reason": _("Give a reason for withdrawing (at most %(max)d characters).", max=2000),
        "records": _("Choose at least one record (at most %(max)d).", max=500),
        "embargo_until": _("The date must be in the future."),
        "access": _("Choose an access level."),
        "rights_uri": _("Choose a rights statement from the list."),
    }
    return messages.get(exc.fields.get("field"), exc.message)
