"""The review screen of a draft (``/workspace/records/<id>/review``): its pages as
thumbnails with their OCR confidence (worst pages first on request), the page
operations (move, reorder by drag and drop, rotate, delete, replace, set the cover),
Publish and, on a public record, Unpublish.

The screen needs :data:`~catalog.policy.Action.REVIEW_SCANS` on the record's own
partner; every POST goes to :mod:`catalog.drafts`, :mod:`catalog.page_review` or
:mod:`ingest.review`, which ask the policy again with the record's partner (so a
changed id in a URL changes nothing of another partner's: 403 or 404). Every form
carries the CSRF token; a refused change re-renders the screen with the reason (400,
409 or 422), a done change redirects back with a flash message and queues what the
change needs (OCR of a new image, the indexer after publishing).

``/workspace/pages/<id>/<thumb|display>`` serves the image of any page of a partner's
record to its members (``VIEW_WORKSPACE``): drafts have no public files.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from catalog import drafts, page_review, policy
from catalog.errors import Conflict, IngestError, InvalidInput, NotFound
from catalog.policy import Action
from ingest import review as ingest_review
from portal import auth
from portal.services import get_services
from portal.tasks import get_jobs
from portal.views.workspace import bp

KINDS = {"thumb": "thumb_sha256", "display": "display_sha256"}
"""The page images the workspace serves, by URL name (both JPEG derivatives)."""


class ButtonForm(FlaskForm):
    """A button with the CSRF token (move, rotate, delete, cover, publish, order)."""


class ReplaceForm(FlaskForm):
    image = FileField(_l("New image"), validators=[FileRequired(_l("Choose an image file."))])
    submit = SubmitField(_l("Replace the page"))


class UnpublishForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Give a reason for unpublishing.")),
            Length(max=drafts.MAX_REASON),
        ],
        description=_l("Kept in the audit log."),
    )
    submit = SubmitField(_l("Unpublish: back to a draft"))


# -- the screen -----------------------------------------------------------------------


@bp.get("/records/<int:record_id>/review")
@login_required
def review(record_id: int):
    """The review screen; ``?sort=worst`` lists the pages worst OCR confidence first."""
    return _screen(record_id)


def _screen(record_id: int, status: int = 200, problem: str = "", **forms):
    principal = auth.current_principal()
    found = page_review.review(get_services().catalog, record_id)  # NotFound: 404
    partner_id = found.record.partner_id
    policy.require(principal, Action.REVIEW_SCANS, partner_id)
    worst = request.args.get("sort") == "worst"
    pages = page_review.worst_first(found.pages) if worst else list(found.pages)
    return render_template(
        "workspace/review.html",
        review=found,
        record=found.record,
        pages=pages,
        worst=worst,
        reading=sum(1 for p in found.pages if p.ocr_status in ("pending", "running")),
        button_form=ButtonForm(),
        replace_form=forms.get("replace_form") or ReplaceForm(),
        unpublish_form=forms.get("unpublish_form") or UnpublishForm(),
        problem=problem,
        may_publish=policy.may(principal, Action.PUBLISH_DRAFT, partner_id),
        may_unpublish=policy.may(principal, Action.PUBLISH_RECORD, partner_id),
    ), status


# -- page operations --------------------------------------------------------------------


@bp.post("/records/<int:record_id>/review/pages/<int:page_id>/move")
@login_required
def move_page(record_id: int, page_id: int):
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        return _screen(record_id, 400, _("Move a page up or down."))
    return _change(
        record_id,
        lambda c, p: page_review.move_page(c, p, record_id, page_id, offset),
        _("The page was moved."),
    )


@bp.post("/records/<int:record_id>/review/order")
@login_required
def order_pages(record_id: int):
    """The whole new order of the pages in review (``page`` values, from drag and drop)."""
    order = request.form.getlist("page")
    return _change(
        record_id,
        lambda c, p: page_review.reorder(c, p, record_id, order),
        _("The new page order was saved."),
    )


@bp.post("/records/<int:record_id>/review/pages/<int:page_id>/rotate")
@login_required
def rotate_page(record_id: int, page_id: int):
    try:
        degrees = int(request.form.get("degrees", ""))
    except ValueError:
        degrees = 0

    def change(catalog, principal):
        ingest_review.rotate_page(
            catalog, get_services().files, _settings(), principal, record_id, page_id, degrees
        )
        return True

    return _change(record_id, change, _("The page was turned; it is being read again."), ocr=True)


@bp.post("/records/<int:record_id>/review/pages/<int:page_id>/delete")
@login_required
def delete_page(record_id: int, page_id: int):
    return _change(
        record_id,
        lambda c, p: page_review.delete_page(c, p, record_id, page_id),
        _("The page was deleted."),
    )


@bp.post("/records/<int:record_id>/review/pages/<int:page_id>/cover")
@login_required
def cover_page(record_id: int, page_id: int):
    return _change(
        record_id,
        lambda c, p: page_review.set_cover(c, p, record_id, page_id),
        _("The page is the record's cover."),
    )


@bp.post("/records/<int:record_id>/review/pages/<int:page_id>/replace")
@login_required
def replace_page(record_id: int, page_id: int):
    """Replace a page with an uploaded image: the policy is asked before the body is
    read, and the body may not be larger than ingest's file limit."""
    _require_review(record_id)
    settings = _settings()
    request.max_content_length = settings.max_file_bytes + 1024 * 1024
    form = ReplaceForm()
    if not form.validate_on_submit():
        return _screen(record_id, 400, _("Choose an image file."), replace_form=form)
    upload = form.image.data
    name = Path(upload.filename or "image").name[:200]
    folder = Path(current_app.instance_path) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="replace-")
    try:
        with open(fd, "wb") as out:
            upload.save(out)

        def change(catalog, principal):
            files = get_services().files
            target = (principal, record_id, page_id)
            ingest_review.replace_page(catalog, files, settings, *target, Path(tmp), name)
            return True

        message = _("The page was replaced; it is being read.")
        return _change(record_id, change, message, ocr=True, checked=True)
    finally:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()


