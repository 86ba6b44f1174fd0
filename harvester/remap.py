"""``warisan remap``: map a partner's stored raw XML again, without harvesting.

Use after a mapping improves. Each record's raw ``<record>`` XML (kept at harvest time)
is parsed with the hardened parser and mapped with the current code; upserts are
idempotent, so records whose mapped fields did not change stay untouched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sqlalchemy import select

from catalog.models import RawXml, Record
from catalog.store import Catalog
from catalog.upload_models import RecordOrigin
from harvester import xmlsafe
from harvester.mapping import MappingError, map_record
from harvester.protocol import OAI, record_from_element

BATCH = 200


@dataclasses.dataclass
class RemapReport:
    """What a remap changed: counts per action and the ids to reindex."""

    partner_id: str
    counts: dict[str, int]
    changed_record_ids: list[int]
    errors: list[str]


def remap_partner(
    catalog: Catalog, partner_id: str, *, progress: Callable[[int, int], None] | None = None
) -> RemapReport:
    """Re-map every live harvested record of a partner that has raw XML; returns what
    changed (records uploaded or catalogued in the workspace are left as they are)."""
    catalog.get_partner(partner_id)
    with catalog.session() as s:
        rows = s.execute(
            select(Record.id, Record.source_format, Record.raw_xml_id)
            .where(
                Record.partner_id == partner_id,
                Record.deleted.is_(False),
                Record.raw_xml_id.is_not(None),
                Record.origin == RecordOrigin.HARVESTED,
            )
            .order_by(Record.id)
        ).all()
    counts = {"new": 0, "updated": 0, "unchanged": 0, "deleted": 0, "kept": 0, "failed": 0}
    changed: list[int] = []
    errors: list[str] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        items = []
        for record_id, fmt, raw_id in batch:
            try:
                items.append(_remap_one(catalog, raw_id, fmt or "oai_dc"))
            except (MappingError, xmlsafe.UnparsableXML, xmlsafe.HostileXML) as exc:
                counts["failed"] += 1
                errors.append(f"record {record_id}: {exc}")
        for outcome in catalog.upsert_records(partner_id, items, origin=RecordOrigin.HARVESTED):
            counts[outcome.action] += 1
            if outcome.action not in ("unchanged", "kept"):
                changed.append(outcome.record_id)
        if progress:
            progress(min(start + BATCH, len(rows)), len(rows))
    return RemapReport(partner_id, counts, changed, errors)


def _remap_one(catalog: Catalog, raw_id: int, fmt: str):
    with catalog.session() as s:
        content = s.get(RawXml, raw_id).content
    element = xmlsafe.parse(xmlsafe.clean(content).data)
    if element.tag != f"{{{OAI}}}record":
        raise xmlsafe.UnparsableXML(f"stored raw XML is not an OAI record ({element.tag})")
    return map_record(record_from_element(element), fmt)


__all__ = ["RemapReport", "remap_partner"]
