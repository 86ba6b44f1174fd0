"""The one place where errors become responses.

HTML pages for the site, JSON for ``/api/``. (The OAI-PMH provider answers protocol
errors itself in OAI-PMH XML, as the protocol demands.) Lower layers raise
:class:`catalog.errors.WarisanError` subclasses and never call ``abort()``.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from catalog.errors import WarisanError


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/iiif/"))


def handle_warisan_error(exc: WarisanError):
    status = getattr(exc, "status", 500)
    if _wants_json():
        return jsonify(exc.to_dict()), status
    return render_template("error.html", status=status, message=exc.message), status


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    if _wants_json():
        return jsonify({"error": exc.name, "message": exc.description}), status
    messages = {
        404: _("This page does not exist."),
        405: _("This address does not accept that kind of request."),
        413: _("The file is too large."),
    }
    message = messages.get(status, exc.description)
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.register_error_handler(WarisanError, handle_warisan_error)
    app.register_error_handler(HTTPException, handle_http_error)