# -- publish and unpublish ------------------------------------------------------------------


@bp.post("/records/<int:record_id>/publish")
@login_required
def publish_record(record_id: int):
    def change(catalog, principal):
        done = drafts.publish(catalog, principal, record_id)
        if not done.changed:
            return None
        if done.record:
            return _("Published: the record is public.")
        return _("Published: the new scans are public.")

    return _change(record_id, change, "", index=True)


@bp.post("/records/<int:record_id>/unpublish")
@login_required
def unpublish_record(record_id: int):
    form = UnpublishForm()
    if not form.validate_on_submit():
        return _screen(record_id, 400, unpublish_form=form)
    return _change(
        record_id,
        lambda c, p: drafts.unpublish(c, p, record_id, form.reason.data),
        _("The record is a draft again: hidden from the public."),
        index=True,
        checked=True,
        unpublish_form=form,
    )


# -- page images ----------------------------------------------------------------------------


@bp.get("/pages/<int:page_id>/<any(thumb, display):kind>")
@login_required
def page_image(page_id: int, kind: str):
    """A page's thumbnail or display image, for members of the record's partner."""
    if kind not in KINDS:
        raise NotFound(f"no page image {kind!r}", kind=kind)
    services = get_services()
    partner_id, page = page_review.review_page(services.catalog, page_id)
    policy.require(auth.current_principal(), Action.VIEW_WORKSPACE, partner_id)
    sha = getattr(page, KINDS[kind])
    path = services.files.path(sha) if sha else None
    if path is None or not path.is_file():
        raise NotFound(f"page {page_id} has no {kind} image", page=page_id)
    response = send_file(path, mimetype="image/jpeg", etag=sha, conditional=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# -- helpers ----------------------------------------------------------------------------------


def _require_review(record_id: int) -> None:
    found = page_review.review(get_services().catalog, record_id)  # NotFound: 404
    policy.require(auth.current_principal(), Action.REVIEW_SCANS, found.record.partner_id)


def _settings():
    return get_jobs().settings


def _change(
    record_id: int, change, message: str, *, ocr=False, index=False, checked=False, **forms
):
    """Check the CSRF token (unless a form of the view ``checked`` it), run
    ``change(catalog, principal)`` (it asks the policy with the record's own partner),
    flash ``message`` (or the message ``change`` returned) and go back to the screen; a
    refusal re-renders the screen with its reason."""
    if not checked and not ButtonForm().validate_on_submit():
        return _screen(record_id, 400, _("This form has expired. Try again."))
    try:
        done = change(get_services().catalog, auth.current_principal())
    except (InvalidInput, Conflict, IngestError) as exc:
        return _screen(record_id, exc.status, _problem(exc), **forms)
    if done:
        flash(done if isinstance(done, str) else message, "success")
    else:
        flash(_("Nothing changed."), "info")
    if done and (ocr or index):
        _queue(record_id, ocr)
    return redirect(url_for("workspace.review", record_id=record_id, **_keep()), 303)


def _queue(record_id: int, ocr: bool) -> None:
    """Queue the new image's OCR (and whatever else of the record is unfinished) or the
    indexer. The catalogue holds the work already: a queue that cannot be reached loses
    nothing, the periodic recovery queues it later."""
    try:
        if ocr:
            get_jobs().enqueue_pending(record_id)
        else:
            get_jobs().index_due()
    except Exception:  # the change is saved; the recovery queues the work later
        current_app.logger.exception("could not queue the work of record %s", record_id)


def _keep() -> dict[str, str]:
    return {"sort": "worst"} if request.args.get("sort") == "worst" else {}


def _problem(exc: InvalidInput | Conflict | IngestError) -> str:
    """A translated message for the refusals users can cause."""
    if isinstance(exc, drafts.NotReviewable):
        return _(
            "This page is public: review is for drafts. Unpublish the record first, "
            "or add new scans as a draft."
        )
    if isinstance(exc, IngestError):
        return _("The file was refused: %(reason)s", reason=exc.message)
    if isinstance(exc, Conflict):
        return _("The page changed meanwhile. Look at it again and retry.")
    messages = {
        "order": _("The new order must list each page in review once."),
        "degrees": _("A page turns by 90, 180 or 270 degrees."),
        "reason": _("Give a reason for unpublishing (at most %(max)d characters).", max=2000),
    }
    return messages.get(exc.fields.get("field"), exc.message)
