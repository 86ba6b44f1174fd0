"""The OAI-PMH 2.0 provider at ``/oai``: six verbs, ``oai_dc`` and MODS, sets per
partner and per country, persistent deletes, signed keyset resumption tokens.

Protocol errors are answered here as OAI-PMH XML (HTTP 200), as the protocol demands.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from portal import urls
from portal.oai import provider
from portal.services import get_services

bp = Blueprint("oai", __name__)


def settings() -> provider.Settings:
    """The provider settings of the current app."""
    config = current_app.config
    return provider.Settings(
        base_url=urls.absolute("oai.endpoint"),
        repository_id=config["OAI_REPOSITORY_ID"],
        repository_name=config["PORTAL_NAME"],
        admin_email=config["OAI_ADMIN_EMAIL"],
        page_size=int(config["OAI_PAGE_SIZE"]),
        token_ttl=int(config["OAI_TOKEN_TTL"]),
        secret=config["SECRET_KEY"],
        permalink=urls.permalink,
    )


@bp.route("/oai", methods=["GET", "POST"])
def endpoint():
    source = request.form if request.method == "POST" else request.args
    args = {key: source.getlist(key) for key in source}
    body = provider.respond(get_services().catalog, settings(), args)
    return Response(body, mimetype="text/xml", headers={"Cache-Control": "no-cache"})
