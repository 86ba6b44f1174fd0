"""The one place where errors become responses.

HTML pages for the site, JSON for ``/api/``. (The OAI-PMH provider answers protocol
errors itself in OAI-PMH XML, as the protocol demands.) Lower layers raise
:class:`catalog.errors.WarisanError` subclasses and never call ``abort()``.

A workspace page asked for without a login (:class:`LoginRequired`) is sent to the login
form with ``next=`` set to the page (a path of ours only); a refused action
(``catalog.errors.Forbidden``, 403), a throttled login (429) and a missing or wrong CSRF
token (400) get a translated message of their own; a record withdrawn by its partner
(``catalog.errors.Withdrawn``, 410 Gone) a page saying so, with the partner's reason;
content that is not served online (``catalog.errors.ContentRestricted``, 403) says why:
metadata only, on site only at the partner, or under embargo until a date.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from catalog.errors import ContentRestricted, WarisanError, Withdrawn


class LoginRequired(WarisanError):
    """A page that needs a logged-in user was asked for by nobody in particular."""

    status = 401


def _wants_json() -> bool:
    """JSON for the API, IIIF and the tus upload endpoint (read by the page's script),
    and for a request that sent JSON (a script's POST)."""
    return request.path.startswith(("/api/", "/iiif/", "/workspace/uploads/")) or request.is_json


def _login_redirect():
    from portal.urls import safe_next

    here = request.full_path.rstrip("?") if request.method == "GET" else None
    target = safe_next(here, "")
    return redirect(url_for("workspace.login", next=target or None))


def handle_warisan_error(exc: WarisanError):
    status = getattr(exc, "status", 500)
    if isinstance(exc, Withdrawn):
        return _withdrawn(exc, status)
    if _wants_json():
        return jsonify(exc.to_dict()), status
    if isinstance(exc, LoginRequired):
        return _login_redirect()
    message = exc.message
    if isinstance(exc, ContentRestricted):
        message = content_notice(exc)
    elif status == 403:
        message = _("You do not have permission to do this.")
    return render_template("error.html", status=status, message=message), status


def _withdrawn(exc: Withdrawn, status: int):
    """410 Gone, marked ``no-cache``: 410 is cacheable by default, and a restore must
    make the record public again at once."""
    if _wants_json():
        response = jsonify(exc.to_dict())
    else:
        response = make_response(render_template("records/withdrawn.html", error=exc))
    response.status_code = status
    response.headers["Cache-Control"] = "no-cache"
    return response


def content_notice(exc: ContentRestricted) -> str:
    """Why a record's digital content is not shown, in the request's language."""
    fields = exc.fields
    if fields.get("access") == "embargo":
        until = dt.date.fromisoformat(fields["until"])
        return _(
            "Under embargo: the digital content of this record is available from %(date)s.",
            date=format_date(until),
        )
    if fields.get("access") == "onsite":
        return _(
            "The digital content of this record is available only on site at %(partner)s.",
            partner=fields.get("partner", ""),
        )
    return _("Metadata only: the digital content of this record is not available online.")


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    if _wants_json():
        return jsonify({"error": exc.name, "message": exc.description}), status
    messages = {
        404: _("This page does not exist."),
        405: _("This address does not accept that kind of request."),
        413: _("The file is too large."),
        429: _("Too many attempts. Please wait a minute and try again."),
    }
    if isinstance(exc, CSRFError):
        message = _("This form has expired or did not come from this site. Reload and try again.")
    else:
        message = messages.get(status, exc.description)
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.register_error_handler(WarisanError, handle_warisan_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.jinja_env.globals["content_notice"] = content_notice
