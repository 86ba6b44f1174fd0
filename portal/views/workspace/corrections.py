"""Correcting a page's OCR text in the workspace (``/workspace/pages/<id>/corrections``).

The page shows the page image with one input per OCR line (the line's box is marked on
the image while its input has the focus: ``static/js/viewer.js``), the versions of the
page's correction with who and when, and a button per version to go back to it.
Saving posts the changed lines only (the script leaves the others out; the server also
ignores a line posted unchanged), as a form (``line-<n>`` fields, CSRF token) or as
JSON (``{"lines": {"<n>": "text"}}`` with the token in an ``X-CSRFToken`` header).

Every request asks :mod:`ingest.corrections`, which checks the policy's
``CORRECT_TEXT`` with the page's record's own partner (403/404 otherwise, nothing
changed). A saved correction queues the indexer.
"""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from catalog import access, policy, queries
from catalog.errors import Conflict, InvalidInput
from catalog.pagetext import numbered
from ingest import corrections
from portal import auth
from portal.services import get_services
from portal.tasks import get_jobs
from portal.templating import viewer_pages
from portal.views.workspace import bp

LINE_FIELD = "line-"
"""The name of a line's input: ``line-<line number>``."""
SEEN_FIELD = "seen-"
"""A line's text when the form was shown (hidden ``seen-<line number>``)."""


def fields(prefix: str) -> dict[str, str]:
    """The posted form fields ``<prefix><line number>`` as ``{line number: value}``."""
    return {
        key[len(prefix) :]: value for key, value in request.form.items() if key.startswith(prefix)
    }


class CorrectionForm(FlaskForm):
    """The CSRF token of the lines' form and of the revert buttons."""


@bp.get("/pages/<int:page_id>/corrections")
@login_required
def page_corrections(page_id: int):
    """The page's lines to correct and its versions."""
    return _page(page_id)


@bp.post("/pages/<int:page_id>/corrections")
@login_required
def correct_page(page_id: int):
    """Save the changed lines as a new version (form or JSON)."""
    catalog, principal = get_services().catalog, auth.current_principal()
    wants_json = request.is_json
    corrections.load_page(catalog, principal, page_id)  # 404/403 before reading input
    if wants_json:
        body = request.get_json(silent=True)
        lines = body.get("lines") if isinstance(body, dict) else None
        seen = body.get("seen") if isinstance(body, dict) else None
        if not isinstance(lines, dict) or not isinstance(seen, dict | None):
            raise InvalidInput(
                'give the lines as {"lines": {"<line number>": "text"}} and optionally'
                ' the texts they replace as {"seen": {"<line number>": "text"}}'
            )
        try:
            version = corrections.correct(catalog, principal, page_id, lines, seen=seen)
        except (InvalidInput, Conflict) as exc:
            return jsonify({**exc.to_dict(), "message": problem(exc)}), exc.status
        if version is not None:
            queue_indexing()
        return jsonify(_version_json(version)), 201 if version else 200
    typed = fields(LINE_FIELD)
    if not CorrectionForm().validate_on_submit():
        return _page(page_id, status=400, problem=_("This form has expired."), typed=typed)
    seen = fields(SEEN_FIELD)
    changed = {n: text for n, text in typed.items() if n not in seen or text != seen[n]}
    if not changed:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("workspace.page_corrections", page_id=page_id))
    try:
        version = corrections.correct(catalog, principal, page_id, changed, seen=seen)
    except (InvalidInput, Conflict) as exc:
        return _page(page_id, status=exc.status, problem=problem(exc), typed=typed)
    if version is None:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("Your correction was saved as version %(number)d.", number=version.number))
        queue_indexing()
    return redirect(url_for("workspace.page_corrections", page_id=page_id))


