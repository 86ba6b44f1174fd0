"""Hardened parsing, OAI-PMH reading and schema checks on recorded real responses."""

from __future__ import annotations

import csv

import pytest
from lxml import etree

from harvester import xmlsafe
from harvester.client import PartnerClient, retry_after
from harvester.protocol import OAIError, parse_datestamp, parse_identify, parse_page
from tests.harvester.feedgen import SyntheticFeed
from tests.harvester.servers import Reply

ENVELOPE = (
    b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00'
    b":00Z</responseDate><request>http://x.example/oai</request><ListRecords>%s"
    b"</ListRecords></OAI-PMH>"
)


class _Catalog(etree.Resolver):
    def __init__(self, schemas):
        catalog = etree.parse(str(schemas / "catalog.xml")).getroot()
        self.map = {
            (e.get("name") or e.get("systemId")): str(schemas / e.get("uri")) for e in catalog
        }

    def resolve(self, url, pubid, context):
        return self.resolve_filename(self.map[url], context) if url in self.map else None


@pytest.fixture(scope="session")
def oai_schema(testdata_dir):
    """The OAI-PMH + oai_dc + MARC21 + MODS schemas, resolved offline."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Catalog(testdata_dir / "schemas"))
    return etree.XMLSchema(
        etree.parse(str(testdata_dir / "schemas" / "oai-pmh-bundle.xsd"), parser)
    )


def _claimed_valid(oai_dir):
    with open(oai_dir / "VALIDATION.csv", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["schema_valid"] == "yes"]


def test_fixtures_that_claim_validity_are_valid_and_read(oai_dir, oai_schema):
    rows = _claimed_valid(oai_dir)
    assert len(rows) > 40
    for row in rows:
        content = (oai_dir / row["file"]).read_bytes()
        assert oai_schema.validate(etree.fromstring(content)), row["file"]
        payload = row["payload"]
        if payload.startswith("error:"):
            with pytest.raises(OAIError) as caught:
                parse_page(content)
            assert caught.value.code == payload.removeprefix("error:"), row["file"]
        elif payload in ("ListRecords", "ListIdentifiers"):
            page = parse_page(content)
            assert page.records or page.headers, row["file"]


def test_kept_raw_records_are_still_valid(oai_dir, oai_schema):
    for row in _claimed_valid(oai_dir):
        if row["payload"] != "ListRecords":
            continue
        for record in parse_page((oai_dir / row["file"]).read_bytes()).records:
            wrapped = etree.fromstring(ENVELOPE % record.raw)
            assert oai_schema.validate(wrapped), (row["file"], oai_schema.error_log.last_error)


def test_the_synthetic_test_feed_is_valid_oai_pmh(oai_schema):
    feed = SyntheticFeed(25, page_size=10, scan_host="127.0.0.1")
    feed.change([3], delete=True)
    for query in (
        {"verb": "Identify"},
        {"verb": "ListMetadataFormats"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
    ):
        body = feed.respond(query).body
        assert oai_schema.validate(etree.fromstring(body)), oai_schema.error_log.last_error


@pytest.mark.parametrize(
    "name",
    [
        "badArgument",
        "badResumptionToken",
        "cannotDisseminateFormat",
        "idDoesNotExist",
        "noRecordsMatch",
        "noSetHierarchy",
        "undefinedError",
    ],
)
def test_sickle_error_code_set(oai_dir, name):
    with pytest.raises(OAIError) as caught:
        parse_page((oai_dir / "sickle" / f"{name}.xml").read_bytes())
    assert caught.value.code == name


@pytest.mark.parametrize(
    "path",
    [
        "sickle/ListRecordsBroken.xml",
        "pyoai-erasmus-dspace/fake3/00001.xml",
        "pyoai-erasmus-dspace/fake4/00001.xml",
        "oaipmh-scythe/identify/00_httpbun_Identify.html",
    ],
)
def test_broken_recordings_are_refused_never_recovered(oai_dir, path):
    with pytest.raises(xmlsafe.UnparsableXML):
        parse_page((oai_dir / path).read_bytes())


def test_identify_of_real_providers(oai_dir):
    zenodo = parse_identify(
        (oai_dir / "oaipmh-scythe/identify/02_zenodo_Identify.xml").read_bytes()
    )
    assert zenodo["granularity"] == "YYYY-MM-DDThh:mm:ssZ" and zenodo["deletedRecord"] == "no"
    sickle = parse_identify((oai_dir / "sickle/Identify.xml").read_bytes())
    assert sickle["granularity"] in ("YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ")
    bad = parse_identify((oai_dir / "pyoai-erasmus-dspace/fake5/00001.xml").read_bytes())
    assert bad["earliestDatestamp"] == "aaaa-bb-cc"  # kept as text, never trusted
    assert parse_datestamp(bad["earliestDatestamp"]) is None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><x>&lol2;</x></OAI-PMH>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><x>&xxe;</x></OAI-PMH>"""
PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"/>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE, PARAMETER])
def test_entity_declarations_are_refused(document):
    with pytest.raises(xmlsafe.HostileXML, match="declares entities"):
        parse_page(document)


def test_an_external_dtd_is_refused_before_libxml2_could_read_it():
    # libxml2 reads an external subset to look up an undefined entity even with load_dtd
    # off (it opened /etc/passwd here before this check existed)
    document = (
        b'<!DOCTYPE OAI-PMH SYSTEM "file:///etc/passwd"><OAI-PMH xmlns="http://www.'
        b'openarchives.org/OAI/2.0/"><x>&undefined;</x></OAI-PMH>'
    )
    with pytest.raises(xmlsafe.HostileXML, match="external DTD"):
        parse_page(document)


def test_an_undefined_entity_without_a_doctype_fails_to_parse():
    document = b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><x>&nope;</x></OAI-PMH>'
    with pytest.raises(xmlsafe.UnparsableXML, match="nope"):
        parse_page(document)


def test_illegal_characters_and_bad_utf8_are_cleaned():
    dirty = "<a>Ko\x01ta \x1fSing&#x1;kawang &#8; caf\u00e9</a>".encode() + b"<!-- \xff -->"
    cleaned = xmlsafe.clean(dirty)
    assert cleaned.removed_chars > 0 and cleaned.replaced_utf8
    assert xmlsafe.parse(cleaned.data).text == "Kota Singkawang  café"


def test_utf16_documents_are_read():
    text = '<?xml version="1.0" encoding="UTF-16"?><a>Pontianak\x02</a>'
    element = xmlsafe.parse(xmlsafe.clean(text.encode("utf-16")).data)
    assert element.text == "Pontianak"


def test_broken_utf16_is_replaced_not_fatal():
    head = '<?xml version="1.0" encoding="UTF-16"?><a>Sam'.encode("utf-16-le")
    data = b"\xff\xfe" + head + b"\x00\xd8" + "bas</a>".encode("utf-16-le")  # lone surrogate
    assert xmlsafe.parse(xmlsafe.clean(data).data).text == "Sam\ufffdbas"


def test_a_parser_that_recovers_is_never_used():
    parser = xmlsafe.make_parser()
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(b"<a><b></a>", parser)


def test_retry_after_in_seconds_and_http_dates():
    assert retry_after("120") == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_politeness_delay_between_requests(serve, settings):
    import dataclasses

    server = serve(lambda q, n: Reply(SyntheticFeed(1).respond(q).body))
    waits: list[float] = []
    polite = dataclasses.replace(settings, politeness_delay=None)
    client = PartnerClient(server.url + "/oai", polite, delay=30.0, sleep=waits.append)
    client.harvest(verb="Identify")
    client.harvest(verb="Identify")
    assert len(waits) == 1 and 29 < waits[0] <= 30.0
    assert server.paths == ["/oai", "/oai"]
    client.close()


def test_every_request_has_a_timeout_and_a_size_cap(serve, settings):
    import dataclasses

    from catalog.errors import HarvestError

    server = serve(lambda q, n: Reply(b"<a>" + b"x" * 5000 + b"</a>"))
    small = dataclasses.replace(settings, max_page_bytes=2048)
    client = PartnerClient(server.url, small)
    with pytest.raises(HarvestError, match="larger than 2048 bytes"):
        client.harvest(verb="Identify")
    client.close()
