"""Load the authored demo partners and records (``partners.json``, ``records.json``).

The JSON files in this folder are the source of truth and are meant to be edited by
hand. Loaders return fresh copies, so callers may mutate what they get.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DATA_DIR = Path(__file__).resolve().parent

Record = dict[str, Any]
Partner = dict[str, Any]


def _read(name: str) -> Any:
    """Parse one JSON file of this folder."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_partners() -> list[Partner]:
    """Return the demo partners in file order (list of dicts, see ``partners.json``)."""
    return _read("partners.json")


def get_partner(partner_id: str) -> Partner:
    """Return the partner with this id; raise ``KeyError`` if there is none."""
    for partner in load_partners():
        if partner["id"] == partner_id:
            return partner
    raise KeyError(partner_id)


def load_records(partner_id: str | None = None, *, include_deleted: bool = True) -> list[Record]:
    """Return demo records in file order, optionally of one partner only.

    Deleted records (``"deleted": true``) carry only their header fields
    (``partner``, ``id``, ``datestamp``, ``sets``); leave them out with
    ``include_deleted=False``.
    """
    records = _read("records.json")
    if partner_id is not None:
        records = [r for r in records if r["partner"] == partner_id]
    if not include_deleted:
        records = [r for r in records if not r.get("deleted")]
    return records


def oai_identifier(partner: Partner, record: Record) -> str:
    """Return the OAI identifier of a record, ``oai:<partner oai_namespace>:<record id>``."""
    return f"oai:{partner['oai_namespace']}:{record['id']}"


def registration(partner: Partner, base_url: str) -> dict[str, Any]:
    """Keyword arguments that register a demo partner in the catalogue.

    Meant for ``Catalog.add_partner(partner["id"], **registration(partner, server.url))``
    against a running demo server at ``base_url``: its OAI URL, the format to harvest,
    no set filter (harvest everything), the server's host allowed for scans, and no
    politeness delay (the server is local).
    """
    base = base_url.rstrip("/")
    keys = ("name", "country", "region", "institution_type", "metadata_prefix", "website")
    return {
        **{key: partner[key] for key in keys},
        "oai_url": f"{base}/{partner['id']}/oai",
        "sets": list(partner["sets"]),
        "scan_hosts": [urlsplit(base).hostname],
        "politeness_delay": 0.0,
    }
