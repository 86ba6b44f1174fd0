"""Absolute URLs for permalinks, citations, IIIF and OAI-PMH.

``PORTAL_BASE_URL`` wins when set (a portal behind a proxy); otherwise the request's own
host is used.
"""

from __future__ import annotations

from flask import current_app, request, url_for


def base_url() -> str:
    """The portal's public base URL without a trailing slash."""
    configured = current_app.config.get("PORTAL_BASE_URL")
    return (configured or request.host_url).rstrip("/")


def absolute(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint."""
    return base_url() + url_for(endpoint, **values)


def permalink(record_id: int) -> str:
    """The stable public address of a record."""
    return absolute("records.record", record_id=record_id)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ch in target for ch in "\r\n\\"):
        return fallback
    return target
