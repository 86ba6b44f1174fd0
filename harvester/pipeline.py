"""Pages fetched, parsed and mapped in a second process, ahead of the store.

Getting a page ready (HTTP, hardened parsing, mapping) and storing the one before
(content hashes, JSON column text, SQL) are both CPU work, and in one process they take turns
under the GIL. :class:`PageFetcher` runs the first part in a child process that walks a
list's resumption tokens by itself, at most :data:`LOOKAHEAD` pages ahead of the walk,
and hands each page back as plain data (:class:`Fetched`: records without their lxml
elements, mapping outcomes, response timings, a bad page's bytes, or the error to
raise). Inside the child a thread requests the next page while the current one is
mapped.

The walk in :mod:`harvester.pages` stays the only writer and keeps every decision: it
applies each page's effects in order (quarantine, upserts, checkpoint), and when it
asks for a page other than the one coming (a restart after ``badResumptionToken``, the
next set) the child drops what it was doing and starts from there. The child stops
following a list that loops, and one whose parent is gone (even by ``kill -9``) stops at
its next send or within a second when idle.

:func:`fetch_page` is that work for one page (with the rule that a body which does not
parse is fetched once more); with ``HarvestSettings.fetch_process`` off it runs inline.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import pickle
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from catalog.errors import HarvestError
from catalog.records import RecordData
from harvester import xmlsafe
from harvester.client import PartnerClient, RawResponse
from harvester.mapping import MappingError, map_record
from harvester.protocol import OAIError, Page, parse_page, salvage_token
from harvester.settings import HarvestSettings

Mapped = list[RecordData | MappingError]
"""One mapping outcome per record of a page, in order."""

STOP_WAIT = 2.0
"""Seconds the child gets to stop by itself when the walk ends, before it is terminated."""
LOOKAHEAD = 2
"""Pages the child may have ready beyond the one the walk is storing."""
SEND_BUFFER = 1 << 20
"""Bytes of the child's socket send buffer (capped by the system's ``wmem_max``)."""


@dataclasses.dataclass(frozen=True)
class BadPage:
    """A response that could not be used: kept for the quarantine, with its token if any."""

    url: str
    error: str
    content: bytes
    token: str | None


@dataclasses.dataclass(frozen=True)
class Fetched:
    """What fetching one page gave (picklable).

    ``responses`` holds ``(seconds, bytes, attempts)`` of each response read for it (a
    body that did not parse is fetched once more). Exactly one of ``page`` (with
    ``mapped``), ``bad`` and ``error`` is set; ``error`` is raised by the walk.
    ``last_request`` is when the client last sent a request (``time.monotonic``), so
    the politeness delay holds across processes. ``follow`` is the request the child
    goes on with by itself (None: it waits to be told).
    """

    params: dict[str, str]
    responses: tuple[tuple[float, int, int], ...] = ()
    page: Page | None = None
    mapped: Mapped = dataclasses.field(default_factory=list)
    bad: BadPage | None = None
    error: BaseException | None = None
    last_request: float = 0.0
    follow: dict[str, str] | None = None

    def next_params(self) -> dict[str, str] | None:
        """The request the walk makes next if it goes on with this list (None: it ends)."""
        if self.page is not None:
            token = self.page.token.value if self.page.token else ""
        elif self.bad is not None and self.bad.token != self.params.get("resumptionToken"):
            token = self.bad.token or ""
        else:
            token = ""
        return {"verb": "ListRecords", "resumptionToken": token} if token else None


def page_digest(page: Page) -> str:
    """A checksum of a page's record identifiers and datestamps (finds a page served twice)."""
    text = "\n".join(f"{r.identifier} {r.datestamp_text}" for r in page.records)
    return hashlib.sha256(text.encode()).hexdigest()


