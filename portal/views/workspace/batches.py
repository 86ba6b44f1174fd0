"""The workspace's upload batches: a partner's batches, starting one, and the batch
page where scans are uploaded (Uppy's Dashboard over the tus endpoint of
:mod:`portal.views.workspace.tus`) and every file's state is listed.

Every page needs :data:`~catalog.policy.Action.UPLOAD_SCANS` on the batch's own partner
(asked by :mod:`ingest.upload_batches` with the partner taken from the batch). The
list of files is rendered on the server and refreshed by ``static/js/uploads.js`` from
:func:`batch_files` (JSON). A rejected file shows why; the others go on. The batch's
metadata sheet is ``workspace/_batch_sheet.html`` (its own area), included when present.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import format_datetime, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from catalog import policy
from catalog.errors import InvalidInput
from catalog.upload_models import BatchStatus, Upload, UploadStatus
from ingest import upload_batches, uploads
from portal import auth
from portal.services import get_services
from portal.views.workspace import bp
from portal.views.workspace.tus import upload_settings

UPLOAD_STATES = {
    UploadStatus.RECEIVING: _l("Arriving"),
    UploadStatus.COMPLETE: _l("Received"),
    UploadStatus.REJECTED: _l("Refused"),
    UploadStatus.USED: _l("Catalogued"),
    UploadStatus.TERMINATED: _l("Cancelled"),
}
BATCH_STATES = {
    BatchStatus.OPEN: _l("Open"),
    BatchStatus.CONFIRMED: _l("Confirmed"),
    BatchStatus.CANCELLED: _l("Cancelled"),
}


class BatchForm(FlaskForm):
    label = StringField(
        _l("Label"),
        validators=[Optional(), Length(max=upload_batches.MAX_LABEL)],
        description=_l("For example the box, shelf or collection the scans come from."),
    )
    language = StringField(
        _l("Language"),
        validators=[Optional(), Length(max=60)],
        description=_l(
            "An ISO 639-3 code or a language name, for records that do not give their own: "
            "ind, zsm, jav, bjn, iba…"
        ),
    )
    submit = SubmitField(_l("Start a batch"))


REASONS = (
    ("the file is empty", _l("The file is empty.")),
    (
        "not a supported file",
        _l("Not a scan: its content is not TIFF, JPEG, PNG, JPEG 2000 or PDF, whatever its name."),
    ),
    (
        "decompression bomb",
        _l("The image claims more pixels than allowed (a decompression bomb?)."),
    ),
    ("longest side allowed", _l("The image is larger than allowed.")),
    ("truncated", _l("The file is cut short or damaged.")),
    ("encrypted", _l("The PDF is encrypted.")),
    ("PDF is broken", _l("The PDF is damaged.")),
)
"""Words of an :class:`IngestError` message → the reason told in the page's language
(the message itself follows, as the check wrote it)."""


def reason(message: str | None) -> str:
    """Why a file was refused, in the page's language ("" when nothing matches)."""
    for words, told in REASONS:
        if message and words in message:
            return str(told)
    return ""


def megabytes(size: int | None) -> str:
    """A size in bytes as kB, MB or GB, in the page's language."""
    size = size or 0
    for unit, scale, pattern in (("GB", 1024**3, "#,##0.#"), ("MB", 1024**2, "#,##0.0")):
        if size >= scale:
            return format_decimal(size / scale, format=pattern) + " " + unit
    return format_decimal(max(size / 1024, 0.1 if size else 0), format="#,##0.#") + " kB"


def _file(upload: Upload) -> dict:
    """One file of a batch as the page's script shows it (all values as text)."""
    refused = upload.status == UploadStatus.REJECTED
    return {
        "id": upload.id,
        "filename": upload.filename,
        "size": megabytes(upload.length),
        "received": megabytes(upload.offset),
        "status": str(upload.status),
        "state": str(UPLOAD_STATES.get(upload.status, upload.status)),
        "pages": "" if upload.pages is None else str(upload.pages),
        "reason": reason(upload.error) if refused else "",
        "message": (upload.error or "") if refused else "",
    }


@bp.get("/partners/<partner_id>/batches")
@login_required
def partner_batches(partner_id: str):
    """The partner's upload batches, newest first, and the form to start one."""
    return _list_page(partner_id, BatchForm())


@bp.post("/partners/<partner_id>/batches")
@login_required
def create_batch(partner_id: str):
    """Start a batch (label, language) and go to its page."""
    principal = auth.current_principal()
    policy.require(principal, policy.Action.UPLOAD_SCANS, partner_id)
    form = BatchForm()
    if not form.validate_on_submit():
        return _list_page(partner_id, form, status=400)
    try:
        batch = upload_batches.create_batch(
            get_services().catalog, principal, partner_id, form.label.data, form.language.data
        )
    except InvalidInput as exc:
        form.language.errors = [_language_error(exc)]
        return _list_page(partner_id, form, status=400)
    flash(_("Batch started: add its scans below."))
    return redirect(url_for("workspace.batch", batch_id=batch.id))


def _language_error(exc: InvalidInput) -> str:
    message = _(
        "“%(value)s” is not an ISO 639-3 code or a language name we know.",
        value=exc.fields.get("value", ""),
    )
    if exc.fields.get("suggestions"):
        message += " " + _("Did you mean: %(codes)s?", codes=exc.fields["suggestions"])
    return message


def _list_page(partner_id: str, form: BatchForm, status: int = 200):
    principal = auth.current_principal()
    policy.require(principal, policy.Action.UPLOAD_SCANS, partner_id)
    catalog = get_services().catalog
    partner = catalog.get_partner(partner_id)  # NotFound: 404
    batches = upload_batches.list_batches(catalog, principal, partner_id)
    page = render_template(
        "workspace/batches.html",
        partner=partner,
        batches=batches,
        form=form,
        upload_states=UPLOAD_STATES,
        batch_states=BATCH_STATES,
        when=format_datetime,
    )
    return page, status


@bp.get("/batches/<int:batch_id>")
@login_required
def batch(batch_id: int):
    """One batch: the uploader, and every file with its state and, if refused, why."""
    catalog = get_services().catalog
    found = upload_batches.get_batch(catalog, auth.current_principal(), batch_id)
    settings = upload_settings()
    return render_template(
        "workspace/batch.html",
        batch=found,
        partner=catalog.get_partner(found.partner_id),
        files=[_file(u) for u in uploads.batch_uploads(catalog, batch_id)],
        batch_states=BATCH_STATES,
        max_size=megabytes(settings.max_bytes),
        max_bytes=settings.max_bytes,
        locale=str(get_locale() or "en"),
        when=format_datetime,
    )


@bp.get("/batches/<int:batch_id>/files")
@login_required
def batch_files(batch_id: int):
    """The batch's files as JSON, for the page's script: ``{"files": [...], "summary",
    "empty"}`` (the last two: the texts around the list, in the page's language)."""
    catalog = get_services().catalog
    upload_batches.get_batch(catalog, auth.current_principal(), batch_id)
    files = [_file(u) for u in uploads.batch_uploads(catalog, batch_id)]
    summary = ngettext("%(num)d file", "%(num)d files", len(files))
    response = jsonify({"files": files, "summary": summary, "empty": _("No files yet.")})
    response.headers["Cache-Control"] = "no-store"
    return response
