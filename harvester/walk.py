"""Walking a partner's ListRecords lists page by page, with a checkpoint after each one.

:class:`PageWalker` owns the loop state (kept in the run's
:class:`~harvester.checkpoint.Checkpoint` so a killed harvest goes on where it stopped):
the current set, resumption token, highest datestamp, held-back deletions and the tally.
Pages that cannot be parsed are fetched once more, then quarantined; when their
resumption token can still be read the walk goes on. A list that loops
(:class:`LoopGuard`) stops the run.

Pages come fetched, parsed and mapped from :class:`harvester.prefetch.PageFetcher` (a
second process working ahead); the walk decides and writes. A page's records, their
scan jobs and the checkpoint that follows them are stored in one transaction, so a run
killed at any moment resumes exactly after the last page stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib

from catalog.errors import HarvestError
from catalog.models import HarvestRun, Partner, RunStatus
from catalog.records import RecordData
from catalog.store import Catalog
from catalog.upload_models import RecordOrigin
from harvester import runlog
from harvester.checkpoint import Checkpoint
from harvester.client import PartnerClient
from harvester.fetch import Fetched, Mapped, Request, list_request, next_request
from harvester.prefetch import PageFetcher
from harvester.protocol import (
    ListResponse,
    OAIError,
    Token,
    format_datestamp,
    parse_datestamp,
)
from harvester.report import Tally
from harvester.settings import HarvestSettings

STAMP = "YYYY-MM-DDThh:mm:ssZ"
MAX_RESTARTS = 3


@functools.lru_cache(maxsize=1024)
def _stamp(value: dt.datetime) -> str:
    """A datestamp as the checkpoint keeps it (a page's order check and its highest
    datestamp both need it: formatted once)."""
    return format_datestamp(value, STAMP)


def page_digest(page: ListResponse) -> str:
    """A checksum of a page's record identifiers and datestamps (finds a page served twice)."""
    text = "\n".join(f"{r.identifier} {r.datestamp_text}" for r in page.records)
    return hashlib.sha256(text.encode()).hexdigest()


HARVESTED = RecordOrigin.HARVESTED
"""A harvest writes and deletes only records of this origin (the ones it brought)."""