class LoopGuard:
    """Notices a list that loops: the same page twice, or a token seen before."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.pages: set[str] = set()

    def clear(self) -> None:
        self.tokens.clear()
        self.pages.clear()

    def check(self, params: dict[str, str], page: Page) -> str | None:
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


def map_page(page: Page, prefix: str) -> Mapped:
    """Map every record of a page; a record that cannot be mapped gives its error.

    (Content hashes and the JSON text of the columns are left to the storing process:
    measured, that balances the two processes best.)
    """
    out: Mapped = []
    for record in page.records:
        try:
            item = map_record(record, prefix)
        except MappingError as exc:
            out.append(exc)
            continue
        out.append(item)
    return out


def fetch_page(
    client: PartnerClient,
    params: dict[str, str],
    prefix: str,
    *,
    first: Callable[[], RawResponse] | None = None,
    parsed: Callable[[Page], None] | None = None,
) -> Fetched:
    """Fetch, parse and map one list page; never raises (errors are in the result).

    ``first`` gives the first response when it was requested already (a prefetch);
    ``parsed`` is called with the page once it parsed, before it is mapped.
    """
    responses: list[tuple[float, int, int]] = []

    def result(**fields: Any) -> Fetched:
        return Fetched(params, tuple(responses), last_request=client.last_request, **fields)

    try:
        for attempt in (1, 2):
            raw = first() if attempt == 1 and first is not None else client.harvest(**params)
            responses.append((raw.seconds, len(raw.content), raw.attempts))
            try:
                page = parse_page(raw.content)
            except xmlsafe.HostileXML as exc:
                return result(bad=BadPage(raw.url, str(exc), raw.content, None))
            except OAIError:
                raise
            except xmlsafe.UnparsableXML as exc:
                if raw.status != 200:
                    raise HarvestError(f"HTTP {raw.status} from {raw.url}: {exc}") from exc
                if attempt == 2:
                    token = salvage_token(raw.content)
                    return result(bad=BadPage(raw.url, str(exc), raw.content, token))
                continue
            if parsed is not None:
                parsed(page)
            # (the records' lxml elements are not pickled: see HarvestedRecord)
            return result(page=page, mapped=map_page(page, prefix))
    except Exception as exc:  # handed to the walk, which raises it
        return result(error=_portable(exc))
    raise AssertionError("unreachable")  # pragma: no cover


def _portable(exc: Exception) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`HarvestError` saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, made just above
    except Exception:
        return HarvestError(f"fetching a page failed: {type(exc).__name__}: {exc}")
    return exc


TOOK = "took"
"""Message to the child: the walk took the page it had ready."""


class PageFetcher:
    """Pages for the walk, from a child process working ahead (or inline).

    :meth:`get` returns the :class:`Fetched` for ``params``; :meth:`close` stops the
    child. Use as a context manager.
    """

    def __init__(self, client: PartnerClient, prefix: str, settings: HarvestSettings) -> None:
        self.client, self.prefix = client, prefix
        self._conn = None
        self._process = None
        self._generation = 0
        self._coming: dict[str, str] | None = None
        wanted = settings.fetch_process
        if wanted is None:  # a second process only helps with a second CPU
            wanted = _cpus() > 1
        if wanted:
            self._start(settings)

    def __enter__(self) -> PageFetcher:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _start(self, settings: HarvestSettings) -> None:
        method = _start_method()
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload([__name__])
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_work,
            args=(
                theirs,
                ours if method == "fork" else None,
                self.client.endpoint,
                settings,
                self.client.delay,
                self.client.last_request,
                self.prefix,
                os.getpid(),
            ),
            name="oai-page-fetcher",
            daemon=True,
        )
        try:
            process.start()
        except (OSError, AssertionError):  # no child possible here (e.g. a daemonic process)
            ours.close()
            return
        finally:
            theirs.close()
        self._conn, self._process = ours, process

    def get(self, params: dict[str, str]) -> Fetched:
        """The page for ``params`` (the one the child already works on, when it is)."""
        if self._conn is None:
            fetched = fetch_page(self.client, params, self.prefix)
        else:
            fetched = self._receive(params)
            self.client.paced_after(fetched.last_request)
        return fetched

    def _receive(self, params: dict[str, str]) -> Fetched:
        if params == self._coming:
            self._send(TOOK)  # the child may get one more page ready
        else:
            self._generation += 1
            self._send((self._generation, params))
        while True:
            try:
                generation, fetched = self._conn.recv()
            except (EOFError, OSError) as exc:
                raise HarvestError("the page fetching process stopped unexpectedly") from exc
            if generation == self._generation:
                break
        self._coming = fetched.follow
        return fetched

    def _send(self, message) -> None:
        try:
            self._conn.send(message)
        except OSError as exc:
            raise HarvestError("the page fetching process stopped unexpectedly") from exc

    def close(self) -> None:
        """Stop the child (it is terminated when it does not stop within ``STOP_WAIT``)."""
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(STOP_WAIT)
            if process.is_alive():
                process.terminate()
                process.join()


def _cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _start_method() -> str:
    """``fork`` when this process has no other thread (cheap and safe), else forkserver."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _room_to_send(conn) -> None:
    """Let the pipe hold the pages the child may have ready, so it need not wait to send.

    (A page is some 100 kB pickled; a socket's default buffer holds about two.)
    """
    with contextlib.suppress(OSError, ValueError):
        sock = socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        finally:
            sock.close()


def _work(
    conn,
    parents_end,
    endpoint: str,
    settings: HarvestSettings,
    delay: float,
    last_request: float,
    prefix: str,
    parent: int,
) -> None:
    """The child: fetch what the walk asks for, then follow the list's tokens.

    It gets at most :data:`LOOKAHEAD` pages ahead of the walk (``TOOK`` says the walk
    took one), and stops following a list that loops. As soon as a page has parsed, the
    next one is requested by a thread (waiting on the network needs no GIL) while this
    one is mapped, as long as that next page is within the lookahead.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the walk's to handle
    if parents_end is not None:
        parents_end.close()
    _room_to_send(conn)
    client = PartnerClient(endpoint, settings, delay=delay)
    client.paced_after(last_request)
    guard = LoopGuard()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oai-prefetch")
    ahead: tuple[dict[str, str], Future[RawResponse]] | None = None
    generation, params, credit = 0, None, 0
    follow: dict[str, str] | None = None

    def parsed(page: Page) -> None:
        nonlocal ahead, follow
        token = page.token.value if page.token else ""
        loop = guard.check(params, page)
        follow = {"verb": "ListRecords", "resumptionToken": token} if token and not loop else None
        if follow is not None and credit > 1:  # the page after this one may be fetched now
            ahead = (follow, pool.submit(client.harvest, **follow))

    def take(wanted: dict[str, str]) -> Callable[[], RawResponse] | None:
        nonlocal ahead
        got, ahead = ahead, None
        if got is None:
            return None
        if got[0] == wanted:
            return got[1].result
        with contextlib.suppress(Exception):  # one request at a time: let it end
            got[1].result()
        return None

    try:
        while True:
            while params is None or credit <= 0 or conn.poll():
                if not conn.poll(1.0):
                    if os.getppid() != parent:
                        return
                    continue
                message = conn.recv()
                if message is None:
                    return
                if message == TOOK:
                    credit += 1
                else:
                    generation, params = message
                    credit = 1 + LOOKAHEAD
                    guard.clear()
            follow = None
            fetched = fetch_page(client, params, prefix, first=take(params), parsed=parsed)
            if fetched.page is None:
                follow = fetched.next_params()
            conn.send((generation, dataclasses.replace(fetched, follow=follow)))
            params, credit = follow, credit - 1
    except (EOFError, OSError):  # the walk is gone
        return
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()