@bp.post("/pages/<int:page_id>/corrections/revert")
@login_required
def revert_page(page_id: int):
    """Make the page read as an earlier version (``version``; 0: the OCR) again."""
    catalog, principal = get_services().catalog, auth.current_principal()
    corrections.load_page(catalog, principal, page_id)
    if not CorrectionForm().validate_on_submit():
        return _page(page_id, status=400, problem=_("This form has expired."))
    try:
        number = int(request.form.get("version", ""))
    except ValueError:
        return _page(page_id, status=400, problem=_("Choose a version."))
    version = corrections.revert(catalog, principal, page_id, number)
    if version is None:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("The page reads as before again (version %(number)d).", number=version.number))
        queue_indexing()
    return redirect(url_for("workspace.page_corrections", page_id=page_id))


def _page(page_id: int, status: int = 200, problem: str = "", typed: dict | None = None):
    catalog, principal = get_services().catalog, auth.current_principal()
    page, record = corrections.load_page(catalog, principal, page_id)
    pages = [p for obj in record.objects for p in obj.pages]
    number = next(n for n, p in numbered(pages) if p.id == page.id)
    lines = corrections.lines_of(page) if page.words else []
    return render_template(
        "workspace/corrections.html",
        record=record,
        page=page,
        image=_image(page, record),
        number=number,
        lines=lines,
        typed=typed or {},
        versions=corrections.history(catalog, page.id),
        form=CorrectionForm(),
        problem=problem,
        max_chars=corrections.MAX_LINE_CHARS,
    ), status


def _image(page, record) -> dict:
    """The viewer's page (:func:`portal.templating.viewer_pages`): deep zoom from the
    public routes when the page is public, else the display image the workspace serves
    its members (a draft, withdrawn or closed record's page)."""
    obj = next(o for o in record.objects if o.id == page.object_id)
    if queries.is_visible(record) and not obj.draft and access.content_open(record, obj):
        return viewer_pages([page])[0]
    image = url_for("workspace.page_image", page_id=page.id, kind="display")
    return {
        "n": 1,
        "id": page.id,
        "image": image,
        "tiles": None,
        "width": page.width,
        "height": page.height,
        "lang": None,
    }


def record_state(principal: policy.Principal, record) -> dict:
    """What the workspace's record page shows of its text correction: ``progress``
    (:class:`ingest.corrections.Progress`) and ``text_pages`` (the pages with lines, to
    correct), the latter only when the user may correct the record's text."""
    found, pages = corrections.record_pages(get_services().catalog, record.id)
    may = policy.may(principal, policy.Action.CORRECT_TEXT, record.partner_id)
    return {"progress": found, "text_pages": pages if may else []}


def queue_indexing() -> None:
    """Queue the indexer (the record is due in the catalogue already: a queue that
    cannot be reached loses nothing, the recovery queues it later)."""
    try:
        get_jobs().index_due()
    except Exception:  # the correction is saved; the recovery queues the indexer later
        current_app.logger.exception("could not queue the indexer; recovery will")


def problem(exc: InvalidInput | Conflict) -> str:
    """A translated message for a refused correction."""
    shown = exc.fields.get("position") or 0
    messages = {
        "too-long": _(
            "Line %(line)d is longer than %(max)d characters.",
            line=shown,
            max=corrections.MAX_LINE_CHARS,
        ),
        "control": _("Line %(line)d holds characters that cannot be stored.", line=shown),
        "unknown-line": _("This page has no such line."),
        "no-lines": _("Change at least one line."),
        "no-text": _("No text has been read from this page yet."),
        "not-text": _("Line %(line)d is not text.", line=shown),
        "stale": _(
            "Someone corrected line %(line)d while you were working on it. Your text is"
            " kept below: check it against the versions and save again.",
            line=shown,
        ),
    }
    return messages.get(exc.fields.get("code"), _("This correction cannot be saved."))


def _version_json(version: corrections.Version | None) -> dict:
    if version is None:
        return {"saved": False}
    return {
        "saved": True,
        "version": version.number,
        "lines": [list(line) for line in version.lines],
        "text": version.text,
        "actor": version.actor,
        "created_at": version.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
