"""Reading OAI-PMH responses: errors, records, resumption tokens, Identify and lists.

Everything here is pure: bytes in (through :mod:`harvester.xmlsafe`), our own frozen
types out (:class:`HarvestedRecord`, :class:`ListResponse`). An error a feed reports
becomes :class:`OAIError` with the protocol's ``code``.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import re

from lxml import etree

from catalog.errors import OAIProtocolError
from harvester import xmlsafe

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"oai": OAI}
_Q = f"{{{OAI}}}"


class OAIError(OAIProtocolError):
    """A partner's feed answered with an OAI-PMH ``<error code=…>``; ``code`` names it.

    (Errors of the portal's own provider are :class:`catalog.errors.OAIRequestError`.)
    """

    def __init__(self, code: str, message: str, **fields) -> None:
        super().__init__(f"OAI-PMH error {code}: {message}".rstrip(": "), code=code, **fields)
        self.code = code
        self.reason = message

    def __reduce__(self):
        # Picklable (it crosses from the page fetching process to the walk).
        return (type(self), (self.code, self.reason), {"fields": self.fields})


@dataclasses.dataclass(frozen=True)
class HarvestedRecord:
    """One record of a ListRecords page, before mapping.

    ``datestamp`` is naive UTC or None (some feeds send ``<datestamp/>``); ``metadata`` is
    the serialised first child of ``<metadata>`` (None for deleted records); ``raw`` the
    whole ``<record>`` element as bytes (kept for re-mapping).
    """

    identifier: str
    datestamp: dt.datetime | None
    datestamp_text: str
    deleted: bool
    sets: tuple[str, ...]
    metadata: etree._Element | None
    raw: bytes

    def __reduce__(self):
        # Pickled (to cross from the page fetching process) without its lxml element:
        # mapping is done by then, and ``raw`` keeps the XML.
        return (copyreg.__newobj__, (type(self),), dict(self.__dict__, metadata=None))


@dataclasses.dataclass(frozen=True)
class Token:
    """A resumption token: empty ``value`` means the list is complete."""

    value: str
    cursor: int | None = None
    complete_list_size: int | None = None


@dataclasses.dataclass(frozen=True)
class ListResponse:
    """One ListRecords or ListIdentifiers response: its items and what comes next."""

    records: tuple[HarvestedRecord, ...]
    headers: tuple[HarvestedRecord, ...]
    token: Token | None
    removed_chars: int = 0
    replaced_utf8: bool = False


def parse_envelope(content: bytes) -> tuple[etree._Element, xmlsafe.Cleaned]:
    """Clean and parse a response; raise :class:`OAIError` for an OAI error answer."""
    cleaned = xmlsafe.clean(content)
    root = xmlsafe.parse(cleaned.data)
    if root.tag != _Q + "OAI-PMH":
        raise xmlsafe.UnparsableXML(f"not an OAI-PMH response (root element {root.tag!r})")
    error = root.find(_Q + "error")
    if error is not None:
        raise OAIError(error.get("code", "unknown"), (error.text or "").strip())
    return root, cleaned


def parse_page(content: bytes) -> ListResponse:
    """Parse a ListRecords or ListIdentifiers page."""
    root, cleaned = parse_envelope(content)
    body = root.find(_Q + "ListRecords")
    if body is None:
        body = root.find(_Q + "ListIdentifiers")
    if body is None:
        raise xmlsafe.UnparsableXML("response has neither ListRecords nor ListIdentifiers")
    records = tuple(record_from_element(el) for el in body.iterchildren(_Q + "record"))
    headers = tuple(_header(el, None, b"") for el in body.iterchildren(_Q + "header"))
    return ListResponse(
        records, headers, _token(body), cleaned.removed_chars, cleaned.replaced_utf8
    )


def record_from_element(element: etree._Element) -> HarvestedRecord:
    header = metadata = None  # the first of each, as find() reads them
    for child in element:
        tag = child.tag
        if tag == _HEADER:
            if header is None:
                header = child
        elif tag == _METADATA and metadata is None:
            metadata = child
    if header is None:
        raise xmlsafe.UnparsableXML("a <record> without <header>")
    payload = None
    if metadata is not None:
        payload = next(iter(metadata.iterchildren(etree.Element)), None)
    return _header(header, payload, etree.tostring(element, encoding="utf-8", with_tail=False))


_HEADER, _METADATA = _Q + "header", _Q + "metadata"


_IDENTIFIER, _DATESTAMP, _SET_SPEC = _Q + "identifier", _Q + "datestamp", _Q + "setSpec"


def _header(header: etree._Element, payload, raw: bytes) -> HarvestedRecord:
    identifier = stamp = None  # the first of each, as findtext() reads them
    sets = []
    for child in header:  # one pass over the header's children
        tag = child.tag
        if tag == _SET_SPEC:
            if child.text:
                sets.append(child.text.strip())
        elif tag == _IDENTIFIER:
            if identifier is None:
                identifier = child.text or ""
        elif tag == _DATESTAMP and stamp is None:
            stamp = child.text or ""
    identifier = (identifier or "").strip()
    if not identifier:
        raise xmlsafe.UnparsableXML("a record header without <identifier>")
    stamp = (stamp or "").strip()
    deleted = header.get("status") == "deleted"
    return HarvestedRecord(
        identifier,
        parse_datestamp(stamp),
        stamp,
        deleted,
        tuple(sets),
        None if deleted else payload,
        raw,
    )


def _token(body: etree._Element) -> Token | None:
    element = body.find(_Q + "resumptionToken")
    if element is None:
        return None
    return Token(
        (element.text or "").strip(),
        _int(element.get("cursor")),
        _int(element.get("completeListSize")),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?Z?$")


def parse_datestamp(text: str) -> dt.datetime | None:
    """An OAI datestamp (day or second granularity) as naive UTC, None when absent/bad."""
    match = _STAMP.match(text.strip())
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return dt.datetime(*parts)
    except ValueError:
        return None


def format_datestamp(value: dt.datetime, granularity: str) -> str:
    """A ``from``/``until`` argument in the provider's declared granularity."""
    if granularity == "YYYY-MM-DD":
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_identify(content: bytes) -> dict:
    """The Identify facts a harvester needs, as a JSON-able dict."""
    root, _ = parse_envelope(content)
    identify = root.find(_Q + "Identify")
    if identify is None:
        raise xmlsafe.UnparsableXML("Identify response has no <Identify>")

    def text(name: str) -> str | None:
        value = identify.findtext(_Q + name)
        return value.strip() if value else None

    granularity = text("granularity") or "YYYY-MM-DD"
    if granularity not in ("YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ"):
        granularity = "YYYY-MM-DD"
    return {
        "repositoryName": text("repositoryName"),
        "baseURL": text("baseURL"),
        "protocolVersion": text("protocolVersion"),
        "earliestDatestamp": text("earliestDatestamp"),
        "deletedRecord": (text("deletedRecord") or "no").lower(),
        "granularity": granularity,
        "adminEmail": [e.text.strip() for e in identify.iterchildren(_Q + "adminEmail") if e.text],
    }


def parse_formats(content: bytes) -> list[dict]:
    """ListMetadataFormats as ``[{prefix, schema, namespace}]``."""
    root, _ = parse_envelope(content)
    out = []
    for fmt in root.iter(_Q + "metadataFormat"):
        out.append(
            {
                "prefix": (fmt.findtext(_Q + "metadataPrefix") or "").strip(),
                "schema": (fmt.findtext(_Q + "schema") or "").strip(),
                "namespace": (fmt.findtext(_Q + "metadataNamespace") or "").strip(),
            }
        )
    return out


def parse_sets(content: bytes) -> tuple[list[dict], Token | None]:
    """One ListSets page as ``[{spec, name}]`` and its resumption token."""
    root, _ = parse_envelope(content)
    body = root.find(_Q + "ListSets")
    if body is None:
        raise xmlsafe.UnparsableXML("ListSets response has no <ListSets>")
    sets = [
        {
            "spec": (s.findtext(_Q + "setSpec") or "").strip(),
            "name": (s.findtext(_Q + "setName") or "").strip(),
        }
        for s in body.iterchildren(_Q + "set")
    ]
    return sets, _token(body)


_TOKEN_TEXT = re.compile(rb"<(?:\w+:)?resumptionToken\b[^>]*>([^<]+)</(?:\w+:)?resumptionToken>")


def salvage_token(content: bytes) -> str | None:
    """The resumption token of a page that did not parse, when it is plainly there."""
    match = _TOKEN_TEXT.search(content)
    if not match:
        return None
    value = match.group(1).strip().decode("utf-8", errors="replace")
    return value.replace("&amp;", "&") or None
