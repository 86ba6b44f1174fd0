"""The authored demo data keeps the promises other teams rely on."""

from __future__ import annotations

import re
from collections import Counter

from demo.data import get_partner, load_partners, load_records, oai_identifier, registration

OLD_SPELLING = re.compile(r"oe|dj|tj|nj|sj|ch", re.IGNORECASE)
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_three_partners_three_countries_three_formats():
    partners = load_partners()
    assert {p["country"] for p in partners} == {"MY", "ID", "BN"}
    formats = {p["country"]: p["metadata_prefix"] for p in partners}
    assert formats == {"ID": "oai_dc", "MY": "marcxml", "BN": "mods"}
    for partner in partners:
        assert "(Demo)" in partner["name"]
        assert partner["sets"] == [], "harvest every set of the demo partners"
        assert partner["oai_sets"], partner["id"]


def test_records_have_unique_ids_known_partners_and_sets():
    records = load_records()
    assert 55 <= len(records) <= 65
    ids = Counter((r["partner"], r["id"]) for r in records)
    assert max(ids.values()) == 1
    for record in records:
        partner = get_partner(record["partner"])
        specs = {s["spec"] for s in partner["oai_sets"]}
        assert set(record["sets"]) <= specs, record["id"]
        assert STAMP.match(record["datestamp"]), record["id"]
        assert "2023" <= record["datestamp"][:4] <= "2026"


def test_special_records_exist():
    records = load_records()
    live = [r for r in records if not r.get("deleted")]
    assert 2 <= len(records) - len(live) <= 3
    assert any("<script>alert(1)</script>" in r.get("title", "") for r in live)
    assert [r["id"] for r in live if not r.get("title")] == ["RJG-0009"]
    assert any("title_alt" in r for r in live)


def test_messy_dates_and_languages_and_old_spelling():
    live = load_records(include_deleted=False)
    dates = {r.get("date") for r in live}
    for messy in ("ca. 1920", "1930-an", "[19--]", "abad ke-19", "1890-1910", "1926"):
        assert messy in dates, messy
    languages = {v for r in live for v in r.get("languages", [])}
    for form in ("ind", "id", "Bahasa Indonesia", "may", "msa", "Melayu", "eng", "en"):
        assert form in languages, form
    old = [r for r in live if OLD_SPELLING.search(r.get("title", ""))]
    assert len(old) >= len(live) // 5


def test_digitized_records_have_one_to_three_scans():
    digitized = [r for r in load_records() if r.get("scans")]
    assert 9 <= len(digitized) <= 12
    assert all(1 <= len(r["scans"]) <= 3 for r in digitized)
    assert sum(len(r["scans"]) for r in digitized) >= 18


def test_oai_identifier_uses_partner_namespace():
    partner = get_partner("rajang")
    record = load_records("rajang")[0]
    assert oai_identifier(partner, record) == "oai:pustaka-rajang.example:RJG-0001"


def test_registration_gives_catalogue_partner_columns():
    fields = registration(get_partner("kampong-ayer"), "http://127.0.0.1:8765/")
    assert fields["oai_url"] == "http://127.0.0.1:8765/kampong-ayer/oai"
    assert fields["metadata_prefix"] == "mods"
    assert fields["scan_hosts"] == ["127.0.0.1"]
    assert fields["sets"] == []
    assert fields["institution_type"] == "museum"


def test_registration_is_accepted_by_the_catalogue(sqlite_catalog):
    for partner in load_partners():
        sqlite_catalog.add_partner(partner["id"], **registration(partner, "http://127.0.0.1:8765"))
    stored = sqlite_catalog.get_partner("rajang")
    assert (stored.country, stored.metadata_prefix) == ("MY", "marcxml")
