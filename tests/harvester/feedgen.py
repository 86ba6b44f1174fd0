"""A synthetic OAI-PMH provider (oai_dc) for fault tests and the benchmark.

:class:`SyntheticFeed` answers Identify, ListMetadataFormats, ListSets, ListRecords and
ListIdentifiers for ``n`` generated records, ``page_size`` per page, with stateless
resumption tokens and ``from`` selection. Pages are built once and cached, so serving
costs little next to harvesting. Tests wrap :meth:`respond` to inject faults.
"""

from __future__ import annotations

import datetime as dt
import functools
from xml.sax.saxutils import escape

from tests.harvester.servers import Reply

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/'
    b'OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><responseDate>'
    b"2026-01-01T00:00:00Z</responseDate><request>http://127.0.0.1/oai</request>"
)
BASE = dt.datetime(2024, 1, 1)


def oai(body: str | bytes) -> bytes:
    body = body.encode() if isinstance(body, str) else body
    return HEAD + body + b"</OAI-PMH>"


def error(code: str, message: str = "") -> bytes:
    return oai(f'<error code="{code}">{escape(message)}</error>')


class SyntheticFeed:
    """Generated records ``oai:synth:<i>`` with datestamps one minute apart."""

    def __init__(
        self,
        n: int,
        page_size: int = 100,
        *,
        deleted_record: str = "persistent",
        granularity: str = "YYYY-MM-DDThh:mm:ssZ",
        scan_host: str | None = None,
    ) -> None:
        self.n, self.page_size = n, page_size
        self.deleted_record, self.granularity = deleted_record, granularity
        self.scan_host = scan_host
        self.deleted: set[int] = set()
        self.missing: set[int] = set()
        self.edition = 0
        self.stamps = {i: BASE + dt.timedelta(minutes=i) for i in range(n)}

    def ids(self, start: dt.datetime | None = None) -> list[int]:
        return [
            i
            for i in range(self.n)
            if i not in self.missing and (start is None or self.stamps[i] >= start)
        ]

    def change(self, indexes, *, delete: bool = False, when: dt.datetime | None = None) -> None:
        """Touch records (new datestamp, new edition) or delete them."""
        when = when or BASE + dt.timedelta(days=400)
        for i in indexes:
            self.stamps[i] = when
            if delete:
                self.deleted.add(i)
        self.edition += 1
        self._page.cache_clear()

    def record(self, i: int, header_only: bool = False) -> str:
        stamp = self.stamps[i].strftime("%Y-%m-%dT%H:%M:%SZ")
        status = ' status="deleted"' if i in self.deleted else ""
        header = (
            f"<header{status}><identifier>oai:synth:{i}</identifier>"
            f"<datestamp>{stamp}</datestamp><setSpec>all</setSpec></header>"
        )
        if header_only:
            return header
        if i in self.deleted:
            return f"<record>{header}</record>"
        scan = (
            f"<dc:identifier>http://{self.scan_host}/scans/{i}.png</dc:identifier>"
            if self.scan_host and i % 10 == 0
            else ""
        )
        return (
            f'<record>{header}<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/'
            f'OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>Hikayat nomor {i} (edisi {self.edition})</dc:title>"
            f"<dc:creator>Penulis {i % 97}</dc:creator><dc:subject>Sejarah Borneo</dc:subject>"
            f"<dc:date>{1850 + i % 150}</dc:date><dc:language>ind</dc:language>"
            f"<dc:type>Text</dc:type><dc:identifier>https://synth.example/item/{i}"
            f"</dc:identifier>{scan}</oai_dc:dc></metadata></record>"
        )

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - cleared on change
    def _page(self, verb: str, start: str | None, cursor: int) -> bytes:
        since = dt.datetime.fromisoformat(start.rstrip("Z")) if start else None
        ids = self.ids(since)
        if not ids:
            return error("noRecordsMatch", "nothing changed")
        chunk = ids[cursor : cursor + self.page_size]
        items = "".join(self.record(i, verb == "ListIdentifiers") for i in chunk)
        nxt = cursor + self.page_size
        token = f"{nxt}|{start or ''}|{self.edition}" if nxt < len(ids) else ""
        rt = (
            f'<resumptionToken cursor="{cursor}" completeListSize="{len(ids)}">{token}'
            f"</resumptionToken>"
        )
        return oai(f"<{verb}>{items}{rt}</{verb}>")

    def respond(self, query: dict[str, str], count: int = 0) -> Reply:
        """Answer one OAI-PMH request."""
        verb = query.get("verb")
        if verb == "Identify":
            return Reply(
                oai(
                    "<Identify><repositoryName>Synthetic</repositoryName><baseURL>http://127.0.0.1/"
                    "oai</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>a@example.org"
                    "</adminEmail><earliestDatestamp>2024-01-01T00:00:00Z</earliestDatestamp>"
                    f"<deletedRecord>{self.deleted_record}</deletedRecord>"
                    f"<granularity>{self.granularity}</granularity></Identify>"
                )
            )
        if verb == "ListMetadataFormats":
            return Reply(
                oai(
                    "<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix>"
                    "<schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>"
                    "<metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/"
                    "</metadataNamespace></metadataFormat></ListMetadataFormats>"
                )
            )
        if verb == "ListSets":
            return Reply(error("noSetHierarchy"))
        if verb in ("ListRecords", "ListIdentifiers"):
            return Reply(self._list(verb, query))
        return Reply(error("badVerb", f"{verb}"))

    def _list(self, verb: str, query: dict[str, str]) -> bytes:
        token = query.get("resumptionToken")
        if token is not None:
            try:
                cursor, start, edition = token.split("|")
            except ValueError:
                return error("badResumptionToken", "unknown token")
            if int(edition) != self.edition:
                return error("badResumptionToken", "expired token")
            return self._page(verb, start or None, int(cursor))
        if query.get("metadataPrefix") != "oai_dc":
            return error("cannotDisseminateFormat", "only oai_dc")
        start = query.get("from")
        if start and "T" not in start:
            start += "T00:00:00Z"
        return self._page(verb, start, 0)
