"""The demo OAI-PMH server answers every verb correctly, driven by sickle."""

from __future__ import annotations

import pytest
import requests
from lxml import etree
from sickle import Sickle

from demo.data import load_partners, load_records, oai_identifier

from .conftest import PAGE_SIZE

PARTNERS = {p["id"]: p for p in load_partners()}
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def _sickle(server, partner_id):
    return Sickle(server.oai_url(partner_id), max_retries=1, timeout=10)


def _get(server, partner_id, **params):
    response = requests.get(server.oai_url(partner_id), params=params, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


@pytest.mark.parametrize("partner_id", sorted(PARTNERS))
def test_identify(demo_server, partner_id):
    identify = _sickle(demo_server, partner_id).Identify()
    assert identify.baseURL == demo_server.oai_url(partner_id)
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    earliest = min(r["datestamp"] for r in load_records(partner_id))
    assert identify.earliestDatestamp == earliest


@pytest.mark.parametrize("partner_id", sorted(PARTNERS))
def test_list_metadata_formats_and_sets(demo_server, partner_id):
    client = _sickle(demo_server, partner_id)
    prefixes = {f.metadataPrefix for f in client.ListMetadataFormats()}
    assert prefixes == {"oai_dc", PARTNERS[partner_id]["metadata_prefix"]}
    specs = [s.setSpec for s in client.ListSets()]
    assert specs == [s["spec"] for s in PARTNERS[partner_id]["oai_sets"]]


@pytest.mark.parametrize("partner_id", sorted(PARTNERS))
def test_paging_returns_every_record_once_and_deleted_as_deleted(demo_server, partner_id):
    prefix = PARTNERS[partner_id]["metadata_prefix"]
    records = list(
        _sickle(demo_server, partner_id).ListRecords(metadataPrefix=prefix, ignore_deleted=False)
    )
    expected = load_records(partner_id)
    assert len(expected) > PAGE_SIZE
    got = [r.header.identifier for r in records]
    assert sorted(got) == sorted(oai_identifier(PARTNERS[partner_id], r) for r in expected)
    deleted = {r.header.identifier for r in records if r.header.deleted}
    assert deleted == {
        oai_identifier(PARTNERS[partner_id], r) for r in expected if r.get("deleted")
    }
    assert all(bool(getattr(r, "metadata", None)) != r.header.deleted for r in records)


def test_resumption_tokens_carry_size_and_cursor_and_end_empty(demo_server, oai_schema):
    total = len(load_records("rajang"))
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    seen, cursors = 0, []
    while True:
        root = _get(demo_server, "rajang", **params)
        assert oai_schema.validate(root), oai_schema.error_log.filter_from_errors()[:3]
        listing = root.find(f"{OAI}ListIdentifiers")
        token = listing.find(f"{OAI}resumptionToken")
        seen += len(listing.findall(f"{OAI}header"))
        assert token.get("completeListSize") == str(total)
        cursors.append(int(token.get("cursor")))
        if not token.text:
            break
        params = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert seen == total
    assert cursors == list(range(0, total, PAGE_SIZE))


def test_single_page_list_has_no_token(demo_server):
    listing = _get(demo_server, "rajang", verb="ListSets").find(f"{OAI}ListSets")
    assert listing.find(f"{OAI}resumptionToken") is None


def test_from_until_and_set_filters(demo_server):
    client = _sickle(demo_server, "kampong-ayer")
    since = "2025-06-01T00:00:00Z"
    got = {
        h.identifier
        for h in client.ListIdentifiers(
            metadataPrefix="mods", ignore_deleted=False, **{"from": since}
        )
    }
    records = load_records("kampong-ayer")
    partner = PARTNERS["kampong-ayer"]
    assert got == {oai_identifier(partner, r) for r in records if r["datestamp"] >= since}
    window = client.ListIdentifiers(
        metadataPrefix="mods", **{"from": "2024-01-01", "until": "2024-12-31"}
    )
    assert {h.datestamp[:4] for h in window} == {"2024"}
    in_set = list(client.ListIdentifiers(metadataPrefix="mods", set="artefak"))
    assert in_set and all("artefak" in h.setSpecs for h in in_set)


def test_get_record_and_deleted_record(demo_server):
    client = _sickle(demo_server, "khatulistiwa")
    record = client.GetRecord(
        identifier="oai:arsip-khatulistiwa.example:KHA-0003", metadataPrefix="oai_dc"
    )
    assert record.metadata["title"] == [
        "Tjerita Kapal Api di Soengai Kapoeas",
        "A Tale of the Steamboat on the Kapuas River",
    ]
    gone = client.GetRecord(
        identifier="oai:arsip-khatulistiwa.example:KHA-0012", metadataPrefix="oai_dc"
    )
    assert gone.header.deleted


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"verb": "Nonsense"}, "badVerb"),
        ({"verb": "GetMetadata", "identifier": "x", "metadataPrefix": "oai_dc"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-45"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "no-such-set"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01T00:00:00Z"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "metadataPrefix%3Doai_dc%26cursor%3D999"},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "metadataPrefix=oai_dc&from_=x&cursor=7"},
            "badResumptionToken",
        ),
        ({"verb": "ListRecords", "resumptionToken": "cursor=7&colour=red"}, "badResumptionToken"),
        ({"verb": "Identify", "resumptionToken": "cursor=7"}, "badArgument"),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:arsip-khatulistiwa.example:KHA-0001",
                "metadataPrefix": "mods",
            },
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "identifier": "oai:nowhere:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:nowhere:1"}, "idDoesNotExist"),
    ],
)
def test_protocol_errors(demo_server, params, code):
    root = _get(demo_server, "khatulistiwa", **params)
    assert [e.get("code") for e in root.findall(f"{OAI}error")] == [code]


