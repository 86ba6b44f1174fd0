"""One demo partner as an OAI-PMH repository, on the server module of PyPI ``oaipmh``.

``PartnerRepository`` implements pyoai's batching interface (``IBatchingOAIPMH``) over
the partner's records; ``make_oai_server`` wraps it in ``oaipmh.server.BatchingServer``
with metadata writers for the formats the partner disseminates (its own format plus
``oai_dc``, which OAI-PMH requires of every repository). Records are ordered by
datestamp, then id, so resumption paging is stable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import NS_OAIPMH, BatchingServer, decodeResumptionToken

from demo.data import Partner, Record, oai_identifier
from demo.feeds import FORMATS, serialize

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
LIST_VERBS = ("ListSets", "ListIdentifiers", "ListRecords")
NS_OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"


def parse_datestamp(value: str) -> datetime:
    """Parse ``YYYY-MM-DDThh:mm:ssZ`` into a naive UTC datetime (pyoai's convention)."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


def partner_formats(partner: Partner) -> list[str]:
    """Return the metadata prefixes a partner serves: ``oai_dc`` and its own format."""
    prefixes = ["oai_dc", partner["metadata_prefix"]]
    return list(dict.fromkeys(prefixes))


class PartnerRepository:
    """pyoai batching backend over one partner's records (deleted ones included)."""

    def __init__(self, partner: Partner, records: list[Record], base_url: str) -> None:
        self.partner = partner
        self.base_url = base_url.rstrip("/")
        self.formats = partner_formats(partner)
        ordered = sorted(records, key=lambda r: (r["datestamp"], r["id"]))
        self._records = {oai_identifier(partner, r): r for r in ordered}

    @property
    def oai_url(self) -> str:
        """The OAI-PMH base URL of this repository."""
        return f"{self.base_url}/{self.partner['id']}/oai"

    # --- pyoai interface (camelCase names are pyoai's) ---

    def identify(self) -> common.Identify:
        """Describe the repository; deleted records are kept (``persistent``)."""
        earliest = min(parse_datestamp(r["datestamp"]) for r in self._records.values())
        identify = common.Identify(
            repositoryName=self.partner["name"],
            baseURL=self.oai_url,
            protocolVersion="2.0",
            adminEmails=[self.partner["admin_email"]],
            earliestDatestamp=earliest,
            deletedRecord="persistent",
            granularity=GRANULARITY,
            compression=["identity"],
            toolkit_description=False,
        )
        identify.add_description(self._oai_identifier_description())
        return identify

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        """Return (prefix, schema, namespace) of every format; check the id if given."""
        if identifier is not None:
            self._record(identifier)
        return [(p, FORMATS[p].schema, FORMATS[p].namespace) for p in self.formats]

    def listSets(self, cursor: int = 0, batch_size: int = 10, **junk: Any) -> list[tuple]:
        """Return (setSpec, setName, description) of a page of sets."""
        self._check_token(junk)
        return self._page(self._sets(), cursor, batch_size)

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple:
        """Return (header, metadata, about) for one record."""
        record = self._record(identifier)
        self._check_prefix(metadataPrefix)
        return self._header(identifier, record), record, None

    def listIdentifiers(self, metadataPrefix: str = "", **kw: Any) -> list:
        """Return a page of headers matching prefix, set and from/until."""
        return [header for header, _, _ in self.listRecords(metadataPrefix, **kw)]

    def listRecords(
        self,
        metadataPrefix: str = "",
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
        **junk: Any,
    ) -> list[tuple]:
        """Return a page of (header, metadata, about) matching the arguments."""
        self._check_token(junk)
        self._check_prefix(metadataPrefix)
        return self._page(self._selected(set, from_, until), cursor, batch_size)

    def list_size(self, verb: str, kw: dict[str, Any]) -> int:
        """Return the complete list size of a list request (for ``completeListSize``)."""
        if verb == "ListSets":
            return len(self._sets())
        return len(self._selected(kw.get("set"), kw.get("from_"), kw.get("until")))

    # --- helpers ---

    def _sets(self) -> list[tuple[str, str, None]]:
        """All sets, or noSetHierarchy when the partner has none."""
        sets = [(s["spec"], s["name"], None) for s in self.partner.get("oai_sets", [])]
        if not sets:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        return sets

    def _selected(
        self, set_spec: str | None, start: datetime | None, end: datetime | None
    ) -> list[tuple]:
        """(header, record, None) of every record in the set and the datestamp range."""
        return [
            (self._header(oai_id, r), r, None)
            for oai_id, r in self._records.items()
            if self._matches(r, set_spec, start, end)
        ]

    def _record(self, identifier: str) -> Record:
        """Return the record with this OAI identifier or raise idDoesNotExist."""
        try:
            return self._records[identifier]
        except KeyError:
            raise error.IdDoesNotExistError(f"No record with identifier {identifier}.") from None

    def _check_prefix(self, prefix: str) -> None:
        """Raise cannotDisseminateFormat for a prefix this partner does not serve."""
        if not prefix:
            raise error.BadResumptionTokenError("The resumption token has no metadataPrefix.")
        if prefix not in self.formats:
            raise error.CannotDisseminateFormatError(f"Format {prefix} is not served here.")

    @staticmethod
    def _check_token(junk: dict[str, Any]) -> None:
        """Unknown keys can only come from a forged resumption token."""
        if junk:
            raise error.BadResumptionTokenError(f"Unexpected token keys: {sorted(junk)}.")

    @staticmethod
    def _page(items: list, cursor: Any, batch_size: Any) -> list:
        """Slice one page; a cursor past the end is a bad resumption token."""
        cursor, batch_size = int(cursor), int(batch_size)
        if cursor < 0 or (cursor > 0 and cursor >= len(items)):
            raise error.BadResumptionTokenError("The resumption token points past the list.")
        return items[cursor : cursor + batch_size]

    @staticmethod
    def _matches(
        record: Record, set_spec: str | None, start: datetime | None, end: datetime | None
    ) -> bool:
        """True if the record is in the set (if any) and within [from, until]."""
        if set_spec is not None and set_spec not in record.get("sets", []):
            return False
        stamp = parse_datestamp(record["datestamp"])
        return (start is None or stamp >= start) and (end is None or stamp <= end)

    @staticmethod
    def _header(identifier: str, record: Record) -> common.Header:
        """Build a pyoai header (deleted flag from the record)."""
        stamp = parse_datestamp(record["datestamp"])
        sets = list(record.get("sets", []))
        return common.Header(None, identifier, stamp, sets, bool(record.get("deleted")))

    def _oai_identifier_description(self) -> str:
        """Return the oai-identifier description XML for Identify."""
        first = next(iter(self._records), f"oai:{self.partner['oai_namespace']}:1")
        root = etree.Element(f"{{{NS_OAI_ID}}}oai-identifier", nsmap={None: NS_OAI_ID})
        root.set(
            "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
            f"{NS_OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
        )
        values = ("oai", self.partner["oai_namespace"], ":", first)
        for name, value in zip(
            ("scheme", "repositoryIdentifier", "delimiter", "sampleIdentifier"), values, strict=True
        ):
            etree.SubElement(root, f"{{{NS_OAI_ID}}}{name}").text = value
        return etree.tostring(root, encoding="unicode")


def _registry(repository: PartnerRepository) -> MetadataRegistry:
    """Return a metadata registry with one writer per format the partner serves."""
    registry = MetadataRegistry()
    for prefix in repository.formats:

        def write(element: etree._Element, record: Record, prefix: str = prefix) -> None:
            """Append the record's payload in this format under ``<metadata>``."""
            element.append(serialize(record, prefix, repository.base_url, repository.partner))

        registry.registerWriter(prefix, write)
    return registry


class DemoOAIServer(BatchingServer):
    """pyoai ``BatchingServer`` restricted to the six OAI-PMH verbs.

    List responses get ``completeListSize`` and ``cursor`` on the resumption token, and
    the last page of a resumed list ends with an empty ``resumptionToken`` as OAI-PMH
    asks (pyoai itself leaves both out).
    """

    repository: PartnerRepository

    def handleVerb(self, verb: str, kw: dict) -> bytes:
        """Refuse pyoai's unofficial ``GetMetadata`` verb, then answer as usual."""
        if verb == "GetMetadata":
            raise error.BadVerbError(f"Illegal verb: {verb}")
        if "resumptionToken" in kw:
            _check_token_dates(kw["resumptionToken"])
        root = common.getMethodForVerb(self._tree_server, verb)(**kw).getroot()
        if verb in LIST_VERBS:
            self._complete_token(root, verb, kw)
        return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)

    def _complete_token(self, root: etree._Element, verb: str, kw: dict) -> None:
        """Add list size and cursor to the token; add an empty token on a last page."""
        cursor = 0
        if "resumptionToken" in kw:
            kw, cursor = decodeResumptionToken(kw["resumptionToken"])
        listing = root.find(f"{{{NS_OAIPMH}}}{verb}")
        token = listing.find(f"{{{NS_OAIPMH}}}resumptionToken")
        if token is None and cursor == 0:
            return
        if token is None:
            token = etree.SubElement(listing, f"{{{NS_OAIPMH}}}resumptionToken")
        token.set("completeListSize", str(self.repository.list_size(verb, kw)))
        token.set("cursor", str(cursor))

    def error_response(self, exception: error.ErrorBase) -> bytes:
        """Return the OAI-PMH error document for an error found before pyoai runs."""
        return self.handleException({}, (type(exception), exception, None))


def _check_token_dates(token: str) -> None:
    """pyoai raises a non-OAI error for a token with a bad date; make it a bad token."""
    try:
        decodeResumptionToken(token)
    except error.ClientError as exc:
        raise error.BadResumptionTokenError("The resumption token has a bad date.") from exc


def make_oai_server(
    partner: Partner, records: list[Record], base_url: str, page_size: int = 10
) -> DemoOAIServer:
    """Return a pyoai server answering OAI-PMH requests for one partner."""
    repository = PartnerRepository(partner, records, base_url)
    server = DemoOAIServer(
        repository,
        metadata_registry=_registry(repository),
        nsmap={"xsi": "http://www.w3.org/2001/XMLSchema-instance"},
        resumption_batch_size=page_size,
    )
    server.repository = repository
    return server