class LoopGuard:
    """Notices a list that loops: the same page twice, or a token seen before."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.pages: set[str] = set()

    def clear(self) -> None:
        self.tokens.clear()
        self.pages.clear()

    def check(self, params: Request, page: ListResponse) -> str | None:
        """Note ``page`` (got for ``params``); the loop it closes, if it does, as a message."""
        token = page.token.value if page.token else ""
        digest = page_digest(page)
        if page.records and digest in self.pages:
            return "resumption loop: the same page came twice"
        if token and (token in self.tokens or token == params.get("resumptionToken")):
            return f"resumption loop: token {token[:80]!r} came twice"
        self.pages.add(digest)
        if token:
            self.tokens.add(token)
        return None


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
        self.checkpoint = Checkpoint.from_json(run.checkpoint)
        self.tally = Tally.from_dict(self.checkpoint.tally)
        self.pending: dict[str, str | None] = dict(self.checkpoint.pending_deletes)
        """Deletions of live records held for the end of the run (identifier → datestamp)."""
        self.sets: list[str | None] = list(partner.sets or []) or [None]
        self._loops = LoopGuard()
        self._fetcher: PageFetcher | None = None

    def _move(self, **changes) -> None:
        """Change the checkpoint's fields (written by the next :meth:`save`)."""
        self.checkpoint = dataclasses.replace(self.checkpoint, **changes)

    def save(self, status: RunStatus = RunStatus.RUNNING, *, session=None) -> None:
        """Write the checkpoint (in ``session`` when given: with the page it follows)."""
        self._move(pending_deletes=self.pending, tally=self.tally.to_dict())
        runlog.save(
            self.catalog, self.run.id, self.checkpoint, self.tally.counts, status, session=session
        )

    def walk(self) -> None:
        """Harvest every configured set to its end (or raise :class:`HarvestError`).

        While a page is stored here, the next ones are fetched, parsed and mapped by
        :class:`~harvester.prefetch.PageFetcher` in a second process.
        """
        prefix = self.partner.metadata_prefix
        with PageFetcher(self.client, prefix, self.settings, LoopGuard) as self._fetcher:
            while self.checkpoint.set_index < len(self.sets):
                self._walk_set(self.sets[self.checkpoint.set_index])
                self._move(
                    set_index=self.checkpoint.set_index + 1,
                    token=None,
                    from_date=self.run.from_date,
                    list_last=None,
                    list_ordered=True,
                )
                self.save()

    def _params(self, set_spec: str | None) -> Request:
        """The request for the checkpoint's place in the list of ``set_spec``."""
        return next_request(self.checkpoint.token) or list_request(
            self.partner.metadata_prefix, self.checkpoint.from_date, set_spec
        )

    def _walk_set(self, set_spec: str | None) -> None:
        while True:
            if self.tally.counts["pages"] >= self.settings.max_pages:
                raise HarvestError(f"stopped at the cap of {self.settings.max_pages} pages")
            params = self._params(set_spec)
            try:
                fetched = self._fetch(params)
            except OAIError as exc:
                if exc.code == "noRecordsMatch":
                    return
                if exc.code == "badResumptionToken" and "resumptionToken" in params:
                    self._restart(exc)
                    continue
                raise
            if fetched is None:  # quarantined, no token to go on with
                return
            page, mapped = fetched
            token = page.token.value if page.token else ""
            self._check_loop(params, page)
            self._track_order(page)
            self._move(token=token or None, cursor=page.token.cursor if page.token else None)
            self.tally.add("pages")
            self._store(page, mapped)
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
        self._move(restarts=self.checkpoint.restarts + 1)
        self.tally.add("restarts")
        if self.checkpoint.restarts > MAX_RESTARTS:
            raise HarvestError(f"resumption token rejected {MAX_RESTARTS + 1} times: {exc}")
        last = parse_datestamp(self.checkpoint.list_last or "")
        start = self.run.from_date
        if last is not None and self.checkpoint.list_ordered:
            granularity = (self.partner.identify or {}).get("granularity", "YYYY-MM-DD")
            unit = dt.timedelta(days=1) if granularity == "YYYY-MM-DD" else dt.timedelta(seconds=1)
            start = format_datestamp(last - unit, granularity)
        self.tally.errors.append(f"restarted from {start or 'the start'}: {exc}")
        self._move(token=None, from_date=start, list_last=None, list_ordered=True)
        self._loops.clear()

    def _track_order(self, page: ListResponse) -> None:
        """Note whether this list's datestamps have come in order so far."""
        last = self.checkpoint.list_last
        ordered = self.checkpoint.list_ordered
        latest = parse_datestamp(last) if last else None
        for record in page.records:
            stamp = record.datestamp
            if stamp is None:
                ordered = False
            elif latest is None or stamp > latest:
                latest = stamp
            elif stamp < latest:
                ordered = False
        if latest is not None:
            last = _stamp(latest)
        self._move(list_last=last, list_ordered=ordered)

    def _check_loop(self, params: Request, page: ListResponse) -> None:
        loop = self._loops.check(params, page)
        if loop:
            raise HarvestError(loop)

    def _fetch(self, params: Request) -> tuple[ListResponse, Mapped] | None:
        """One page, parsed and mapped; a bad page is fetched once more, then quarantined."""
        fetched = self._fetcher.get(params)
        for seconds, size, attempts in fetched.responses:
            self.tally.response(seconds, size)
            self.tally.add("requests", attempts)
            self.tally.add("retries", attempts - 1)
        if fetched.error is not None:
            raise fetched.error
        if fetched.bad is not None:
            return self._bad_page(fetched)
        self.tally.add("cleaned_chars", fetched.page.removed_chars)
        return fetched.page, fetched.mapped

    def _bad_page(self, fetched: Fetched) -> tuple[ListResponse, Mapped] | None:
        bad = fetched.bad
        runlog.quarantine(
            self.catalog, self.run.id, self.partner.id, "page", bad.url, bad.error, bad.content
        )
        self.tally.quarantine("page", bad.url, bad.error)
        token = fetched.next_token()
        if token:
            self.tally.errors.append(f"page quarantined, went on with its token: {bad.error}")
            return ListResponse((), (), Token(token)), []
        self.tally.errors.append(f"page quarantined, harvest of this list stopped: {bad.error}")
        return None

    def _store(self, page: ListResponse, mapped: Mapped) -> None:
        """Store a page's records, their scan jobs and the checkpoint in one transaction."""
        with self.catalog.session() as session:
            items: list[RecordData] = []
            for record, outcome in zip(page.records, mapped, strict=True):
                if isinstance(outcome, RecordData):
                    items.append(outcome)
                else:
                    exc = outcome
                    runlog.quarantine(
                        self.catalog,
                        self.run.id,
                        self.partner.id,
                        "record",
                        record.identifier,
                        str(exc),
                        record.raw,
                        session=session,
                    )
                    self.tally.quarantine("record", record.identifier, str(exc))
            self.tally.add("records", len(page.records))
            items = self._hold_deletions(items, session)
            for item in items:
                if not item.deleted:
                    self.tally.mapped_record(item)
            stamps = [item.datestamp for item in items if item.datestamp]
            if stamps:
                stamp = _stamp(max(stamps))
                highest = self.checkpoint.highest or stamp
                self._move(highest=max(stamp, highest))
            outcomes = self.catalog.upsert_records(
                self.partner.id, items, session=session, origin=HARVESTED
            )
            scans: dict[int, tuple[str, ...]] = {}
            for item, outcome in zip(items, outcomes, strict=True):
                self.tally.add(outcome.action)
                if item.scan_urls and not item.deleted:
                    scans[outcome.record_id] = item.scan_urls
            self.tally.add("scan_jobs", runlog.add_scan_jobs(self.catalog, scans, session=session))
            self.save(session=session)

    def _hold_deletions(self, items: list[RecordData], session) -> list[RecordData]:
        """Keep deletions of live harvested records for the end of the run (mass-deletion
        guard); a deletion meeting a record of another origin goes on to the upsert,
        which leaves that record as it is (``kept``)."""
        pending = self.pending
        deleted = [i.oai_identifier for i in items if i.deleted]
        live = (
            runlog.live_among(
                self.catalog, self.partner.id, deleted, session=session, origin=HARVESTED
            )
            if deleted
            else set()
        )
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
