"""Blueprints of the portal. Views parse the request, call a service and render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from portal import api, iiif, oai
    from portal.views import browse, main, records, search, status, workspace

    blueprints = (
        main.bp,
        search.bp,
        records.bp,
        browse.bp,
        status.bp,
        api.bp,
        oai.bp,
        iiif.bp,
        workspace.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        for blueprint in (api.bp, oai.bp, iiif.bp):
            csrf.exempt(blueprint)
