"""A real OAI-PMH server that is not our code: pyoai's ``oaipmh.server`` on 127.0.0.1.

It serves records read (by pyoai's own client parser) from a recorded real ListRecords
page — DSpace@Erasmus, 81 oai_dc records, 2 deleted — with pyoai's resumption tokens,
``from``/``until`` selection and OAI error answers. Tests may change the record list
(``peer.records``) between harvests to play a provider whose collection changes.
"""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from oaipmh import common, error, metadata, server
from oaipmh.client import BaseClient

from tests.harvester.servers import _QuietServer


class _RecordedPage(BaseClient):
    """pyoai's client reading one recorded page instead of the network."""

    def __init__(self, content: bytes, registry: metadata.MetadataRegistry) -> None:
        super().__init__(registry)
        self.content = content

    def makeRequest(self, **kw):
        return self.content


class RecordedRepository:
    """A plain pyoai ``IOAIPMH`` implementation over a list of (header, metadata, about)."""

    def __init__(self, records: list, identify_xml: bytes, base_url: str) -> None:
        self.records = records
        self.base_url = base_url
        self.deleted_policy = "persistent"
        self.granularity = "YYYY-MM-DDThh:mm:ssZ"

    def identify(self):
        return common.Identify(
            repositoryName="DSpace@Erasmus (recorded)",
            baseURL=self.base_url,
            protocolVersion="2.0",
            adminEmails=["admin@example.org"],
            earliestDatestamp=dt.datetime(2003, 1, 1),
            deletedRecord=self.deleted_policy,
            granularity=self.granularity,
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier=None):
        return [
            (
                "oai_dc",
                "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                "http://www.openarchives.org/OAI/2.0/oai_dc/",
            )
        ]

    def listSets(self, cursor=0, batch_size=10):
        raise error.NoSetHierarchyError("this repository has no sets")

    def _select(self, metadataPrefix, set=None, from_=None, until=None):
        if metadataPrefix != "oai_dc":
            raise error.CannotDisseminateFormatError(f"{metadataPrefix} is not served")
        found = [
            r
            for r in self.records
            if (from_ is None or r[0].datestamp() >= from_)
            and (until is None or r[0].datestamp() <= until)
        ]
        if not found:
            raise error.NoRecordsMatchError("no records match")
        return found

    def listRecords(
        self, metadataPrefix=None, set=None, from_=None, until=None, cursor=0, batch_size=10
    ):
        return self._select(metadataPrefix, set, from_, until)

    def listIdentifiers(
        self, metadataPrefix=None, set=None, from_=None, until=None, cursor=0, batch_size=10
    ):
        return [r[0] for r in self._select(metadataPrefix, set, from_, until)]

    def getRecord(self, metadataPrefix, identifier):
        for record in self._select(metadataPrefix):
            if record[0].identifier() == identifier:
                return record
        raise error.IdDoesNotExistError(identifier)


def load_records(page: Path) -> list:
    """Records of a recorded ListRecords page, parsed by pyoai's client."""
    registry = metadata.MetadataRegistry()
    registry.registerReader("oai_dc", metadata.oai_dc_reader)
    client = _RecordedPage(page.read_bytes(), registry)
    tree = client.parse(client.content)
    records, _token = client.buildRecords("oai_dc", client.getNamespaces(), registry, tree)
    return records


def with_datestamp(record, when: dt.datetime, *, deleted: bool | None = None):
    """A copy of a pyoai record tuple with another datestamp (and deleted flag)."""
    header, meta, about = record
    new = common.Header(
        header.element(),
        header.identifier(),
        when,
        header.setSpec(),
        header.isDeleted() if deleted is None else deleted,
    )
    return (new, None if new.isDeleted() else meta, about)


class PyoaiPeer:
    """pyoai's ``Server`` behind a tiny HTTP front on 127.0.0.1 (``.url``, ``.shutdown()``)."""

    def __init__(self, page: Path, batch_size: int = 20) -> None:
        registry = metadata.MetadataRegistry()
        registry.registerWriter("oai_dc", server.oai_dc_writer)
        self.httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"
        self.repository = RecordedRepository(load_records(page), b"", self.url)
        self.server = server.Server(self.repository, registry, resumption_batch_size=batch_size)
        self.requests: list[dict[str, str]] = []
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def records(self) -> list:
        return self.repository.records

    @records.setter
    def records(self, value: list) -> None:
        self.repository.records = value

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                query = dict(parse_qsl(urlsplit(self.path).query))
                peer.requests.append(query)
                body = peer.server.handleRequest(query)
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


__all__ = ["PyoaiPeer", "etree", "load_records", "with_datestamp"]
