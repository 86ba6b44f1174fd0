"""First contact with a partner: Identify, ListMetadataFormats, ListSets — cached.

The answers are stored on the :class:`~catalog.models.Partner` row and reused until
``HarvestSettings.contact_max_age`` has passed, so a daily harvest does not re-list a
repository's sets every time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.errors import HarvestError, OAIProtocolError
from catalog.models import Partner, utcnow
from catalog.store import Catalog
from harvester import protocol
from harvester.client import PartnerClient
from harvester.fetch import Request, next_request
from harvester.settings import HarvestSettings

MAX_SET_PAGES = 200


def first_contact(
    catalog: Catalog,
    partner: Partner,
    client: PartnerClient,
    settings: HarvestSettings,
    *,
    refresh: bool = False,
) -> dict[str, Any]:
    """The partner's Identify facts, asking the provider only when the cache is stale.

    Raises :class:`HarvestError` when Identify cannot be read (the feed is unusable).
    """
    fresh = partner.contacted_at and (
        utcnow() - partner.contacted_at < dt.timedelta(seconds=settings.contact_max_age)
    )
    if partner.identify and fresh and not refresh:
        return partner.identify
    identify = _identify(client)
    formats = _optional(
        lambda: protocol.parse_formats(client.harvest(verb="ListMetadataFormats").content)
    )
    sets = _optional(lambda: _sets(client))
    catalog.update_partner(
        partner.id, identify=identify, formats=formats, set_list=sets, contacted_at=utcnow()
    )
    return identify


def _identify(client: PartnerClient) -> dict[str, Any]:
    response = client.harvest(verb="Identify")
    try:
        return protocol.parse_identify(response.content)
    except OAIProtocolError as exc:
        raise HarvestError(
            f"Identify failed (HTTP {response.status}): {exc}", url=client.endpoint
        ) from exc


def _optional(fetch):
    """ListMetadataFormats/ListSets: many OPACs answer neither; that never stops a harvest."""
    try:
        return fetch()
    except protocol.OAIError as exc:
        return [] if exc.code == "noSetHierarchy" else None
    except HarvestError:
        return None


def _sets(client: PartnerClient) -> list[dict[str, Any]]:
    sets: list[dict[str, Any]] = []
    params: Request | None = {"verb": "ListSets"}
    seen: set[str] = set()
    for _ in range(MAX_SET_PAGES):
        page, token = protocol.parse_sets(client.harvest(**params).content)
        sets.extend(page)
        if token is None or token.value in seen:
            break
        seen.add(token.value)
        params = next_request(token.value, "ListSets")
        if params is None:
            break
    return sets


def check_prefix(partner: Partner, prefix: str) -> None:
    """Raise :class:`HarvestError` when the provider says it does not offer ``prefix``."""
    offered = [f.get("prefix") for f in partner.formats or []]
    if offered and prefix not in offered:
        raise HarvestError(
            f"{partner.id} does not offer metadata format {prefix!r} (offers: "
            f"{', '.join(offered)})",
            partner=partner.id,
        )
