"""The rights vocabulary: canonical URIs, URL normalising and free-text mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from catalog import rights
from catalog.rights import STATEMENTS, normalise_uri, statement
from catalog.rights_text import map_rights

REPO = Path(__file__).resolve().parents[2]

INC = "http://rightsstatements.org/vocab/InC/1.0/"
PDM = "https://creativecommons.org/publicdomain/mark/1.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
BY = "https://creativecommons.org/licenses/by/4.0/"
BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/"
BY_NC_SA = "https://creativecommons.org/licenses/by-nc-sa/4.0/"


def test_the_vocabulary_has_twelve_statements_and_eight_cc_tools():
    families = [s.family for s in STATEMENTS]
    assert families.count(rights.RIGHTSSTATEMENTS) == 12
    assert families.count(rights.CREATIVE_COMMONS) == 8
    assert len({s.uri for s in STATEMENTS}) == len({s.code for s in STATEMENTS}) == 20
    for s in STATEMENTS:
        if s.family == rights.RIGHTSSTATEMENTS:
            assert s.uri == f"http://rightsstatements.org/vocab/{s.code}/1.0/"
        else:
            assert s.uri.startswith("https://creativecommons.org/") and s.uri.endswith("/")
        assert set(s.labels) == {"en", "id", "ms"} and all(s.labels.values())
        assert (REPO / "static" / s.icon).is_file(), s.icon
        assert statement(s.uri) is s


def test_labels_follow_the_language_with_english_as_fallback():
    inc = statement(INC)
    assert inc.label("en") == "In Copyright"
    assert inc.label("id") == "Hak Cipta Dilindungi"
    assert inc.label("ms") == "Hak Cipta Terpelihara"
    assert inc.label("fr") == inc.label(None) == "In Copyright"
    assert statement(BY).code == "CC BY 4.0"
    assert statement("http://rightsstatements.org/vocab/InC/1.0") is None  # not canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://rightsstatements.org/vocab/InC/1.0/", INC),
        ("https://rightsstatements.org/vocab/InC/1.0", INC),
        ("rightsstatements.org/vocab/inc/1.0/", INC),
        (
            "https://rightsstatements.org/page/NoC-US/1.0/?language=id",
            "http://rightsstatements.org/vocab/NoC-US/1.0/",
        ),
        (
            " <http://www.rightsstatements.org/vocab/UND/1.0/> ",
            "http://rightsstatements.org/vocab/UND/1.0/",
        ),
        ("http://creativecommons.org/licenses/by/4.0", BY),
        ("https://creativecommons.org/licenses/by/4.0/legalcode", BY),
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/deed.id", BY_NC_SA),
        ("https://creativecommons.org/licenses/BY-NC/4.0/legalcode.ms", BY_NC),
        ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", CC0),
        ("https://creativecommons.org/publicdomain/mark/1.0/deed.en", PDM),
        # outside the vocabulary, or not a URL of it
        ("https://creativecommons.org/licenses/by/3.0/id/", None),
        ("https://creativecommons.org/licenses/by/1.0/legalcode", None),
        ("http://rightsstatements.org/vocab/XYZ/1.0/", None),
        ("See https://creativecommons.org/licenses/by/4.0/", None),
        ("https://opensource.org/licenses/MIT", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_uri(text, expected):
    assert normalise_uri(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the phrasings of the demo partners' feeds
        ("Public domain", PDM),
        ("Domain publik", PDM),
        ("Domain awam", PDM),
        ("Domain publik. Salinan digital boleh digunakan dengan menyebut sumber.", PDM),
        ("CC BY-NC 4.0", BY_NC),
        ("CC BY-NC-SA 4.0", BY_NC_SA),
        ("Hak cipta dilindungi", INC),
        ("Hak cipta dilindungi; salinan untuk penelitian.", INC),
        ("Hak cipta terpelihara; untuk penyelidikan sahaja.", INC),
        ("Hak cipta Kerajaan Negeri", None),
        ("Hak cipta pada keluarga fotografer; hanya untuk penelitian.", None),
        ("Hak cipta tidak diketahui; hubungi arsip untuk penggunaan ulang.", None),
        ("Copyright Pustaka Warisan Rajang; research use only.", None),
        ("Akses terbatas: memuat data pribadi.", None),
        ("Koleksi muzium", None),
        # labels and codes in every language, any case and dash
        ("In Copyright", INC),
        (
            "in copyright – educational use permitted",
            "http://rightsstatements.org/vocab/InC-EDU/1.0/",
        ),
        (
            "In Copyright - Rights-holder(s) Unlocatable or Unidentifiable",
            "http://rightsstatements.org/vocab/InC-RUU/1.0/",
        ),
        ("Tanpa Hak Cipta - Amerika Serikat", "http://rightsstatements.org/vocab/NoC-US/1.0/"),
        ("Copyright Not Evaluated", "http://rightsstatements.org/vocab/CNE/1.0/"),
        ("No known copyright restrictions", "http://rightsstatements.org/vocab/NKC/1.0/"),
        ("All rights reserved.", INC),
        ("CC BY 4.0", BY),
        ("CC-BY-4.0", BY),
        ("Creative Commons Attribution 4.0", BY),
        ("Creative Commons Attribution 4.0 International (CC BY 4.0)", BY),
        ("Creative Commons Attribution Non Commercial 4.0 International", BY_NC),
        (
            "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International License",
            BY_NC_SA,
        ),
        (
            "Lisensi Creative Commons Atribusi-NonKomersial-BerbagiSerupa 4.0 Internasional",
            BY_NC_SA,
        ),
        ("Creative Commons Zero v1.0 Universal", CC0),
        ("CC0", CC0),
        # a URI anywhere in the text
        ("Licensed under https://creativecommons.org/licenses/by/4.0/deed.id.", BY),
        ("See http://rightsstatements.org/page/InC/1.0/?language=ms for reuse", INC),
        ("CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)", BY),
        # ambiguous, version-less or outside the vocabulary
        ("CC BY", None),
        ("Creative Commons Attribution", None),
        ("CC BY 3.0", None),
        ("Creative Commons Attribution 1.0 Generic", None),
        ("CC BY-SA-ND 4.0", None),
        ("Public domain; CC BY 4.0", None),
        ("CC BY 4.0 https://creativecommons.org/licenses/by-sa/4.0/", None),
        ("Not in copyright", None),
        ("Public domain in Indonesia, in copyright elsewhere", None),
        ("info:eu-repo/semantics/openAccess", None),
        ("MIT License", None),
        ("", None),
        (None, None),
    ],
)
def test_map_rights(text, expected):
    assert map_rights(text) == expected


def test_every_label_maps_to_its_statement():
    for s in STATEMENTS:
        assert map_rights(s.code) == s.uri
        for label in s.labels.values():
            assert map_rights(label) == s.uri, label
        assert map_rights(s.uri) == s.uri


def test_the_demo_feeds_rights_map_or_stay_free_text():
    records = json.loads((REPO / "demo" / "data" / "records.json").read_text("utf-8"))
    mapped = {r["rights"]: map_rights(r["rights"]) for r in records if r.get("rights")}
    assert mapped["Domain awam"] == mapped["Public domain"] == PDM
    assert mapped["CC BY-NC 4.0"] == BY_NC
    assert mapped["Hak cipta terpelihara"] == INC
    assert mapped["Museum collection"] is None
    assert sum(uri is not None for uri in mapped.values()) >= 8


def test_zenodo_records_rights_values_map_together(testdata_dir):
    """Zenodo gives each record several dc:rights: an access term, the licence's legal
    code URL and its name. Together they map to the licence's canonical URI."""
    path = (
        testdata_dir
        / "oai-pmh"
        / "oaipmh-scythe"
        / "list_records"
        / "05_zenodo_ListRecords_metadataPrefix-oai_dc.xml"
    )
    ns = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
    seen: dict[str | None, int] = {}
    for record in etree.parse(str(path)).iterfind(".//oai:record", ns):
        values = [e.text or "" for e in record.iterfind(".//dc:rights", ns)]
        uri = map_rights("\n".join(values))
        seen[uri] = seen.get(uri, 0) + 1
        licence_urls = [v for v in values if "creativecommons.org/licenses/" in v]
        if any("/4.0/" in v for v in licence_urls):
            assert uri == normalise_uri(licence_urls[0]) is not None
        elif not any("publicdomain/zero" in v for v in values):
            assert uri is None, values
    assert seen.get(BY, 0) > 0
