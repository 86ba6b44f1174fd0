"""Metadata sheets of upload batches: send a sheet (CSV or XLSX), see the preview of
every row with every error by row and column, send a corrected sheet, confirm; and the
sheet template to download in the interface's language.

Every page asks :data:`~catalog.policy.Action.UPLOAD_SCANS` on the batch's own partner
(:mod:`ingest.batches` asks again with the batch taken from the catalogue); the template
needs it on some partner. Forms carry the CSRF token; cells are shown as text.
"""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.routing import BuildError
from wtforms import SubmitField

from catalog import policy
from catalog.errors import Conflict, NotFound
from ingest import batches, sheet_template, sheets
from ingest.upload_settings import UploadSettings
from portal import auth
from portal.services import get_services
from portal.tasks import get_jobs
from portal.views.workspace import bp
from portal.views.workspace.sheet_texts import (
    ACTIONS,
    column_label,
    problem_text,
    template_texts,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetForm(FlaskForm):
    sheet = FileField(validators=[FileRequired()])
    submit = SubmitField()


class ConfirmForm(FlaskForm):
    """The confirm button with the CSRF token."""


@bp.get("/batches/<int:batch_id>/preview")
@login_required
def batch_preview(batch_id: int):
    """Every row of the batch as it will be catalogued, every problem with its row and
    column, the form to send a (corrected) sheet and, without errors, to confirm."""
    return _page(batch_id)


@bp.post("/batches/<int:batch_id>/sheet")
@login_required
def batch_sheet(batch_id: int):
    """Keep the sheet sent on the batch (replacing the one before), then the preview."""
    form = SheetForm()
    if not form.validate_on_submit():
        return _page(batch_id, status=400, problem=_("Choose a CSV or XLSX file to send."))
    upload = form.sheet.data
    data = upload.stream.read(sheets.MAX_SHEET_BYTES + 1)
    catalog = get_services().catalog
    try:
        sheet = batches.attach_sheet(
            catalog, auth.current_principal(), batch_id, upload.filename or "", data
        )
    except sheets.SheetError as exc:
        text = problem_text(exc.code, exc.params)
        return _page(
            batch_id,
            status=400,
            problem=_("%(file)s: %(problem)s", file=upload.filename or "", problem=text),
        )
    except Conflict:
        return _page(batch_id, status=409, problem=_("This batch was confirmed already."))
    flash(
        ngettext(
            "The sheet %(name)s was read: %(num)d row.",
            "The sheet %(name)s was read: %(num)d rows.",
            len(sheet.rows),
            name=sheet.name,
        ),
        "success",
    )
    return redirect(url_for("workspace.batch_preview", batch_id=batch_id))


@bp.post("/batches/<int:batch_id>/confirm")
@login_required
def batch_confirm(batch_id: int):
    """Catalogue the batch as its preview shows (drafts), queue its scans, and go to
    the partner's review list."""
    if not ConfirmForm().validate_on_submit():
        return _page(batch_id, status=400, problem=_("This form has expired."))
    services = get_services()
    settings = UploadSettings.from_config(current_app.config)
    try:
        done = batches.confirm(
            services.catalog, services.files, settings, batch_id, auth.current_principal()
        )
    except batches.BatchHasErrors:
        return _page(batch_id, status=400, problem=_("Fix the errors below first."))
    except Conflict as exc:
        text = problem_text(exc.fields.get("code", "closed"), {})
        return _page(batch_id, status=409, problem=text)
    _queue(done)
    flash(
        _(
            "Batch confirmed: %(new)d new draft record(s), %(updated)d updated, "
            "%(files)d file(s) queued for OCR.",
            new=len(done.created),
            updated=len(done.updated),
            files=len(done.objects),
        ),
        "success",
    )
    return redirect(url_for("workspace.partner_records", partner_id=done.partner_id, state="draft"))


@bp.get("/sheets/template.<fmt>")
@login_required
def sheet_template_file(fmt: str):
    """The metadata sheet template (XLSX or CSV) in the interface's language."""
    policy.require(auth.current_principal(), policy.Action.UPLOAD_SCANS)
    language = str(get_locale() or "en")
    language = language if language in sheets.LANGUAGES else "en"
    if fmt == "xlsx":
        data, mimetype = sheet_template.template_xlsx(language, template_texts()), XLSX
    elif fmt == "csv":
        data, mimetype = sheet_template.template_csv(language), "text/csv; charset=utf-8"
    else:
        raise NotFound(f"no template in format {fmt!r}")
    name = f"warisan-sheet-{language}.{fmt}"
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _queue(done: batches.Confirmed) -> None:
    """Queue the new objects' page splitting (OCR follows) and the indexer. The work is
    in the catalogue already: a queue that cannot be reached loses nothing (the
    worker's recovery queues it)."""
    try:
        jobs = get_jobs()
        for object_id in done.objects:
            jobs.ingest_object(object_id)
        jobs.index_due()
    except Exception:  # the records are saved; the recovery queues the work later
        current_app.logger.exception("could not queue the batch's work; recovery will")


def _page(batch_id: int, status: int = 200, problem: str = ""):
    catalog = get_services().catalog
    principal = auth.current_principal()
    preview = batches.preview(catalog, principal, batch_id)  # NotFound, Forbidden
    partner = catalog.get_partner(preview.partner_id)
    language = str(get_locale() or "en")
    return render_template(
        "workspace/batch_preview.html",
        preview=preview,
        partner=partner,
        sheet_form=SheetForm(),
        confirm_form=ConfirmForm(),
        problem=problem,
        actions=ACTIONS,
        text_of=lambda p: problem_text(p.code, p.params),
        column_of=lambda name: column_label(name, language),
        batch_url=_batch_url(batch_id),
    ), status


def _batch_url(batch_id: int) -> str | None:
    """The batch's own page (the uploads' area), when the portal has it."""
    try:
        return url_for("workspace.batch", batch_id=batch_id)
    except BuildError:
        return None