def test_repeated_argument_is_bad_argument(demo_server):
    url = demo_server.oai_url("khatulistiwa") + "?verb=Identify&verb=Identify"
    root = etree.fromstring(requests.get(url, timeout=10).content)
    assert root.find(f"{OAI}error").get("code") == "badArgument"


def test_post_is_accepted(demo_server):
    url = demo_server.oai_url("rajang")
    response = requests.post(url, data={"verb": "Identify"}, timeout=10)
    assert etree.fromstring(response.content).find(f"{OAI}Identify") is not None


@pytest.mark.parametrize("partner_id", sorted(PARTNERS))
def test_every_response_is_schema_valid(demo_server, oai_schema, partner_id):
    prefix = PARTNERS[partner_id]["metadata_prefix"]
    for params in (
        {"verb": "Identify"},
        {"verb": "ListSets"},
        {"verb": "ListMetadataFormats"},
        {"verb": "ListRecords", "metadataPrefix": prefix},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": "nope"},
    ):
        root = _get(demo_server, partner_id, **params)
        assert oai_schema.validate(root), (params, oai_schema.error_log.filter_from_errors()[:3])


def test_scans_are_served_and_paths_are_confined(demo_server, scans_dir):
    name = sorted(p.name for p in scans_dir.glob("*.png"))[0]
    response = requests.get(f"{demo_server.url}/scans/{name}", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    assert response.content == (scans_dir / name).read_bytes()
    head = requests.head(f"{demo_server.url}/scans/{name}", timeout=10)
    assert head.status_code == 200 and head.content == b""
    for bad in ("missing.png", "..%2Fsecret", "%2E%2E"):
        assert requests.get(f"{demo_server.url}/scans/{bad}", timeout=10).status_code == 404


def test_unknown_paths_are_404(demo_server):
    assert (
        requests.get(f"{demo_server.url}/nobody/oai?verb=Identify", timeout=10).status_code == 404
    )
    assert requests.get(demo_server.url + "/", timeout=10).status_code == 200
