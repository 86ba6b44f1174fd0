"""Security and caching headers, and CSRF protection of every form.

Every response gets a strict Content-Security-Policy (``PORTAL_CSP``: no inline script or
style), ``nosniff``, a referrer policy and frame protection. Static files get
``Cache-Control`` with ``PORTAL_STATIC_MAX_AGE``; content-addressed files set their own
caching headers in their view.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf import CSRFProtect


def _headers(app: Flask):
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", app.config["PORTAL_CSP"])
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.endpoint == "static" and response.status_code in (200, 304):
            response.cache_control.public = True
            response.cache_control.max_age = int(app.config["PORTAL_STATIC_MAX_AGE"])
        if request.path.startswith(("/api/", "/iiif/")):
            headers.setdefault("Access-Control-Allow-Origin", "*")
        return response

    return add_headers


def init_app(app: Flask) -> None:
    """Register CSRF protection (once) and the header hook."""
    if "csrf" not in app.extensions:
        CSRFProtect(app)
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", app.config["PORTAL_STATIC_MAX_AGE"])
    app.after_request(_headers(app))
