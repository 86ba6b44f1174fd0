"""The demo corpus (``demo/data``) loaded straight into a catalogue for relevance work.

Records go through the real path (:meth:`Catalog.upsert_records` with :class:`RecordData`)
and pages get the demo scans' text with laid-out word boxes; no harvest is needed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from catalog.models import RECORD_TYPES
from catalog.records import RecordData
from catalog.store import Catalog
from tests.search.corpus import add_pages

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
LANGUAGES = {
    "melayu": "msa",
    "may": "msa",
    "ms": "msa",
    "msa": "msa",
    "ind": "ind",
    "id": "ind",
    "bahasa indonesia": "ind",
    "en": "eng",
    "eng": "eng",
    "dut": "nld",
    "belanda": "nld",
}
TYPES = {"photograph": "image", "oral-history": "audio"}


def available() -> bool:
    return (DATA / "records.json").exists() and (DATA / "pages.json").exists()


def record_data(raw: dict) -> RecordData:
    """A demo record as the catalogue's :class:`RecordData`."""
    alt = raw.get("title_alt") or {}
    title = raw.get("title") or alt.get("text")
    titles = ({"value": alt["text"], "lang": alt.get("lang")},) if alt.get("text") else ()
    year = re.search(r"\b(1[5-9]\d\d|20\d\d)", raw.get("date") or "")
    kind = TYPES.get(raw.get("type") or "", raw.get("type") or "other")
    return RecordData(
        raw["id"],
        deleted=bool(raw.get("deleted")),
        title=title,
        titles=titles,
        creators=tuple(raw.get("creators") or ()),
        subjects=tuple(raw.get("subjects") or ()),
        description=raw.get("description"),
        date_original=raw.get("date"),
        year_from=int(year.group(1)) if year else None,
        type=kind if kind in RECORD_TYPES else "other",
        languages=tuple(
            dict.fromkeys(
                LANGUAGES.get(code.lower(), code.lower()) for code in raw.get("languages") or ()
            )
        ),
    )


def load(catalog: Catalog) -> dict[str, int]:
    """Partners, records and page texts of the demo; returns record ids by demo id."""
    partners = json.loads((DATA / "partners.json").read_text(encoding="utf-8"))
    records = json.loads((DATA / "records.json").read_text(encoding="utf-8"))
    ids: dict[str, int] = {}
    for partner in partners:
        catalog.add_partner(partner["id"], name=partner["name"], country=partner["country"])
        items = [record_data(r) for r in records if r["partner"] == partner["id"]]
        ids.update(
            {o.oai_identifier: o.record_id for o in catalog.upsert_records(partner["id"], items)}
        )
    pages: dict[str, list[dict]] = {}
    for page in json.loads((DATA / "pages.json").read_text(encoding="utf-8")):
        pages.setdefault(page["record"], []).append(page)
    for demo_id, items in pages.items():
        texts = ["\n\n".join([p["heading"], *p["paragraphs"]]) for p in items]
        add_pages(catalog, ids[demo_id], texts, items[0].get("language"))
    return ids
