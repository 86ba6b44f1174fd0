"""Blueprints of the portal. Views parse the request, call a service and render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from portal.views import main

    app.register_blueprint(main.bp)
