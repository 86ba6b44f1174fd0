"""What the OAI-PMH provider reads from the catalogue: records in datestamp order, sets.

Every record is exposed, tombstones included (deleted records are persistent); a hidden
record is reported as deleted. The datestamp is ``Record.last_changed``. Sets are
``partner:<id>`` and ``country:<XX>`` under the parent sets ``partner`` and ``country``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import and_, func, or_, select

from catalog.models import Partner, Record
from catalog.store import Catalog


@dataclasses.dataclass(frozen=True)
class Selection:
    """The records a list request asks for: a set and a datestamp range
    (``start`` inclusive, ``end`` exclusive)."""

    set_spec: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def set_specs(record: Record) -> list[str]:
    """The sets a record belongs to."""
    return [f"partner:{record.partner_id}", f"country:{record.partner.country}"]


def is_deleted(record: Record) -> bool:
    return bool(record.deleted or record.hidden)


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


def _filtered(query, selection: Selection):
    spec = selection.set_spec
    if spec and spec.startswith("partner:"):
        query = query.where(Record.partner_id == spec.split(":", 1)[1])
    elif spec and spec.startswith("country:"):
        countries = select(Partner.id).where(Partner.country == spec.split(":", 1)[1])
        query = query.where(Record.partner_id.in_(countries))
    if selection.start is not None:
        query = query.where(Record.last_changed >= selection.start)
    if selection.end is not None:
        query = query.where(Record.last_changed < selection.end)
    return query


def count(catalog: Catalog, selection: Selection) -> int:
    """How many records the selection holds."""
    with catalog.session() as s:
        return s.scalar(_filtered(select(func.count(Record.id)), selection)) or 0


def page(
    catalog: Catalog,
    selection: Selection,
    after: tuple[dt.datetime, int] | None,
    limit: int,
) -> list[Record]:
    """Up to ``limit`` records of the selection after the keyset position ``after``."""
    query = _filtered(select(Record), selection)
    if after is not None:
        changed, last_id = after
        query = query.where(
            or_(
                Record.last_changed > changed,
                and_(Record.last_changed == changed, Record.id > last_id),
            )
        )
    query = query.order_by(Record.last_changed, Record.id).limit(limit)
    with catalog.session() as s:
        return list(s.scalars(query))


def get(catalog: Catalog, record_id: int) -> Record | None:
    with catalog.session() as s:
        return s.get(Record, record_id)


def earliest(catalog: Catalog) -> dt.datetime | None:
    """The oldest datestamp in the repository."""
    with catalog.session() as s:
        return s.scalar(select(func.min(Record.last_changed)))
