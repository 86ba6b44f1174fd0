"""Researchers' suggested corrections in the web (:mod:`ingest.suggestions`).

- ``/workspace/pages/<id>/suggestions``: a logged-in user (a registered researcher, who
  has no workspace otherwise) suggests line changes of a public page; the page says so
  when the partner takes no suggestions.
- ``/workspace/partners/<id>/suggestions``: the partner's members who may correct text
  see what waits and approve or reject each; whoever may edit the partner's profile
  turns suggestions on or off there.

The library asks the policy with the page's or suggestion's own partner; every form
carries the CSRF token.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from catalog import access, policy, queries
from catalog.errors import InvalidInput, NotFound
from catalog.pagetext import numbered
from ingest import corrections, suggestions
from portal import auth
from portal.services import get_services
from portal.templating import viewer_pages
from portal.views.workspace import bp
from portal.views.workspace.corrections import (
    LINE_FIELD,
    CorrectionForm,
    fields,
    problem,
    queue_indexing,
)


@bp.route("/pages/<int:page_id>/suggestions", methods=["GET", "POST"])
@login_required
def suggest_page(page_id: int):
    """The lines of a public page to suggest corrections of (form: ``line-<n>``)."""
    catalog, principal = get_services().catalog, auth.current_principal()
    record = _public_record(page_id)
    if request.method == "GET":
        return _suggest_screen(record, page_id)
    typed = fields(LINE_FIELD)
    if not CorrectionForm().validate_on_submit():
        return _suggest_screen(record, page_id, 400, _("This form has expired."), typed)
    try:
        version = suggestions.suggest(catalog, principal, page_id, typed)
    except InvalidInput as exc:
        return _suggest_screen(record, page_id, 400, problem(exc), typed)
    if version is None:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("Thank you: your suggestion waits for the partner's approval."))
    return redirect(url_for("workspace.suggest_page", page_id=page_id))


@bp.get("/partners/<partner_id>/suggestions")
@login_required
def partner_suggestions(partner_id: str):
    """The partner's suggestions waiting for approval, and the setting."""
    catalog, principal = get_services().catalog, auth.current_principal()
    waiting = suggestions.pending(catalog, principal, partner_id)  # CORRECT_TEXT
    partner = catalog.get_partner(partner_id)
    return render_template(
        "workspace/suggestions.html",
        partner=partner,
        waiting=waiting,
        allowed=suggestions.allows_suggestions(partner),
        may_set=policy.may(principal, policy.Action.EDIT_PARTNER_PROFILE, partner_id),
        form=CorrectionForm(),
    )


@bp.post("/partners/<partner_id>/suggestions/setting")
@login_required
def suggestions_setting(partner_id: str):
    """Turn researchers' suggestions on (``allowed=1``) or off."""
    if not CorrectionForm().validate_on_submit():
        raise InvalidInput(_("This form has expired."))
    allowed = request.form.get("allowed") == "1"
    principal = auth.current_principal()
    if suggestions.allow_suggestions(get_services().catalog, principal, partner_id, allowed):
        flash(
            _("Researchers may now suggest corrections.")
            if allowed
            else _("Researchers no longer suggest corrections.")
        )
    return redirect(url_for("workspace.partner_suggestions", partner_id=partner_id))


@bp.post("/suggestions/<int:suggestion_id>/<any(approve, reject):decision>")
@login_required
def decide_suggestion(suggestion_id: int, decision: str):
    """Approve or reject one suggestion (back to the list of its partner)."""
    catalog, principal = get_services().catalog, auth.current_principal()
    if not CorrectionForm().validate_on_submit():
        raise InvalidInput(_("This form has expired."))
    partner_id, page_id = request.form.get("partner", ""), request.form.get("page", "")
    if decision == "approve":
        version = suggestions.approve(catalog, principal, suggestion_id)
        flash(
            _("The suggestion is now the page's text (version %(number)d).", number=version.number)
        )
        queue_indexing()
    else:
        suggestions.reject(catalog, principal, suggestion_id)
        flash(_("The suggestion was rejected."))
    if page_id.isdigit():
        return redirect(url_for("workspace.page_corrections", page_id=int(page_id)))
    if partner_id:
        return redirect(url_for("workspace.partner_suggestions", partner_id=partner_id))
    return redirect(url_for("workspace.home"))


def _public_record(page_id: int):
    """The public record holding the page (its published objects loaded); 404 else."""
    record_id = corrections.record_of_page(get_services().catalog, page_id)
    if record_id is None:
        raise NotFound(f"no page {page_id}", page=page_id)
    record = queries.public_record(get_services().catalog, record_id)
    if not any(p.id == page_id for obj in access.open_objects(record) for p in obj.pages):
        raise NotFound(f"no page {page_id}", page=page_id)
    return record


def _suggest_screen(record, page_id: int, status=200, message="", typed=None):
    pages = [p for obj in access.open_objects(record) for p in obj.pages if p.image_sha256]
    number, page = next((n, p) for n, p in numbered(pages) if p.id == page_id)
    allowed = suggestions.allows_suggestions(record.partner)
    return render_template(
        "workspace/corrections.html",
        suggesting=True,
        allowed=allowed,
        record=record,
        page=page,
        image=viewer_pages([page])[0],
        number=number,
        lines=corrections.lines_of(page) if page.words and allowed else [],
        typed=typed or {},
        versions=[],
        form=CorrectionForm(),
        problem=message,
        max_chars=corrections.MAX_LINE_CHARS,
    ), status
