"""The OAI-PMH provider: every verb, errors, sets, deletes, resumption tokens; every
response validated against the official schemas (``oai-pmh-bundle.xsd``)."""

from __future__ import annotations

import os
import re

import pytest
from lxml import etree

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "m": "http://www.loc.gov/mods/v3",
}


@pytest.fixture(scope="module")
def schema(testdata_dir):
    folder = testdata_dir / "schemas"
    previous = os.environ.get("XML_CATALOG_FILES")
    os.environ["XML_CATALOG_FILES"] = str(folder / "catalog.xml")
    try:
        return etree.XMLSchema(etree.parse(str(folder / "oai-pmh-bundle.xsd")))
    finally:
        if previous is None:
            os.environ.pop("XML_CATALOG_FILES", None)
        else:
            os.environ["XML_CATALOG_FILES"] = previous


@pytest.fixture
def oai(client, schema):
    """GET /oai with arguments; returns the parsed, schema-checked document."""

    def ask(**args):
        response = client.get("/oai", query_string=args)
        assert response.status_code == 200
        assert response.mimetype == "text/xml"
        doc = etree.fromstring(response.data)
        if not schema.validate(doc):
            raise AssertionError(f"invalid OAI-PMH: {schema.error_log}\n{response.data[:3000]!r}")
        return doc

    return ask


def error_code(doc):
    return doc.find("o:error", NS).get("code") if doc.find("o:error", NS) is not None else None


def test_identify(oai, library):
    doc = oai(verb="Identify")
    ident = doc.find("o:Identify", NS)
    assert ident.findtext("o:baseURL", namespaces=NS) == "http://localhost/oai"
    assert ident.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert ident.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.findtext(".//{*}repositoryIdentifier") == "warisan.example"


def test_list_metadata_formats_and_sets(oai, library):
    doc = oai(verb="ListMetadataFormats")
    assert {e.text for e in doc.iterfind(".//o:metadataPrefix", NS)} == {"oai_dc", "mods"}
    doc = oai(verb="ListMetadataFormats", identifier=f"oai:warisan.example:{library.plain}")
    assert doc.find("o:ListMetadataFormats", NS) is not None
    sets = {e.text for e in oai(verb="ListSets").iterfind(".//o:setSpec", NS)}
    assert {"partner:rajang", "partner:khatulistiwa", "country:MY", "country:ID"} <= sets


@pytest.mark.parametrize("prefix", ["oai_dc", "mods"])
def test_get_record_in_both_formats(oai, library, prefix):
    ident = f"oai:warisan.example:{library.manuscript}"
    doc = oai(verb="GetRecord", identifier=ident, metadataPrefix=prefix)
    header = doc.find(".//o:header", NS)
    assert header.findtext("o:identifier", namespaces=NS) == ident
    assert [e.text for e in header.iterfind("o:setSpec", NS)] == ["partner:rajang", "country:MY"]
    text = etree.tostring(doc, encoding="unicode")
    assert "Hikajat Radja-Radja Sambas" in text and "Chronicle of the Kings of Sambas" in text
    assert f"http://localhost/records/{library.manuscript}" in text


def test_hostile_title_is_escaped_xml(oai, library):
    doc = oai(
        verb="GetRecord",
        identifier=f"oai:warisan.example:{library.hostile}",
        metadataPrefix="oai_dc",
    )
    assert doc.findtext(".//dc:title", namespaces=NS) == 'Surat <script>alert("x")</script> & co'


def test_deleted_records_are_persistent(oai, library):
    doc = oai(
        verb="GetRecord",
        identifier=f"oai:warisan.example:{library.deleted}",
        metadataPrefix="oai_dc",
    )
    header = doc.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert doc.find(".//o:metadata", NS) is None
    listed = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    statuses = {
        h.findtext("o:identifier", namespaces=NS): h.get("status")
        for h in listed.iterfind(".//o:header", NS)
    }
    assert statuses[f"oai:warisan.example:{library.deleted}"] == "deleted"
    assert len(statuses) == 4


def test_sets_select_records(oai, library):
    doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="country:ID")
    assert [h.findtext("o:identifier", namespaces=NS) for h in doc.iterfind(".//o:header", NS)] == [
        f"oai:warisan.example:{library.plain}"
    ]
    doc = oai(verb="ListRecords", metadataPrefix="mods", set="partner:rajang")
    assert len(doc.findall(".//o:record", NS)) == 3


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-45"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2021-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "partner:nobody"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "1990-01-01"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:warisan.example:999999",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "identifier": "oai:elsewhere:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
    ],
)
def test_protocol_errors(oai, library, args, code):
    doc = oai(**args)
    assert error_code(doc) == code
    if code in ("badVerb", "badArgument"):
        assert dict(doc.find("o:request", NS).attrib) == {}


def test_repeated_argument_is_bad(client, library, schema):
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=mods")
    doc = etree.fromstring(response.data)
    assert schema.validate(doc) and error_code(doc) == "badArgument"


def test_post_requests_are_answered(client, library, schema):
    response = client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    doc = etree.fromstring(response.data)
    assert schema.validate(doc) and len(doc.findall(".//o:header", NS)) == 4


def test_resumption_tokens_page_through_everything_once(app, oai, library):
    app.config["OAI_PAGE_SIZE"] = 1
    seen, token, cursors = [], None, []
    while True:
        args = {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"}
        doc = oai(verb="ListRecords", **args)
        seen += [e.text for e in doc.iterfind(".//o:header/o:identifier", NS)]
        element = doc.find(".//o:resumptionToken", NS)
        assert element.get("completeListSize") == "4"
        cursors.append(element.get("cursor"))
        token = element.text
        if not token:
            break
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", element.get("expirationDate"))
    assert len(seen) == len(set(seen)) == 4
    assert cursors == ["0", "1", "2", "3"]


def test_token_of_another_verb_or_expired_is_refused(app, oai, library):
    app.config["OAI_PAGE_SIZE"] = 1
    token = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
        ".//o:resumptionToken", namespaces=NS
    )
    assert error_code(oai(verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    app.config["OAI_TOKEN_TTL"] = -1
    assert error_code(oai(verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"


def test_from_until_select_by_datestamp(oai, library):
    doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    stamps = sorted(e.text for e in doc.iterfind(".//o:datestamp", NS))
    day = stamps[0][:10]
    assert (
        len(
            oai(
                verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": day, "until": day}
            ).findall(".//o:header", NS)
        )
        == 4
    )
    assert (
        error_code(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
        == "noRecordsMatch"
    )


def test_provider_errors_are_warisan_errors_with_a_code():
    from catalog.errors import OAIRequestError, WarisanError
    from portal.oai import tokens

    with pytest.raises(tokens.TokenError) as caught:
        tokens.decode("forged", "secret", 60)
    error = caught.value
    assert isinstance(error, OAIRequestError) and isinstance(error, WarisanError)
    assert error.code == "badResumptionToken" and error.status == 200
    assert error.to_dict()["code"] == "badResumptionToken" and not error.expired
