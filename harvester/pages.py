"""Walking a partner's ListRecords pages with a checkpoint after each one.

:class:`PageWalker` owns the loop state (kept in the run's checkpoint so a killed harvest
goes on where it stopped): the current set, resumption token, highest datestamp, held-back
deletions and the tally. Pages that cannot be parsed are fetched once more, then
quarantined; when their resumption token can still be read the walk goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from catalog.errors import HarvestError
from catalog.models import HarvestRun, Partner
from catalog.records import RecordData
from catalog.store import Catalog
from harvester import runs, xmlsafe
from harvester.client import PartnerClient, RawResponse
from harvester.mapping import MappingError, map_record
from harvester.protocol import (
    OAIError,
    Page,
    Token,
    format_datestamp,
    parse_datestamp,
    parse_page,
    salvage_token,
)
from harvester.report import Tally
from harvester.settings import HarvestSettings

STAMP = "YYYY-MM-DDThh:mm:ssZ"
MAX_RESTARTS = 3

Mapped = list[RecordData | MappingError]
"""One mapping outcome per record of a page, in order."""


def map_page(page: Page, prefix: str) -> Mapped:
    """Map every record of a page; a record that cannot be mapped gives its error.

    Each record's content hash is computed here too (it is kept on the record).
    """
    out: Mapped = []
    for record in page.records:
        try:
            item = map_record(record, prefix)
        except MappingError as exc:
            out.append(exc)
            continue
        item.content_hash()
        out.append(item)
    return out


class PageWalker:
    """The page loop of one run (see the module docstring)."""

    def __init__(
        self,
        catalog: Catalog,
        partner: Partner,
        client: PartnerClient,
        settings: HarvestSettings,
        run: HarvestRun,
        progress=None,
    ) -> None:
        self.catalog, self.partner, self.client = catalog, partner, client
        self.settings, self.run, self.progress = settings, run, progress
        self.checkpoint: dict[str, Any] = dict(run.checkpoint or {})
        self.tally = Tally.from_dict(self.checkpoint.get("tally"))
        self.sets: list[str | None] = list(partner.sets or []) or [None]
        self._seen_tokens: set[str] = set()
        self._seen_pages: set[str] = set()
        self._ahead: tuple[dict[str, str], Future[RawResponse]] | None = None
        self._pool: ThreadPoolExecutor | None = None

    def save(self, status: str = "running") -> None:
        self.checkpoint["tally"] = self.tally.to_dict()
        runs.save(self.catalog, self.run.id, self.checkpoint, self.tally.counts, status)

    def walk(self) -> None:
        """Harvest every configured set to its end (or raise :class:`HarvestError`).

        While a page is mapped and stored, the next one is already being downloaded by
        one background thread; it is parsed and checkpointed in order, here. (Parsing
        and mapping in that thread too gained nothing: they hold the GIL.)
        """
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oai-prefetch")
        try:
            while self.checkpoint["set_index"] < len(self.sets):
                self._walk_set(self.sets[self.checkpoint["set_index"]])
                self.checkpoint.update(set_index=self.checkpoint["set_index"] + 1, token=None)
                self.checkpoint["from"] = self.run.from_date
                self._new_list()
                self.save()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _prefetch(self, token: str) -> None:
        params = {"verb": "ListRecords", "resumptionToken": token}
        self._ahead = (params, self._pool.submit(self.client.harvest, **params))

    def _take_prefetched(self, params: dict[str, str]) -> RawResponse | None:
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return None
        if ahead[0] != params:
            ahead[1].cancel()
            return None
        return ahead[1].result()

    def _params(self, set_spec: str | None) -> dict[str, str]:
        token = self.checkpoint.get("token")
        if token:
            return {"verb": "ListRecords", "resumptionToken": token}
        params = {"verb": "ListRecords", "metadataPrefix": self.partner.metadata_prefix}
        if self.checkpoint.get("from"):
            params["from"] = self.checkpoint["from"]
        if set_spec:
            params["set"] = set_spec
        return params

    def _walk_set(self, set_spec: str | None) -> None:
        while True:
            if self.tally.counts["pages"] >= self.settings.max_pages:
                raise HarvestError(f"stopped at the cap of {self.settings.max_pages} pages")
            params = self._params(set_spec)
            try:
                page = self._fetch(params)
            except OAIError as exc:
                if exc.code == "noRecordsMatch":
                    return
                if exc.code == "badResumptionToken" and "resumptionToken" in params:
                    self._restart(exc)
                    continue
                raise
            if page is None:  # quarantined, no token to go on with
                return
            token = page.token.value if page.token else ""
            self._check_loop(params, page, token)
            if token:
                self._prefetch(token)
            self._track_order(page)
            self._store(page)
            self.checkpoint["token"] = token or None
            self.checkpoint["cursor"] = page.token.cursor if page.token else None
            self.tally.add("pages")
            self.save()
            if self.progress:
                total = page.token.complete_list_size if page.token else None
                self.progress(self.tally.counts["records"], total)
            if not token:
                return

    def _restart(self, exc: OAIError) -> None:
        """The provider lost our token: ask again from the last good datestamp.

        That is the last datestamp of this list minus one unit when the list has come in
        datestamp order so far; otherwise (records may still come with older datestamps)
        only the start of the run's window is safe. Upserts are idempotent, so what
        comes twice costs nothing.
        """
        self.checkpoint["restarts"] = self.checkpoint.get("restarts", 0) + 1
        self.tally.add("restarts")
        if self.checkpoint["restarts"] > MAX_RESTARTS:
            raise HarvestError(f"resumption token rejected {MAX_RESTARTS + 1} times: {exc}")
        last = parse_datestamp(self.checkpoint.get("list_last") or "")
        start = self.run.from_date
        if last is not None and self.checkpoint.get("list_ordered", True):
            granularity = (self.partner.identify or {}).get("granularity", "YYYY-MM-DD")
            unit = dt.timedelta(days=1) if granularity == "YYYY-MM-DD" else dt.timedelta(seconds=1)
            start = format_datestamp(last - unit, granularity)
        self.tally.errors.append(f"restarted from {start or 'the start'}: {exc}")
        self.checkpoint.update(token=None, **{"from": start})
        self._new_list()
        self._seen_tokens.clear()
        self._seen_pages.clear()

    def _new_list(self) -> None:
        self.checkpoint.update(list_last=None, list_ordered=True)

    def _track_order(self, page: Page) -> None:
        """Note whether this list's datestamps have come in order so far."""
        last = self.checkpoint.get("list_last")
        ordered = self.checkpoint.get("list_ordered", True)
        for record in page.records:
            if record.datestamp is None:
                ordered = False
                continue
            stamp = format_datestamp(record.datestamp, STAMP)
            if last and stamp < last:
                ordered = False
            last = max(stamp, last or stamp)
        self.checkpoint.update(list_last=last, list_ordered=ordered)

    def _check_loop(self, params: dict[str, str], page: Page, token: str) -> None:
        digest = hashlib.sha256(
            "\n".join(f"{r.identifier} {r.datestamp_text}" for r in page.records).encode()
        ).hexdigest()
        if page.records and digest in self._seen_pages:
            raise HarvestError("resumption loop: the same page came twice")
        if token and (token in self._seen_tokens or token == params.get("resumptionToken")):
            raise HarvestError(f"resumption loop: token {token[:80]!r} came twice")
        self._seen_pages.add(digest)
        if token:
            self._seen_tokens.add(token)

    def _fetch(self, params: dict[str, str]) -> Page | None:
        """One page, parsed; a bad page is fetched once more, then quarantined."""
        ahead = self._take_prefetched(params)
        for attempt in (1, 2):
            raw = ahead if attempt == 1 and ahead is not None else self.client.harvest(**params)
            self.tally.response(raw.seconds, len(raw.content))
            self.tally.add("requests", raw.attempts)
            self.tally.add("retries", raw.attempts - 1)
            try:
                page = parse_page(raw.content)
            except OAIError:
                raise
            except xmlsafe.HostileXML as exc:
                return self._bad_page(raw, exc, params)
            except xmlsafe.UnparsableXML as exc:
                if raw.status != 200:
                    raise HarvestError(f"HTTP {raw.status} from {raw.url}: {exc}") from exc
                if attempt == 2:
                    return self._bad_page(raw, exc, params)
                continue
            self.tally.add("cleaned_chars", page.removed_chars)
            return page
        return None

    def _bad_page(self, raw: RawResponse, exc: Exception, params: dict[str, str]) -> Page | None:
        runs.quarantine(
            self.catalog, self.run.id, self.partner.id, "page", raw.url, str(exc), raw.content
        )
        self.tally.quarantine("page", raw.url, str(exc))
        token = salvage_token(raw.content)
        if token and token != params.get("resumptionToken"):
            self.tally.errors.append(f"page quarantined, went on with its token: {exc}")
            return Page((), (), Token(token))
        self.tally.errors.append(f"page quarantined, harvest of this list stopped: {exc}")
        return None

    def _store(self, page: Page) -> None:
        mapped = map_page(page, self.partner.metadata_prefix)
        items: list[RecordData] = []
        for record, outcome in zip(page.records, mapped, strict=True):
            if isinstance(outcome, RecordData):
                items.append(outcome)
            else:
                exc = outcome
                runs.quarantine(
                    self.catalog,
                    self.run.id,
                    self.partner.id,
                    "record",
                    record.identifier,
                    str(exc),
                    record.raw,
                )
                self.tally.quarantine("record", record.identifier, str(exc))
        self.tally.add("records", len(page.records))
        items = self._hold_deletions(items)
        for item in items:
            if not item.deleted:
                self.tally.mapped_record(item)
            if item.datestamp:
                stamp = format_datestamp(item.datestamp, STAMP)
                self.checkpoint["highest"] = max(stamp, self.checkpoint.get("highest") or stamp)
        outcomes = self.catalog.upsert_records(self.partner.id, items)
        scans: dict[int, tuple[str, ...]] = {}
        for item, outcome in zip(items, outcomes, strict=True):
            self.tally.add(outcome.action)
            if item.scan_urls and not item.deleted:
                scans[outcome.record_id] = item.scan_urls
        self.tally.add("scan_jobs", runs.add_scan_jobs(self.catalog, scans))

    def _hold_deletions(self, items: list[RecordData]) -> list[RecordData]:
        """Keep deletions of live records for the end of the run (mass-deletion guard)."""
        pending: dict[str, str | None] = self.checkpoint.setdefault("pending_deletes", {})
        deleted = [i.oai_identifier for i in items if i.deleted]
        live = runs.live_among(self.catalog, self.partner.id, deleted) if deleted else set()
        kept = []
        for item in items:
            if item.deleted and item.oai_identifier in live:
                stamp = item.datestamp.isoformat() if item.datestamp else None
                pending[item.oai_identifier] = stamp
                continue
            if not item.deleted and item.oai_identifier in pending:
                held = pending[item.oai_identifier]
                if held and item.datestamp and item.datestamp.isoformat() < held:
                    continue  # an older live copy of a record deleted later: skip it
                pending.pop(item.oai_identifier)
            kept.append(item)
        return kept
