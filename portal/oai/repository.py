"""How the OAI-PMH provider presents the catalogue: its sets, and which records it
reports as deleted. The records themselves come from the read model
(:mod:`catalog.queries`: ``Changes`` and the queries over them).

Every record is exposed, tombstones included (deleted records are persistent); a record
that is not publicly visible is reported as deleted. The datestamp is
``Record.last_changed``. Sets are ``partner:<id>`` and ``country:<XX>`` under the parent
sets ``partner`` and ``country``.
"""

from __future__ import annotations

import datetime as dt

from catalog.models import Record
from catalog.queries import Changes, is_visible
from catalog.store import Catalog


def changes(set_spec: str | None, start: dt.datetime | None, end: dt.datetime | None) -> Changes:
    """The records a list request asks for: a set and a datestamp range (``start``
    inclusive, ``end`` exclusive); a parent set selects every record."""
    partner_id = country = None
    if set_spec and set_spec.startswith("partner:"):
        partner_id = set_spec.split(":", 1)[1]
    elif set_spec and set_spec.startswith("country:"):
        country = set_spec.split(":", 1)[1]
    return Changes(partner_id=partner_id, country=country, start=start, end=end)


def set_specs(record: Record) -> list[str]:
    """The sets a record belongs to."""
    return [f"partner:{record.partner_id}", f"country:{record.partner.country}"]


def is_deleted(record: Record) -> bool:
    """Whether the record is reported as deleted (it is not publicly visible)."""
    return not is_visible(record)


def known_set(catalog: Catalog, spec: str) -> bool:
    """Whether ``spec`` names one of our sets."""
    return spec in {s for s, _ in list_sets(catalog)}


COUNTRY_NAMES = {"MY": "Malaysia", "ID": "Indonesia", "BN": "Brunei Darussalam"}


def list_sets(catalog: Catalog) -> list[tuple[str, str]]:
    """Every set as ``(setSpec, setName)``: parents, then each partner and country."""
    partners = catalog.list_partners()
    sets = [("partner", "Partner institutions"), ("country", "Countries")]
    sets += [(f"partner:{p.id}", p.name) for p in partners]
    for country in sorted({p.country for p in partners}):
        sets.append((f"country:{country}", COUNTRY_NAMES.get(country, country)))
    return sets
