"""Partner registration: which ids, countries, kinds and feed settings are acceptable.

The Session functions (:func:`add_partner`, :func:`update_partner`) do the work inside
a caller's transaction; :func:`register_partner` and :func:`change_partner` are the
audited versions people use (the CLI, the workspace), each one transaction writing one
audit event with the fields set or changed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.audit import Actor, record_audit
from catalog.errors import Conflict, InvalidInput, NotFound
from catalog.models import INSTITUTION_TYPES, Partner

if TYPE_CHECKING:
    from catalog.store import Catalog

PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


def validate_partner(partner_id: str, fields: dict[str, Any]) -> None:
    """Raise :class:`InvalidInput` when a partner's id or columns are not acceptable."""
    if not PARTNER_ID.match(partner_id or ""):
        raise InvalidInput(
            "partner id must be 2-63 lowercase letters, digits or '-'", partner=partner_id
        )
    if not fields.get("name"):
        raise InvalidInput("partner needs a name", partner=partner_id)
    country = fields.get("country") or ""
    if not COUNTRY.match(country):
        raise InvalidInput(
            f"country must be an ISO 3166-1 alpha-2 code like MY, ID or BN, not {country!r}",
            partner=partner_id,
        )
    kind = fields.get("institution_type") or "library"
    if kind not in INSTITUTION_TYPES:
        raise InvalidInput(
            f"institution type must be one of {', '.join(INSTITUTION_TYPES)}", partner=partner_id
        )
    url = fields.get("oai_url")
    if url and not re.match(r"^https?://[^\s/]+", url):
        raise InvalidInput(f"OAI base URL must be http(s)://…, not {url!r}", partner=partner_id)
    delay = fields.get("politeness_delay")
    if delay is not None and not 0 <= float(delay) <= 600:
        raise InvalidInput("politeness delay must be between 0 and 600 seconds", partner=partner_id)


def add_partner(session: Session, partner_id: str, fields: dict[str, Any]) -> Partner:
    """Register a partner; :class:`InvalidInput` or :class:`Conflict` when it cannot be."""
    validate_partner(partner_id, fields)
    if session.get(Partner, partner_id) is not None:
        raise Conflict(f"partner {partner_id!r} already exists", partner=partner_id)
    partner = Partner(id=partner_id, **fields)
    session.add(partner)
    return partner


def update_partner(session: Session, partner_id: str, fields: dict[str, Any]) -> Partner:
    """Change some columns of a partner, validated as a whole."""
    partner = get_partner(session, partner_id)
    validate_partner(partner_id, {**_partner_dict(partner), **fields})
    for key, value in fields.items():
        setattr(partner, key, value)
    return partner


def register_partner(
    catalog: Catalog, partner_id: str, fields: dict[str, Any], actor: Actor
) -> Partner:
    """Register a partner and audit it (``partner.create``, the fields given as
    ``after``); :class:`InvalidInput` or :class:`Conflict` as :func:`add_partner`."""
    with catalog.session() as s:
        partner = add_partner(s, partner_id, fields)
        after = {key: value for key, value in fields.items() if value not in (None, "", [])}
        record_audit(
            s, actor, "partner.create", ("partner", partner_id), None, after, partner_id=partner_id
        )
        return partner


def change_partner(
    catalog: Catalog, partner_id: str, fields: dict[str, Any], actor: Actor
) -> dict[str, tuple[Any, Any]]:
    """Change some columns of a partner and audit it (``partner.update``, the changed
    columns only, before and after); returns ``{column: (before, after)}``, empty when
    nothing changed (and then nothing is audited)."""
    with catalog.session() as s:
        partner = get_partner(s, partner_id)
        changed = {
            key: (getattr(partner, key), value)
            for key, value in fields.items()
            if getattr(partner, key) != value
        }
        if not changed:
            return {}
        update_partner(s, partner_id, {key: new for key, (_old, new) in changed.items()})
        record_audit(
            s,
            actor,
            "partner.update",
            ("partner", partner_id),
            {key: old for key, (old, _new) in changed.items()},
            {key: new for key, (_old, new) in changed.items()},
            partner_id=partner_id,
        )
        return changed


def get_partner(session: Session, partner_id: str) -> Partner:
    """The partner with this id, or :class:`NotFound`."""
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"no partner {partner_id!r}", partner=partner_id)
    return partner


def list_partners(session: Session, *, active_only: bool = False) -> list[Partner]:
    """All partners, ordered by country then name."""
    query = select(Partner).order_by(Partner.country, Partner.name)
    if active_only:
        query = query.where(Partner.active.is_(True))
    return list(session.scalars(query))


def _partner_dict(partner: Partner) -> dict[str, Any]:
    return {c.key: getattr(partner, c.key) for c in Partner.__table__.columns}
